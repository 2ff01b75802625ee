"""The outside check: the built service, attacked and used by tools that are not ours.

Every service it starts is given its master, checkpoint and token keys explicitly, as a
PostgreSQL deployment must, and runs on the embedded SQLite default or on a fresh PostgreSQL
database that this script creates and drops.

1. Forged and stale tokens, made with PyJWT (and by hand where PyJWT refuses to make them),
   must each be refused with 401 UNAUTHENTICATED, so we do not only agree with ourselves.
2. Key rotation: an RS256 service reading keys by `kid` from a JWKS file accepts both
   published keys, refuses a token HMAC-signed with the RSA public key, and refuses a key once
   it is removed from the file.
3. The attacks of issue 22 (`attacks.py`): deeply nested input values over POST and over the
   WebSocket, queries and mutations sent as subscriptions, a socket that never signs in, and a
   subscription from a caller rate limited over HTTP; the 429's headers. The service must
   refuse each and keep serving.
4. Standard clients (`clients.py`): Python `gql` fetches the schema by introspection, and the
   graphql-js 16 and GraphiQL introspection documents are answered with the schema's types.
5. Schemathesis fuzzes every query and mutation in `schema/schema.graphql` with a valid token
   for each role over a seeded system (`seed --scale 1`), with real ids and organisation codes
   put into the generated operations (`real_ids.py`), on SQLite and on PostgreSQL; any 5xx,
   any answer that is not GraphQL over HTTP, and any INTERNAL error fails the run.
6. Watched (`observed.py`): two replicas on one PostgreSQL database, each with /metrics on its
   own address passing `promtool check metrics`, scraped by a real Prometheus with the alert
   rules of deploy/prometheus loaded.

Usage: run.py --binary PATH [--examples N] [--postgres-examples N] [--postgres URL].
Exits non-zero when any check failed.
"""

import argparse
import collections
import hashlib
import hmac
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

import attacks
import clients
import observed
import real_ids
from service import Failures, Keys, Postgres, Service, b64, claims, token

ROOT = Path(__file__).resolve().parents[2]
# What `seed --scale 1` registers: an ICB, two trusts, a GP practice and a Healthwatch.
SEEDED = ["Q00000", "R00000A", "R00000M", "G00000", "H00000"]
# Each role's organisations: some seeded records are theirs and some are not.
ROLES = {
    "ENGAGEMENT_OFFICER": ["Q00000", "R00000A"],
    "BOARD_SECRETARY": ["Q00000", "R00000A"],
    "AUDITOR": SEEDED,
    "ADMIN": [],
}


