"""Schemathesis checks for the GraphQL fuzzing run (loaded through SCHEMATHESIS_HOOKS).

Every answer must be a GraphQL-over-HTTP response: JSON holding `data` and/or a list of
`errors`, each with a message and a stable code; and no error may be INTERNAL, because a
request the fuzzer can make must never reach an unhandled failure. Importing `real_ids`
registers the hook that puts real ids and organisation codes into the generated operations.
"""

import json

import schemathesis

import real_ids  # noqa: F401 - registers the flatmap_body hook

CODES = {
    "VALIDATION",
    "NOT_FOUND",
    "FORBIDDEN",
    "CONFLICT",
    "UNAUTHENTICATED",
    "RATE_LIMITED",
    "TIMEOUT",
    "LAGGING",
}


@schemathesis.check
def graphql_over_http(ctx, response, case):
    status = response.status_code
    assert status < 500, f"server error {status}"
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    assert content_type.split(";")[0].strip() in (
        "application/json",
        "application/graphql-response+json",
    ), f"content type {content_type!r} is not JSON"
    try:
        body = json.loads(response.content)
    except ValueError as error:
        raise AssertionError(f"the body is not JSON: {error}") from None
    assert isinstance(body, dict), "the body is not a JSON object"
    assert "data" in body or "errors" in body, "neither data nor errors"
    unknown = set(body) - {"data", "errors", "extensions"}
    assert not unknown, f"unexpected members {sorted(unknown)}"
    errors = body.get("errors", [])
    assert isinstance(errors, list), "errors is not a list"
    for error in errors:
        assert isinstance(error, dict), "an error is not an object"
        message = error.get("message")
        assert isinstance(message, str) and message, "an error has no message"
        code = (error.get("extensions") or {}).get("code")
        assert code != "INTERNAL", f"INTERNAL error: {message}"
        assert code in CODES, f"error code {code!r} is not one of ours: {message}"
    if status != 200:
        assert errors, f"status {status} without errors"
