"""Real ids and organisation codes for the fuzzer, so it reaches the business rules rather than
stopping at "not found".

`gather` reads them from a seeded service with a few GraphQL queries and writes them to a JSON
file; the `flatmap_body` hook (registered when `PL_FUZZ_POOL` names that file) then replaces,
in each generated query or mutation, most ID arguments and organisation-code arguments with
values drawn from it. Which records an id names is told by the argument's name
(`inputItemId`, `citedActionIds`, ...) or, for a bare `id`, by the field it is given to.
"""

import json
import os

import graphql
import schemathesis
from hypothesis import strategies as st

# How often a generated id or organisation code is replaced by a real one; the rest stay
# random, so "not found" and malformed ids are still sent.
REAL = 0.85

BY_NAME = {
    "activityId": "activities",
    "inputItemId": "inputItems",
    "inputItemIds": "inputItems",
    "citedInputItemIds": "inputItems",
    "examples": "inputItems",
    "actionId": "actions",
    "citedActionIds": "actions",
    "boardId": "boards",
    "participantId": "participants",
    "meetingId": "meetings",
    "appointmentId": "appointments",
    "attendedAppointmentIds": "appointments",
    "decisionId": "decisions",
}
BY_FIELD = {
    "activity": "activities",
    "inputItem": "inputItems",
    "action": "actions",
    "participant": "participants",
    "board": "boards",
    "boardMeeting": "meetings",
}
ORGANISATION_NAMES = {"organisation", "odsCode", "leadOrganisation", "ownerOrganisation",
                      "partnerOrganisations", "referredTo", "ics"}


def gather(service, auditor: str, path: str) -> dict:
    """Reads the seeded records' ids as an auditor of every seeded organisation."""
    def read(query):
        status, body = service.post(auditor, query)
        if status != 200 or body.get("errors"):
            raise SystemExit(f"{service.name}: could not read the seeded records: {body}")
        return body["data"]

    pool = {kind: set() for kind in set(BY_NAME.values())}
    organisations = read("{ organisations { nodes { odsCode } } }")["organisations"]["nodes"]
    pool["organisations"] = {o["odsCode"] for o in organisations}
    for code in sorted(pool["organisations"]):
        after = None
        while True:
            page = read('{ activities(organisation: "%s", first: 50%s) { pageInfo { hasNextPage '
                        "endCursor } nodes { id inputItems { id actions { id } } } } }"
                        % (code, f', after: "{after}"' if after else ""))["activities"]
            for activity in page["nodes"]:
                pool["activities"].add(activity["id"])
                for item in activity["inputItems"]:
                    pool["inputItems"].add(item["id"])
                    pool["actions"].update(a["id"] for a in item["actions"])
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
    boards = read("{ boards(first: 10) { nodes { id appointments { id participant { id } } "
                  "meetings(first: 30) { nodes { id decisions { id } } } } } }")["boards"]["nodes"]
    for board in boards:
        pool["boards"].add(board["id"])
        for appointment in board["appointments"]:
            pool["appointments"].add(appointment["id"])
            if appointment["participant"]:
                pool["participants"].add(appointment["participant"]["id"])
        for meeting in board["meetings"]["nodes"]:
            pool["meetings"].add(meeting["id"])
            pool["decisions"].update(d["id"] for d in meeting["decisions"])
    pool = {kind: sorted(values) for kind, values in pool.items()}
    with open(path, "w") as file:
        json.dump(pool, file)
    return pool


def _load():
    path = os.environ.get("PL_FUZZ_POOL")
    if not path:
        return None
    with open(path) as file:
        pool = json.load(file)
    pool["any"] = sorted({v for kind, values in pool.items() if kind != "organisations"
                          for v in values})
    return pool


POOL = _load()


def _kind(name: str, field: str, named_type: str) -> str | None:
    if named_type == "ID":
        if name == "id":
            return BY_FIELD.get(field, "any")
        return BY_NAME.get(name, "any")
    if named_type == "String" and name in ORGANISATION_NAMES:
        return "organisations"
    return None


class _Substitute(graphql.Visitor):
    def __init__(self, type_info, random):
        super().__init__()
        self.type_info = type_info
        self.random = random

    def _value(self, node, kind):
        values = POOL.get(kind) or []
        if not values:
            return node
        if isinstance(node, graphql.StringValueNode):
            if self.random.random() < REAL:
                return graphql.StringValueNode(value=self.random.choice(values))
            return node
        if isinstance(node, graphql.ListValueNode):
            items = tuple(self._value(item, kind) for item in node.values)
            if not items and self.random.random() < REAL:
                items = (graphql.StringValueNode(value=self.random.choice(values)),)
            return graphql.ListValueNode(values=items)
        return node

    def _replace(self, node, name, input_type):
        if input_type is None:
            return None
        field = self.type_info.get_field_def()
        parent = self.type_info.get_parent_type()
        field_name = next((n for n, f in (parent.fields.items() if parent else ())
                           if f is field), "")
        kind = _kind(name, field_name, graphql.get_named_type(input_type).name)
        if kind is None:
            return None
        new_value = self._value(node.value, kind)
        if new_value is node.value:
            return None
        return type(node)(name=node.name, value=new_value)

    def leave_argument(self, node, *_):
        argument = self.type_info.get_argument()
        return self._replace(node, node.name.value, argument.type if argument else None)

    def leave_object_field(self, node, *_):
        return self._replace(node, node.name.value, self.type_info.get_input_type())


def substitute(document, schema, random):
    type_info = graphql.TypeInfo(schema)
    return graphql.visit(document, graphql.TypeInfoVisitor(type_info, _Substitute(type_info, random)))


if POOL is not None:
    @schemathesis.hook
    def flatmap_body(context, body):
        schema = context.operation.schema.client_schema
        if not isinstance(body, graphql.DocumentNode):
            return st.just(body)
        return st.randoms(use_true_random=False).map(lambda random: substitute(body, schema, random))
