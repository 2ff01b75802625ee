"""Standard clients against the service: Python `gql` fetching the schema by its own
introspection query and validating a query against it, and the introspection documents of
graphql-js 16 and GraphiQL (kept in `tests/fixtures/introspection/`) posted as they are, each
answer rebuilt into a schema by graphql-core."""

from pathlib import Path

import graphql
from gql import Client, gql
from gql.transport.requests import RequestsHTTPTransport

from service import token

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "introspection"
# Types any answer must describe, from every area of the schema.
TYPES = {"QueryRoot", "MutationRoot", "SubscriptionRoot", "InputItem", "Board", "InputVerdict",
         "PlanActivityInput", "DateTime"}


def describes_the_schema(introspection: dict) -> tuple[bool, str]:
    schema = graphql.build_client_schema(introspection)
    missing = TYPES - set(schema.type_map)
    item = schema.type_map.get("InputItem")
    fields = set(item.fields) if item is not None else set()
    ok = not missing and {"verdict", "actions", "loopClosed"} <= fields
    return ok, f"{len(schema.type_map)} types" + (f", missing {sorted(missing)}" if missing else "")


def introspection(service, failures, secret):
    print(f"{service.name}: the standard introspection queries of real clients:")
    auditor = token(secret, "AUDITOR", ["Q00000", "R00000A"])
    transport = RequestsHTTPTransport(url=service.url, headers={"Authorization": f"Bearer {auditor}"},
                                      timeout=30, retries=0)
    client = Client(transport=transport, fetch_schema_from_transport=True)
    try:
        with client as session:
            result = session.execute(gql("{ organisations { nodes { odsCode name } } }"))
            codes = {o["odsCode"] for o in result["organisations"]["nodes"]}
            failures.expect("Q00000" in codes,
                            f"{service.name}: gql fetched the schema and ran a query ({len(codes)} "
                            "organisations)")
            ok, what = describes_the_schema(graphql.introspection_from_schema(client.schema))
            failures.expect(ok, f"{service.name}: gql's schema describes ours ({what})")
            try:
                session.execute(gql("{ organisations { nodes { noSuchField } } }"))
                refused_locally = False
            except graphql.GraphQLError:
                refused_locally = True
            failures.expect(refused_locally,
                            f"{service.name}: gql refuses a wrong query against the fetched schema")
    except Exception as error:  # noqa: BLE001 - any failure of the client is the finding
        failures.expect(False, f"{service.name}: gql could not fetch the schema: {error!r}"[:300])

    for fixture in sorted(FIXTURES.glob("*.graphql")):
        document = fixture.read_text()
        status, body = service.post(auditor, document)
        if status != 200 or body.get("errors") or not body.get("data"):
            failures.expect(False, f"{service.name}: {fixture.name} -> {status} "
                                   f"{(body.get('errors') or [{}])[0].get('message')}")
            continue
        ok, what = describes_the_schema(body["data"])
        failures.expect(ok, f"{service.name}: {fixture.name} answered ({what})")
