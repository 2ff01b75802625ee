"""The browser tests: the real binary, driven through headless Chromium as people use it, on
the embedded SQLite default and on PostgreSQL.

Each page met is checked with axe-core at WCAG 2.2 AA, at 320 px wide and at 200% zoom, and
saved as screenshots at desktop and phone widths under target/ui/ for a person to look at.

0. The pages' GraphQL operations are valid against schema/schema.graphql (`operations`).
1. Signing in (`journeys.signing_in`): a visitor is sent to sign in; a link from
   `partnership-ledger sign-in-link` opens a page whose button, reached by keyboard alone,
   signs in; home shows what needs the officer with the same verdict counts as the API;
   signing out ends the session, and the spent link is refused.
2. The same with JavaScript off.
3. An officer's year (`year.year`), from registering the organisation to "you said, we did",
   by keyboard, with the verdicts shown checked against the API's; with JavaScript on and off.
4. Refusals (`journeys.refusals`, `journeys.no_way_round`): a form posted without its
   session's token is refused and changes nothing; a replayed sign-in link opens no session;
   an auditor finds no write control, and a forged post with their own valid form token is
   refused; an officer cannot open another organisation's records by their address.
5. The public page (`public.public_page`): an administrator turns it on, and someone not
   signed in reads the published activity on a phone-sized window, with nothing personal.
6. A board secretary's year (`boards.secretary_year`), the README's board walk-through, with
   a decision citing the officer's input found by its words; another organisation's
   secretary cannot open the board.
7. An auditor's day (`audit.auditor_day`): finding the input by words, its trace, every change
   to the activity, a checkpoint downloaded and uploaded to check the log, and the audit trail
   downloaded.
8. Importing history (`imports.import_history`): an officer uploads a file with faults and
   sees every problem, nothing recorded; then good files, what they would give, and recorded.
9. Signing in with the organisation's identity provider (`oidc`): oidc-provider, a certified
   OpenID provider, runs beside the service; an officer signs in through its pages, and a
   wrong state, a code used twice, a code issued to another client and an account with no
   role are each refused.

Usage: run.py --binary PATH [--postgres URL] [--only sqlite|postgres].
Exits non-zero when any check failed.
"""

import argparse
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "external"))

from service import Failures, Keys, Postgres, Service, free_port  # noqa: E402

import journeys  # noqa: E402
import oidc  # noqa: E402
import operations  # noqa: E402
import audit  # noqa: E402
import boards  # noqa: E402
import imports  # noqa: E402
import public  # noqa: E402
import year  # noqa: E402
from browser import Browser  # noqa: E402

# axe-core with the WCAG 2.2 rules (axe-selenium-python bundles a 2018 one).
AXE_CORE = "4.10.3"


def axe_script() -> Path:
    """axe-core's browser script, fetched once from its npm package into target/."""
    out = ROOT / "target" / "browser" / f"axe-core-{AXE_CORE}.min.js"
    if out.exists():
        return out
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        subprocess.run(["npm", "pack", "--silent", f"axe-core@{AXE_CORE}"], cwd=work,
                       check=True, stdout=subprocess.DEVNULL)
        with tarfile.open(next(Path(work).glob("axe-core-*.tgz"))) as tgz:
            member = tgz.extractfile("package/axe.min.js")
            # Written beside it and moved in: a run beside this one reads it whole or not at all.
            staged = out.with_name(f"{out.name}.{os.getpid()}.part")
            staged.write_bytes(member.read())
            staged.replace(out)
    return out


def run_backend(name: str, binary: str, database_url: str | None, failures: Failures, axe: Path):
    keys = Keys()
    # The port is chosen first: the public address and the provider's redirect name it.
    port = free_port()
    provider = oidc.IdentityProvider(free_port(),
                                     f"http://127.0.0.1:{port}/sign-in/oidc/callback")
    try:
        service = Service(binary, f"browser-{name}", keys, database_url=database_url, seed=True,
                          port=port, env={"PL_PUBLIC_URL": f"http://127.0.0.1:{port}",
                                          **provider.env()})
    except BaseException:
        provider.stop()
        raise
    try:
        shots = ROOT / "target" / "ui" / name
        for javascript in (True, False):
            label = f"{name}{'' if javascript else ' (JavaScript off)'}: "
            browser = Browser(service.base, axe, shots if javascript else shots / "no-js",
                              failures, javascript=javascript, label=label)
            try:
                journeys.signing_in(browser, service, failures)
                if javascript:
                    journeys.refusals(browser, service, failures)
                    journeys.no_way_round(browser, service, failures)
                    oidc.checks(browser, service, failures)
                org = ("QMJ", "North Central London ICB") if javascript else \
                    ("QMK", "North East London ICB")
                activity = year.year(browser, service, failures, *org)
                public.public_page(browser, service, failures, *org, activity)
                boards.secretary_year(browser, service, failures, *org)
                audit.auditor_day(browser, service, failures, org[0])
                imports.import_history(browser, service, failures, *org)
            finally:
                browser.quit()
    finally:
        if failures.items:
            print(service.log_text()[-4000:])
        service.stop()
        provider.stop()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    failures = Failures()
    print("The pages' operations against the schema")
    operations.check(failures)
    axe = axe_script()
    if args.only in (None, "sqlite"):
        print("Browser tests on SQLite")
        run_backend("sqlite", args.binary, None, failures, axe)
    if args.only in (None, "postgres"):
        print("Browser tests on PostgreSQL")
        database = Postgres(args.postgres)
        try:
            run_backend("postgres", args.binary, database.url, failures, axe)
        finally:
            database.drop()
    if failures.items:
        print(f"\n{len(failures.items)} browser checks failed:")
        for item in failures.items:
            print(f"  - {item}")
        sys.exit(1)
    print("\nThe browser tests passed.")


if __name__ == "__main__":
    main()
