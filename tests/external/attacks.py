"""The attacks of issue 22 sent again from outside: deeply nested input values over POST and
over the WebSocket, queries and mutations smuggled over the WebSocket, a socket that never
signs in, and a subscription from a caller already rate limited over HTTP. The WebSocket is
spoken by the `websockets` library in the graphql-transport-ws protocol."""

import json
import time

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from service import error_code, token

PROTOCOL = "graphql-transport-ws"
NORMAL = "{ organisations { nodes { odsCode } } }"


def nested_lists(depth: int) -> str:
    return "{ organisations(recordedAsOf: " + "[" * depth + "1" + "]" * depth + ") { nodes { odsCode } } }"


def nested_objects(depth: int) -> str:
    return ("{ inputItems(filter: " + "{a:" * depth + "1" + "}" * depth
            + ") { nodes { id } } }")


def nested_json(depth: int):
    value = 1
    for n in range(depth):
        value = [value] if n % 2 else {"a": value}
    return value


def still_serving(service, failures, auditor, after: str):
    failures.expect(service.alive() and service.healthy(),
                    f"{service.name}: /health answers after {after}")
    status, body = service.post(auditor, NORMAL)
    failures.expect(status == 200 and "errors" not in body and body["data"]["organisations"]["nodes"],
                    f"{service.name}: a normal query answers after {after}")


def refused_validation(service, failures, case, status, body, names=None):
    code = error_code(body)
    message = (body.get("errors") or [{}])[0].get("message", "") if isinstance(body, dict) else ""
    ok = code == "VALIDATION" and (not isinstance(body, dict) or not body.get("data"))
    if names:
        ok = ok and names in message
    failures.expect(ok, f"{service.name}: {case} -> {status} {code} {message[:90]!r}")


def nested_values(service, failures, secret):
    print(f"{service.name}: nested input values over POST:")
    auditor = token(secret, "AUDITOR", ["Q00000", "R00000A"])
    for case, query, names in [
        ("1,800 nested lists", nested_lists(1800), None),
        ("40 nested lists (past the text check, caught on the value)", nested_lists(40),
         "recordedAsOf"),
        ("an object literal 1,500 deep", nested_objects(1500), None),
        ("an object literal 30 deep", nested_objects(30), "filter"),
    ]:
        status, body = service.post(auditor, query)
        refused_validation(service, failures, case, status, body, names)
    variable_query = ("query($v: InputItemFilter) { inputItems(filter: $v) { nodes { id } } }")
    status, body = service.post(auditor, variable_query, {"v": nested_json(100)})
    refused_validation(service, failures, "a JSON variable nested 100 deep", status, body, "$v")
    # Deeper than any JSON parser should follow: refused, whatever the code, and still serving.
    deep = '{"query": "query($v: InputItemFilter) { inputItems(filter: $v) { nodes { id } } }", ' \
           '"variables": {"v": ' + "[" * 20000 + "]" * 20000 + "}}"
    status, _, body = service.request(auditor, deep.encode())
    failures.expect(400 <= status < 500 and isinstance(body, dict) and body.get("errors"),
                    f"{service.name}: a JSON variable nested 20,000 deep -> {status} "
                    f"{error_code(body)}")
    still_serving(service, failures, auditor, "the nested values")


def checkpoint_events(service, auditor) -> int:
    status, body = service.post(auditor, "{ checkpoint { events } }")
    assert status == 200 and "errors" not in body, body
    return body["data"]["checkpoint"]["events"]