def hand_signed(header: dict, body: dict, key: bytes) -> str:
    """An HS256 token signed by hand, for keys PyJWT rightly refuses to use as secrets."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(body).encode())}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


QUERY = "{ organisations { nodes { odsCode } } }"


def refused(service, failures, case, token):
    status, body = service.post(token, QUERY)
    code = (body.get("errors") or [{}])[0].get("extensions", {}).get("code")
    failures.expect(
        status == 401 and code == "UNAUTHENTICATED" and "data" not in body,
        f"{service.name}: {case} -> {status} {code}",
    )


def accepted(service, failures, case, token):
    status, body = service.post(token, QUERY)
    failures.expect(status == 200 and "errors" not in body, f"{service.name}: {case} -> {status}")


def forged_hs256(service, failures, secret: str):
    print("Forged and stale HS256 tokens (PyJWT):")
    now = int(time.time())
    good = jwt.encode(claims(), secret, algorithm="HS256")
    accepted(service, failures, "a good token", good)
    header, payload, signature = good.split(".")
    admin = b64(json.dumps(claims(role="ADMIN", orgs=[])).encode())
    unsigned = f"{b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{payload}."
    cases = {
        "alg none": unsigned,
        "alg none signed with nothing by PyJWT": jwt.encode(claims(), None, algorithm="none"),
        "HS512 with the right secret": jwt.encode(claims(), secret, algorithm="HS512"),
        "HS384 with the right secret": jwt.encode(claims(), secret, algorithm="HS384"),
        "another secret": jwt.encode(claims(), secrets.token_urlsafe(48), algorithm="HS256"),
        "payload raised to ADMIN after signing": f"{header}.{admin}.{signature}",
        "signature stripped": f"{header}.{payload}.",
        "wrong aud": jwt.encode(claims(aud="another-service"), secret, algorithm="HS256"),
        "aud list without ours": jwt.encode(claims(aud=["a", "b"]), secret, algorithm="HS256"),
        "wrong iss": jwt.encode(claims(iss="https://login.example.com"), secret, algorithm="HS256"),
        "missing iss": jwt.encode(claims(iss=None), secret, algorithm="HS256"),
        "missing exp": jwt.encode(claims(exp=None), secret, algorithm="HS256"),
        "missing sub": jwt.encode(claims(sub=None), secret, algorithm="HS256"),
        "empty sub": jwt.encode(claims(sub=" "), secret, algorithm="HS256"),
        "expired": jwt.encode(
            claims(iat=now - 7200, nbf=now - 7200, exp=now - 3600), secret, algorithm="HS256"
        ),
        "nbf in the future": jwt.encode(claims(nbf=now + 3600), secret, algorithm="HS256"),
        "iat in the future beyond the skew": jwt.encode(
            claims(iat=now + 3600), secret, algorithm="HS256"
        ),
        "older than the maximum age": jwt.encode(
            claims(iat=now - 3 * 86400, nbf=now - 3 * 86400), secret, algorithm="HS256"
        ),
        "crit header": jwt.encode(
            claims(), secret, algorithm="HS256", headers={"crit": ["exp"], "exp": now}
        ),
        "jku header": jwt.encode(
            claims(), secret, algorithm="HS256", headers={"jku": "https://attacker.example/k"}
        ),
        "x5u header": jwt.encode(
            claims(), secret, algorithm="HS256", headers={"x5u": "https://attacker.example/c"}
        ),
        "role not ours": jwt.encode(claims(role="SUPERUSER"), secret, algorithm="HS256"),
        "garbage": "not-a-token",
        "empty": "",
    }
    for case, token in cases.items():
        refused(service, failures, case, token)
    refused(service, failures, "no Authorization header", None)
    log = service.log_text()
    failures.expect(good not in log and secret not in log, f"{service.name}: no token in the log")


def key_rotation(binary, failures, service_keys):
    print("Key rotation by kid from a JWKS file (RS256, keys made by cryptography):")
    keys = {kid: rsa.generate_private_key(public_exponent=65537, key_size=2048) for kid in ("k1", "k2")}

    def jwk(kid):
        return {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(keys[kid].public_key())),
                "kid": kid, "use": "sig", "alg": "RS256"}

    directory = Path(tempfile.mkdtemp(prefix="pl-jwks-"))
    jwks = directory / "jwks.json"
    jwks.write_text(json.dumps({"keys": [jwk("k1"), jwk("k2")]}))
    service = Service(binary, "rs256", service_keys,
                      {"PL_JWT_ALGORITHM": "RS256", "PL_JWT_JWKS_FILE": str(jwks)})
    try:
        def signed(kid, header_kid=None, **change):
            return jwt.encode(claims(**change), keys[kid], algorithm="RS256",
                              headers={"kid": header_kid or kid})

        accepted(service, failures, "k1", signed("k1"))
        accepted(service, failures, "k2", signed("k2"))
        public_pem = keys["k1"].public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        refused(service, failures, "HS256 signed with k1's public key",
                hand_signed({"alg": "HS256", "typ": "JWT", "kid": "k1"}, claims(), public_pem))
        refused(service, failures, "no kid", jwt.encode(claims(), keys["k1"], algorithm="RS256"))
        refused(service, failures, "unknown kid", signed("k1", "k3"))
        refused(service, failures, "k1's signature naming k2", signed("k1", "k2"))
        refused(service, failures, "PS256 with k1", jwt.encode(
            claims(), keys["k1"], algorithm="PS256", headers={"kid": "k1"}))
        ec_key = ec.generate_private_key(ec.SECP256R1())
        refused(service, failures, "ES256 from an unknown key",
                jwt.encode(claims(), ec_key, algorithm="ES256", headers={"kid": "k1"}))
        refused(service, failures, "a key embedded in the token (jwk header)", jwt.encode(
            claims(), ec_key, algorithm="ES256", headers={
                "kid": "k9", "jwk": json.loads(jwt.algorithms.ECAlgorithm.to_jwk(ec_key.public_key()))}))
        refused(service, failures, "k2 expired", signed("k2", exp=int(time.time()) - 3600))

        jwks.write_text(json.dumps({"keys": [jwk("k2")]}))
        retired = signed("k1")
        deadline = time.time() + 5
        while time.time() < deadline and service.post(retired, QUERY)[0] != 401:
            time.sleep(0.2)
        refused(service, failures, "k1 after it was retired", retired)
        accepted(service, failures, "k2 after k1 was retired", signed("k2"))
    finally:
        service.stop()


def fuzz(service, failures, examples: int, secret: str, pool_path: str):
    print(f"{service.name}: schemathesis over schema/schema.graphql with real ids, {examples} "
          "examples per operation and role:")
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "graphql_checks",
        "PYTHONPATH": str(Path(__file__).resolve().parent),
        "PL_FUZZ_POOL": pool_path,
    }
    log_before = len(service.log_text())
    for role, orgs in ROLES.items():
        command = [
            sys.executable, "-m", "schemathesis.cli", "run", str(ROOT / "schema/schema.graphql"),
            "--url", service.url,
            "--header", f"Authorization: Bearer {token(secret, role, orgs, f'fuzz-{role.lower()}')}",
            # Schemathesis' own not_a_server_error counts every resolver error (NOT_FOUND for
            # a random id, say) as a failure; ours fails 5xx and INTERNAL, and checks the shape.
            "--checks", "graphql_over_http",
            "--max-examples", str(examples),
            "--seed", "20261201",
            "--phases", "fuzzing",
            "--workers", "2",
            "--no-shrink",
            "--suppress-health-check", "all",
            "--output-sanitize", "true",
        ]
        started = time.time()
        result = subprocess.run(command, env=env, capture_output=True, text=True)
        # The summary; on a failure, enough above it to name the operation and the error.
        tail = "\n".join(result.stdout.splitlines()[-25 if result.returncode == 0 else -200:])
        print(f"  {role}: exit {result.returncode} in {time.time() - started:.0f} s\n{tail}")
        if result.returncode != 0:
            print(result.stderr[-4000:])
            # What the service said meanwhile: its warnings and errors.
            said = [line for line in service.log_text()[log_before:].splitlines()
                    if " WARN " in line or " ERROR " in line]
            print("\n".join(said[-30:]))
        failures.expect(result.returncode == 0, f"{service.name}: fuzzing as {role}")
    failures.expect(service.alive() and service.healthy(),
                    f"{service.name}: still serving after the fuzzing")
    log = service.log_text()
    failures.expect("panicked" not in log, f"{service.name}: no panic in the log")
    # How far the fuzzing reached: the mutations it got committed, by name (reading contact
    # details is recorded as a command too, and is left out).
    committed = collections.Counter(
        re.findall(r'command committed command="(\w+)"', log[log_before:]))
    committed.pop("readContactDetails", None)
    print(f"  the fuzzing's mutations committed: {sum(committed.values())} of "
          f"{len(committed)} kinds: " + ", ".join(f"{k} {n}" for k, n in committed.most_common()))
    failures.expect(len(committed) >= 8,
                    f"{service.name}: the fuzzing got at least 8 kinds of mutation committed")


def seeded_service(binary, name, keys, failures, database_url=None):
    """A service over one seeded system, and the file of its ids for the fuzzer."""
    service = Service(binary, name, keys, database_url=database_url, seed=True)
    pool_path = str(Path(service.dir) / "real-ids.json")
    pool = real_ids.gather(service, token(keys.jwt_secret, "AUDITOR", SEEDED), pool_path)
    print(f"{name}: seeded in {service.seconds_seeding:.0f} s; real ids: "
          + ", ".join(f"{len(v)} {k}" for k, v in sorted(pool.items())))
    failures.expect(sorted(pool["organisations"]) == sorted(SEEDED)
                    and all(pool[k] for k in ("activities", "inputItems", "actions", "boards",
                                              "meetings", "participants")),
                    f"{name}: the seeded system has records of every kind")
    return service, pool_path


class Timer:
    def __init__(self):
        self.parts = []

    def part(self, name, run):
        started = time.time()
        try:
            run()
        finally:
            self.parts.append((name, time.time() - started))

    def report(self):
        total = sum(seconds for _, seconds in self.parts)
        print("\nTime taken: " + ", ".join(f"{name} {s:.0f} s" for name, s in self.parts)
              + f"; {total:.0f} s in all")


def embedded(args, keys, failures):
    service, pool_path = seeded_service(args.binary, "sqlite", keys, failures)
    secret = keys.jwt_secret
    try:
        forged_hs256(service, failures, secret)
        attacks.nested_values(service, failures, secret)
        attacks.websocket(service, failures, secret)
        clients.introspection(service, failures, secret)
        fuzz(service, failures, args.examples, secret, pool_path)
    finally:
        service.stop()


def rate_limits(args, keys, failures):
    per_minute = 5
    service = Service(args.binary, "rate-limited", keys,
                      {"PL_RATE_LIMIT_PER_MINUTE": str(per_minute)})
    try:
        attacks.rate_limited(service, failures, keys.jwt_secret, per_minute)
    finally:
        service.stop()


def postgres(args, keys, failures):
    database = Postgres(args.postgres)
    try:
        service, pool_path = seeded_service(args.binary, "postgres", keys, failures,
                                            database_url=database.url)
        try:
            attacks.nested_values(service, failures, keys.jwt_secret)
            attacks.websocket(service, failures, keys.jwt_secret)
            fuzz(service, failures, args.postgres_examples, keys.jwt_secret, pool_path)
        finally:
            service.stop()
    finally:
        database.drop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--examples", type=int, default=25,
                        help="fuzzing examples per operation and role on SQLite")
    parser.add_argument("--postgres-examples", type=int, default=10,
                        help="fuzzing examples per operation and role on PostgreSQL")
    parser.add_argument("--postgres", default=os.environ.get(
        "PL_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="a PostgreSQL server (any database on it) where a fresh database is made")
    args = parser.parse_args()
    failures = Failures()
    keys = Keys()
    timer = Timer()
    timer.part("SQLite", lambda: embedded(args, keys, failures))
    timer.part("key rotation", lambda: key_rotation(args.binary, failures, keys))
    timer.part("rate limit", lambda: rate_limits(args, keys, failures))
    timer.part("PostgreSQL", lambda: postgres(args, keys, failures))
    timer.part("Prometheus", lambda: observed.prometheus_scrapes_two_replicas(
        args.binary, keys, failures, args.postgres))
    timer.report()
    if failures.items:
        print(f"\n{len(failures.items)} failed:\n  " + "\n  ".join(failures.items))
        sys.exit(1)
    print("\nThe outside check passed.")


if __name__ == "__main__":
    main()
