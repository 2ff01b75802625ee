"""An officer brings last year's history in from spreadsheets: the upload page reached from
home, a file with faults refused with every problem in a table and nothing recorded, then good
files checked, what recording them would give shown, and recorded on the word. The page that
shows an import at work refreshes itself, so the journey is the same with JavaScript off."""

import tempfile
import time
from pathlib import Path

from journeys import sign_in_link

ACTIVITIES = ("\ufeffActivity ref,Title,Kind,Topic,Planned on,Held on,Patients,Carers\r\n"
              "H1,Waiting room survey 2025,Survey,Waiting,01/03/2025,15 March 2025,40,6\r\n")
INPUT = ("Input ref,Activity ref,Kind,Summary,Raised by,Decision,Decided on\n"
         "J1,H1,Recommendation,Put a clock in the waiting room,Patient,Accepted,20/03/2025\n")
ACTIONS = ("Action ref,Title,Owner role,Decision forum,Input refs,Proposed on,Due on,Agreed on,"
           "Completed on,Outcome,Evidence\n"
           "K1,Fit a waiting room clock,Estates manager,Estates group,J1,2025-03-21,2025-05-01,"
           "2025-03-25,2025-04-10,A clock now hangs opposite the desk,Photograph\n")
FAULTY = ("Input ref,Activity ref,Kind,Summary,Raised by,Raised on\n"
          "J1,H9,Remark,Too cold,Patient,31/04/2025\n")


def settled(browser, timeout: float = 60):
    """Waits while the import's page refreshes itself, as a person watching it would."""
    deadline = time.time() + timeout
    while 'http-equiv="refresh"' in browser.driver.page_source and time.time() < deadline:
        time.sleep(0.5)
    time.sleep(0.2)


def send(browser, files: list[Path]):
    browser.find("#file").send_keys("\n".join(str(f) for f in files))
    browser.press("Check the file")
    settled(browser)


def import_history(browser, service, failures, org: str, org_name: str):
    expect = failures.expect
    where = browser.label
    shots = browser.javascript

    def check(name):
        if shots:
            browser.check(name)

    browser.open(sign_in_link(service, "importer@example.org", "ENGAGEMENT_OFFICER", [org]))
    browser.press("Continue to sign in")
    browser.press(f"Import history from a spreadsheet for {org_name}")
    check("Import history")
    expect(browser.heading() == "Import history from a spreadsheet",
           f"{where}the upload page opens from home")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        faulty = folder / "input.csv"
        faulty.write_text(FAULTY)
        send(browser, [faulty])
        check("Import refused")
        text = browser.text()
        expect("The file was not imported" in text and "31 is not a day of April 2025" in text,
               f"{where}a faulty file is refused with its problems: {text[:300]}")
        expect("a reference from the Activities sheet" in text,
               f"{where}every problem is shown at once")

        browser.press("Upload a corrected file")
        good = []
        for name, content in (("activities.csv", ACTIVITIES), ("input.csv", INPUT),
                              ("actions.csv", ACTIONS)):
            path = folder / "good" / name
            path.parent.mkdir(exist_ok=True)
            path.write_text(content)
            good.append(path)
        browser.find("#organisation").clear()
        browser.find("#organisation").send_keys(org)
        send(browser, good)
        check("Check what will be recorded")
        text = browser.text()
        expect(browser.heading() == "Check what will be recorded",
               f"{where}good files are checked: {text[:300]}")
        expect("Acted on" in text, f"{where}the verdicts the input would have are shown")
        browser.press("Record the history")
        settled(browser)
        check("History imported")
        text = browser.text()
        expect("History imported" in text and "7 steps recorded" in text,
               f"{where}the history is recorded: {text[:300]}")

    # What came in goes back out: the activities page's own download, as a workbook.
    browser.open("/activities")
    browser.find("#download summary").click()
    check("Activities, with their download open")
    with tempfile.TemporaryDirectory() as folder:
        browser.driver.execute_cdp_cmd("Page.setDownloadBehavior",
                                       {"behavior": "allow", "downloadPath": folder})
        browser.find("label[for='download-xlsx']").click()
        # A download leaves the page where it is: clicked, not pressed and waited on.
        browser.find("form[action='/records/download'] button").click()
        saved = None
        deadline = time.monotonic() + 15
        while saved is None and time.monotonic() < deadline:
            saved = next((p for p in Path(folder).glob("*-activities-*.xlsx")), None)
            time.sleep(0.2)
        expect(saved is not None and saved.read_bytes().startswith(b"PK"),
               f"{where}the activities download from their page as a workbook")