class Socket:
    """A graphql-transport-ws client over `websockets`."""

    def __init__(self, service, bearer=None, init=True):
        self.ws = connect(service.ws_url, subprotocols=[PROTOCOL], open_timeout=10)
        if init:
            self.send({"type": "connection_init", "payload": {"Authorization": f"Bearer {bearer}"}})
            self.ack = self.receive()

    def send(self, message):
        self.ws.send(json.dumps(message))

    def receive(self, timeout=10):
        return json.loads(self.ws.recv(timeout=timeout))

    def subscribe(self, id, query, variables=None):
        self.send({"id": id, "type": "subscribe",
                   "payload": {"query": query, "variables": variables or {}}})

    def answer(self, id, timeout=10):
        """The next message for operation `id` (pings are answered, others skipped)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            message = self.receive(timeout=max(deadline - time.time(), 0.1))
            if message.get("type") == "ping":
                self.send({"type": "pong"})
            elif message.get("id") == id:
                return message
        raise TimeoutError(f"no answer for {id}")

    def closed_with(self, timeout=10):
        """The close code the server ends the socket with."""
        try:
            while True:
                self.ws.recv(timeout=timeout)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        except TimeoutError:
            return "still open"

    def close(self):
        self.ws.close()


def socket_error(message):
    payload = message.get("payload") or [{}]
    first = payload[0] if isinstance(payload, list) and payload else {}
    return message.get("type"), (first.get("extensions") or {}).get("code"), first.get("message", "")


def websocket(service, failures, secret):
    print(f"{service.name}: the WebSocket (websockets, graphql-transport-ws):")
    admin = token(secret, "ADMIN", [])
    auditor = token(secret, "AUDITOR", ["Q00000", "R00000A"])
    officer = token(secret, "ENGAGEMENT_OFFICER", ["Q00000"])
    before = checkpoint_events(service, auditor)

    socket = Socket(service, admin)
    failures.expect(socket.ack.get("type") == "connection_ack", f"{service.name}: admin socket acknowledged")
    socket.subscribe("q", NORMAL)
    kind, code, message = socket_error(socket.answer("q"))
    failures.expect(kind == "error" and code == "VALIDATION",
                    f"{service.name}: a query sent as subscribe -> {kind} {code} {message[:60]!r}")
    mutation = ('mutation { registerOrganisation(input: {odsCode: "ZZWS1", name: "Smuggled", '
                'kind: NHS_TRUST}) { organisation { odsCode } } }')
    socket.subscribe("m", mutation)
    kind, code, message = socket_error(socket.answer("m"))
    failures.expect(kind == "error" and code == "VALIDATION",
                    f"{service.name}: a mutation sent as subscribe -> {kind} {code} {message[:60]!r}")
    for case, query in [
        ("1,800 nested lists", "subscription { events(after: " + "[" * 1800 + "1" + "]" * 1800
         + ") { eventType } }"),
        ("40 nested lists", "subscription { events(after: " + "[" * 40 + "1" + "]" * 40
         + ") { eventType } }"),
        ("an object literal 1,500 deep", "subscription { events(after: " + "{a:" * 1500 + "1"
         + "}" * 1500 + ") { eventType } }"),
    ]:
        socket.subscribe(case, query)
        kind, code, message = socket_error(socket.answer(case))
        failures.expect(kind == "error" and code == "VALIDATION",
                        f"{service.name}: {case} over the socket -> {kind} {code} {message[:60]!r}")
    socket.subscribe("v", "subscription($v: String) { events(after: $v) { eventType } }",
                     {"v": nested_json(100)})
    kind, code, message = socket_error(socket.answer("v"))
    failures.expect(kind == "error" and code == "VALIDATION",
                    f"{service.name}: a variable nested 100 deep over the socket -> {kind} {code}")
    socket.send({"type": "ping"})
    failures.expect(socket.answer(None).get("type") == "pong",
                    f"{service.name}: the socket still answers a ping after the refusals")
    socket.close()
    status, body = service.post(auditor, '{ organisation(odsCode: "ZZWS1") { odsCode } }')
    failures.expect(error_code(body) == "NOT_FOUND",
                    f"{service.name}: the smuggled mutation recorded nothing ({error_code(body)})")
    failures.expect(checkpoint_events(service, auditor) == before,
                    f"{service.name}: the log did not grow from the socket")

    # A real subscription still works: replaying the officer's events from the start.
    socket = Socket(service, officer)
    socket.subscribe("e", 'subscription { events(after: "0:0") { eventType aggregateType } }')
    message = socket.answer("e", timeout=20)
    failures.expect(message.get("type") == "next" and message["payload"]["data"]["events"],
                    f"{service.name}: a real subscription answers ({message.get('type')})")
    socket.send({"id": "e", "type": "complete"})
    socket.close()

    silent = Socket(service, init=False)
    started = time.time()
    code = silent.closed_with(timeout=15)
    failures.expect(code == 4408,
                    f"{service.name}: no connection_init -> closed {code} after "
                    f"{time.time() - started:.1f} s")
    early = Socket(service, init=False)
    early.subscribe("x", "subscription { events { eventType } }")
    code = early.closed_with()
    failures.expect(code == 4401, f"{service.name}: subscribe before connection_ack -> {code}")
    forged = Socket(service, init=False)
    forged.send({"type": "connection_init", "payload": {"Authorization": "Bearer not-a-token"}})
    code = forged.closed_with()
    failures.expect(code == 4403, f"{service.name}: a bad token at connection_init -> {code}")
    still_serving(service, failures, auditor, "the WebSocket attacks")


def rate_limited(service, failures, secret, per_minute: int):
    print(f"{service.name}: a caller past the rate limit ({per_minute} a minute):")
    caller = token(secret, "AUDITOR", ["Q00000"], sub="outside-rate-limited")
    statuses, headers = [], None
    for _ in range(per_minute * 3):
        status, headers, _ = service.request(
            caller, json.dumps({"query": NORMAL}).encode())
        statuses.append(status)
        if status == 429:
            break
    failures.expect(statuses[-1] == 429,
                    f"{service.name}: 429 after {len(statuses)} requests ({statuses[:3]}...)")
    if statuses[-1] == 429:
        retry_after = headers.get("Retry-After", "")
        failures.expect(retry_after.isdigit() and int(retry_after) >= 1,
                        f"{service.name}: Retry-After: {retry_after!r}")
        failures.expect(bool(headers.get("RateLimit")),
                        f"{service.name}: RateLimit: {headers.get('RateLimit')!r}")
        failures.expect(bool(headers.get("RateLimit-Policy")),
                        f"{service.name}: RateLimit-Policy: {headers.get('RateLimit-Policy')!r}")
    socket = Socket(service, caller)
    failures.expect(socket.ack.get("type") == "connection_ack",
                    f"{service.name}: the limited caller's socket is acknowledged")
    socket.subscribe("s", "subscription { events { eventType } }")
    kind, code, message = socket_error(socket.answer("s"))
    failures.expect(kind == "error" and code == "RATE_LIMITED",
                    f"{service.name}: subscribe past the limit -> {kind} {code} {message[:50]!r}")
    socket.close()
