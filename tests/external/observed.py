"""Watched as a platform team watches it: two replicas on one PostgreSQL database, each serving
/metrics on its own address, scraped by a real Prometheus (Debian's `prometheus`) with the
alert rules of deploy/prometheus loaded; and each scrape passing `promtool check metrics`."""

import json
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from service import Postgres, Service, free_port, token

RULES = Path(__file__).resolve().parents[2] / "deploy" / "prometheus" / "alerts.yml"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def query(prometheus: str, promql: str) -> list:
    answer = json.loads(fetch(f"{prometheus}/api/v1/query?"
                              + urllib.parse.urlencode({"query": promql})))
    return answer.get("data", {}).get("result", [])


def prometheus_scrapes_two_replicas(binary, keys, failures, postgres_url):
    expect = failures.expect
    if not shutil.which("prometheus") or not shutil.which("promtool"):
        expect(False, "prometheus and promtool are installed (Debian's prometheus package)")
        return
    database = Postgres(postgres_url)
    replicas = []
    folder = tempfile.mkdtemp(prefix="pl-prometheus-")
    prometheus = None
    try:
        for name in ("replica-a", "replica-b"):
            port = free_port()
            replicas.append((Service(binary, name, keys, {"PL_METRICS_LISTEN": f"127.0.0.1:{port}"},
                                     database_url=database.url), port))
        officer = token(keys.jwt_secret, "ENGAGEMENT_OFFICER", ["Q00000"])
        for service, _ in replicas:
            for _ in range(3):
                service.post(officer, "{ organisations { nodes { odsCode } } }")
        for service, port in replicas:
            text = fetch(f"http://127.0.0.1:{port}/metrics")
            checked = subprocess.run(["promtool", "check", "metrics"], input=text,
                                     capture_output=True, text=True)
            expect(checked.returncode == 0 and not checked.stdout.strip(),
                   f"{service.name}: its metrics pass promtool check metrics "
                   f"{checked.stdout.strip()}{checked.stderr.strip()}")
        web = free_port()
        config = Path(folder) / "prometheus.yml"
        targets = ", ".join(f'"127.0.0.1:{port}"' for _, port in replicas)
        config.write_text(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
            f"rule_files:\n  - {RULES}\n"
            "scrape_configs:\n  - job_name: partnership-ledger\n"
            f"    static_configs:\n      - targets: [{targets}]\n")
        log = open(Path(folder) / "prometheus.log", "wb")
        prometheus = subprocess.Popen(
            ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={folder}/data",
             f"--web.listen-address=127.0.0.1:{web}"], stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{web}"
        up, leading, counted, rules = [], [], [], []
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                up = query(base, 'up{job="partnership-ledger"} == 1')
                leading = query(base, 'sum(pl_projector_running{job="partnership-ledger"})')
                counted = query(base, 'sum by (instance) (pl_http_requests_total'
                                      '{operation="query:organisations", code="OK"})')
                rules = json.loads(fetch(f"{base}/api/v1/rules"))["data"]["groups"]
            except OSError:
                pass
            if len(up) == 2 and len(counted) == 2 and leading and rules:
                break
            time.sleep(1)
        expect(len(up) == 2, f"Prometheus scrapes both replicas: {up}")
        expect(bool(leading) and float(leading[0]["value"][1]) == 1.0,
               f"exactly one replica runs the projector: {leading}")
        expect(len(counted) == 2,
               f"each replica counts the requests it answered, by operation: {counted}")
        loaded = [rule["name"] for group in rules for rule in group["rules"]]
        expect("LedgerNoProjector" in loaded and "LedgerLogDoesNotVerify" in loaded,
               f"Prometheus loads the alert rules: {loaded}")
        firing = query(base, 'ALERTS{alertstate="firing"}')
        expect(not firing, f"nothing is firing on two healthy replicas: {firing}")
    finally:
        if prometheus is not None:
            prometheus.terminate()
            prometheus.wait(timeout=20)
        for service, _ in replicas:
            service.stop()
        database.drop()
        shutil.rmtree(folder, ignore_errors=True)
