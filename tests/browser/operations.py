"""The pages' GraphQL operations (web/operations/*.graphql) checked against the schema file
(schema/schema.graphql) with graphql-core, the reference implementation's rules: a page that
asks for a field the schema does not have, or passes a variable of the wrong type, fails
here rather than in front of an officer."""

from pathlib import Path

from graphql import build_schema, parse, validate
from graphql.error import GraphQLSyntaxError

ROOT = Path(__file__).resolve().parents[2]


def check(failures):
    schema = build_schema((ROOT / "schema" / "schema.graphql").read_text())
    documents = sorted((ROOT / "web" / "operations").glob("*.graphql"))
    failures.expect(bool(documents), "the pages' operations are there to check")
    for path in documents:
        try:
            errors = validate(schema, parse(path.read_text()))
        except GraphQLSyntaxError as error:
            errors = [error]
        failures.expect(
            not errors,
            f"web/operations/{path.name} is valid against schema/schema.graphql"
            + "".join(f"\n      {e.message}" for e in errors),
        )
