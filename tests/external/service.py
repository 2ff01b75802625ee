"""The real binary, started the way an operator would, and what every part of the outside check
shares: tokens, keys, a fresh PostgreSQL database, and the list of failures."""

import base64
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import jwt

ISSUER = AUDIENCE = "partnership-ledger"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Keys:
    """The three keys, given explicitly as a PostgreSQL deployment must give them."""

    def __init__(self):
        self.master = base64.b64encode(secrets.token_bytes(32)).decode()
        self.checkpoint = secrets.token_bytes(32).hex()
        self.jwt_secret = secrets.token_urlsafe(48)

    def env(self) -> dict:
        return {
            "PL_MASTER_KEY": self.master,
            "PL_CHECKPOINT_KEY": self.checkpoint,
            "PL_JWT_SECRET": self.jwt_secret,
        }


def claims(**change):
    now = int(time.time())
    body = {
        "sub": "fuzzer@example.nhs.uk",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": now + 3600,
        "iat": now,
        "nbf": now,
        "role": "ENGAGEMENT_OFFICER",
        "orgs": ["Q00000"],
    }
    for key, value in change.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def token(secret: str, role: str, orgs: list, sub: str | None = None) -> str:
    return jwt.encode(claims(role=role, orgs=orgs, sub=sub or f"outside-{role.lower()}"), secret,
                      algorithm="HS256")


class Postgres:
    """A fresh database on the local server, dropped at the end."""

    def __init__(self, server_url: str):
        self.server_url = server_url
        self.name = f"pl_outside_{secrets.token_hex(4)}"
        parts = urllib.parse.urlsplit(server_url)
        self.url = urllib.parse.urlunsplit(parts._replace(path=f"/{self.name}"))
        self.psql(f'CREATE DATABASE "{self.name}"')

    def psql(self, sql: str):
        try:
            result = subprocess.run(
                ["psql", self.server_url, "-v", "ON_ERROR_STOP=1", "-qc", sql],
                capture_output=True, text=True)
        except FileNotFoundError:
            raise SystemExit("psql is not on the path; the PostgreSQL half needs it") from None
        if result.returncode != 0:
            raise SystemExit(f"psql could not run `{sql}` on {self.server_url}: {result.stderr}")

    def drop(self):
        self.psql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


class Service:
    """The real binary in a fresh data directory (and database, when `database_url` is given)."""

    def __init__(self, binary: str, name: str, keys: Keys, env: dict | None = None,
                 database_url: str | None = None, seed: bool = False, port: int | None = None):
        self.name = name
        self.binary = binary
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix=f"pl-{name}-")
        self.log_path = Path(self.dir) / "service.log"
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "PL_DATA_DIR": str(Path(self.dir) / "data"),
            "PL_LISTEN": f"127.0.0.1:{self.port}",
            "PL_RATE_LIMIT_PER_MINUTE": "0",
            # Services run side by side: none takes the default metrics address unless given one.
            "PL_METRICS_LISTEN": "off",
            # The ledger logs each committed command at debug: the fuzzing counts them.
            "RUST_LOG": "info,sqlx=warn,partnership_ledger::ledger=debug",
            **keys.env(),
            **({"DATABASE_URL": database_url} if database_url else {}),
            # `{port}` in a value given stands for the port chosen.
            **{name: value.replace("{port}", str(self.port)) for name, value in (env or {}).items()},
        }
        self.log = open(self.log_path, "wb")
        self.seconds_seeding = None
        if seed:
            self.seed()
        self.process = subprocess.Popen(
            [binary, "serve"], env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.base}/graphql"
        self.ws_url = f"ws://127.0.0.1:{self.port}/graphql/ws"
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{name}: the service exited early:\n{self.log_text()}")
            if self.healthy():
                return
            time.sleep(0.2)
        self.process.kill()
        raise SystemExit(f"{name}: the service did not answer /health within 60 s")

    def seed(self):
        """One synthetic integrated care system (`seed --scale 1`), written before serving."""
        started = time.time()
        result = subprocess.run([self.binary, "seed", "--scale", "1"], env=self.env,
                                stdout=subprocess.PIPE, stderr=self.log, text=True)
        if result.returncode != 0:
            raise SystemExit(f"{self.name}: seeding failed:\n{self.log_text()}")
        self.seconds_seeding = time.time() - started
        print(f"{self.name}: {result.stdout.strip()}")

    def alive(self) -> bool:
        return self.process.poll() is None

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base}/health", timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, OSError):
            return False

    def request(self, token, body: bytes, timeout=30):
        """POSTs `body` as JSON; answers the status, the headers and the parsed body (or the
        raw text, when it is not JSON)."""
        request = urllib.request.Request(
            self.url, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        if token is not None:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, raw = error.code, error.headers, error.read()
        try:
            return status, headers, json.loads(raw)
        except ValueError:
            return status, headers, raw.decode(errors="replace")

    def post(self, token, query, variables=None):
        status, _, body = self.request(
            token, json.dumps({"query": query, "variables": variables or {}}).encode()
        )
        return status, body

    def log_text(self) -> str:
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def error_code(body) -> str | None:
    """The code of the first error of a GraphQL answer."""
    if not isinstance(body, dict):
        return None
    return ((body.get("errors") or [{}])[0].get("extensions") or {}).get("code")


class Failures:
    def __init__(self):
        self.items = []

    def expect(self, ok: bool, what: str):
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
        if not ok:
            self.items.append(what)
