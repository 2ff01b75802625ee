"""An auditor in the browser: finds the officer's input by its words, traces it from the
activity to the outcome, reads every change to the activity, issues a checkpoint (downloaded
as a file) and checks the log against it by uploading that file, and downloads the audit
trail. No write control is offered along the way."""

import re
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from selenium.webdriver.common.by import By

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


def as_it_stood(browser, failures, check):
    """From the activity's history, reads the activity as it stood a second before its topic was
    corrected, then as it stands now."""
    expect = failures.expect
    where = browser.label
    back = browser.find(".nhsuk-back-link").get_attribute("href")
    cards = [c.text for c in browser.driver.find_elements(By.CSS_SELECTOR, ".nhsuk-card")]
    card = next((c for c in cards if "The topic left out letters" in c), "")
    found = re.search(r"Recorded (\d+ \w+ \d{4}) at (\d\d:\d\d:\d\d) UTC", card)
    expect(found is not None, f"{where}each change says when it was recorded, to the second")
    if found is None:
        return
    before = datetime.strptime(f"{found[1]} {found[2]}", "%d %B %Y %H:%M:%S") - timedelta(seconds=1)
    browser.open("/audit/as-of")
    fill(browser, {"day-day": str(before.day), "day-month": str(before.month),
                   "day-year": str(before.year), "time": before.strftime("%H:%M:%S")})
    browser.press("Read the record as it stood then")
    browser.open(back)
    text = browser.text()
    expect(f"Recorded as of {before.day} {before:%B %Y at %H:%M:%S} UTC" in text,
           f"{where}every page says the record is as it stood ({text[:200]})")
    expect("Communication and letters" not in text and "Communication" in text,
           f"{where}the activity shows its topic before the correction")
    expect("Record what happened" not in text, f"{where}nothing can be recorded meanwhile")
    check("An activity as recorded before its correction")
    browser.open("/")
    expect("Recorded as of" in browser.text(), f"{where}the home page says so too")
    browser.press("Back to the record as it is now")
    browser.open(back)
    text = browser.text()
    expect("Recorded as of" not in text and "Communication and letters" in text,
           f"{where}back to now, the activity shows its corrected topic")


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
    as_it_stood(browser, failures, check)

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
