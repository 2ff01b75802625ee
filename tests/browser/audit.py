"""An auditor in the browser: finds the officer's input by its words, traces it from the
activity to the outcome, reads every change to the activity, issues a checkpoint (downloaded
as a file) and checks the log against it by uploading that file, and downloads the audit
trail. No write control is offered along the way."""

import tempfile
import time
from pathlib import Path

from journeys import sign_in_link
from year import fill


def wait_for_file(folder: Path, pattern: str, seconds: float = 15) -> Path | None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [p for p in folder.glob(pattern) if not p.name.endswith(".crdownload")]
        if found:
            return found[0]
        time.sleep(0.2)
    return None


def auditor_day(browser, service, failures, org: str):
    expect = failures.expect
    where = browser.label
    shots = browser.javascript

    def check(name):
        if shots:
            browser.check(name)

    browser.open(sign_in_link(service, "auditor@example.org", "AUDITOR", [org]))
    browser.press("Continue to sign in")
    browser.press("Audit")
    check("Find any record")
    fill(browser, {"q": "letters appointment"})
    browser.press("Find")
    check("Find any record: results")
    browser.press("Letters arrive after the appointment date")
    expect("What to do next" not in browser.text(), f"{where}an auditor has nothing to do next")
    browser.press("Trace it")
    check("Trace of an input item")
    text = browser.text()
    for step in ["Activity planned", "Input item recorded", "Action completed"]:
        expect(step in text, f"{where}the trace shows {step}")
    expect("Hash" in text, f"{where}each step shows its hash")

    browser.press("Activity planned")
    browser.press("Every change to it")
    check("Every change to the record")
    expect("The topic left out letters" in browser.text(),
           f"{where}the history gives the correction's reason")

    # A checkpoint, downloaded, then uploaded to check the log against it.
    with tempfile.TemporaryDirectory() as folder:
        browser.driver.execute_cdp_cmd("Page.setDownloadBehavior",
                                       {"behavior": "allow", "downloadPath": folder})
        browser.open("/audit/verify")
        check("Check the log")
        browser.find("form[action='/audit/checkpoint'] button").click()
        saved = wait_for_file(Path(folder), "checkpoint-*.json")
        expect(saved is not None, f"{where}a checkpoint downloads as a file")
        if saved is not None:
            browser.find("#checkpoint").send_keys(str(saved))
            browser.press("Check the log")
            text = browser.text()
            expect("Verified: every record's chain holds, and the log matches the checkpoint" in text,
                   f"{where}the log verifies against the checkpoint ({text[:300]})")
            check("Check the log: verified")
        browser.open("/audit/downloads")
        check("Download the evidence")
        fill(browser, {"from-day": "1", "from-month": "1", "from-year": "2026",
                       "to-day": "31", "to-month": "12", "to-year": "2026"})
        browser.find("form[action='/audit/downloads/trail'] button").click()
        trail = wait_for_file(Path(folder), "*.csv")
        expect(trail is not None and "ActivityPlanned" in trail.read_text(),
               f"{where}the audit trail downloads as CSV")
    browser.open("/")
    browser.press("Sign out")
