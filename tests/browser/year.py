"""An engagement officer's year, from a fresh start to "you said, we did", in the browser:
the same journey as the README's API tour. Links and buttons are reached and pressed by
keyboard; answers are typed into the fields the keyboard would reach. The verdicts the pages
show are checked against the API's."""

import os
import tempfile

from selenium.webdriver.common.keys import Keys

from journeys import api_token, sign_in_link


def fill(browser, answers: dict):
    """Types each answer into its field (by id); a radio or checkbox is ticked with Space."""
    for field, value in answers.items():
        element = browser.find(f"[id=\"{field}\"]")
        if element.get_attribute("type") in ("radio", "checkbox"):
            element.send_keys(Keys.SPACE)
        else:
            element.clear()
            element.send_keys(value)


def date(name: str, day: int, month: int, year: int) -> dict:
    return {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": str(year)}


def submit(browser, expect, where: str, button: str = "Continue"):
    browser.press(button)


def confirm(browser, expect, where, name: str, button: str, note: str):
    """Continue to the check page, check it, then confirm; the note must show."""
    browser.press("Continue")
    expect(browser.heading().endswith("Check your answers"),
           f"{where}{name}: the answers are shown to check ({browser.heading()})")
    browser.check(f"{name}: check your answers")
    browser.press(button)
    saved = note in browser.text()
    expect(saved, f"{where}{name}: saved, and the page says '{note}'"
           + ("" if saved else f" (it says: {browser.text()[:300]})"))


# A population baseline of five dimensions, so that the annual report's "Who took part" table
# runs long enough to show how it prints.
BASELINE = "dimension,category,count\nage_band,18-44,600\nage_band,65+,400\n" + "".join(
    f"ethnic_group,{group},{count}\n" for group, count in [
        ("White British", 700), ("White Irish", 20), ("White other", 60), ("Mixed", 30),
        ("Indian", 40), ("Pakistani", 30), ("Bangladeshi", 15), ("Chinese", 10),
        ("Asian other", 15), ("Black African", 30), ("Black Caribbean", 20), ("Black other", 5),
        ("Arab", 5), ("Any other", 20)]) + "".join(
    f"deprivation_quintile,{q},200\n" for q in ["1", "2", "3", "4", "5"]) + (
    "sex,Female,510\nsex,Male,490\ndisability,Disabled,180\ndisability,Not disabled,820\n")


def annual_report(browser, failures, org: str, check):
    """The annual report's section for this financial year: its example chosen, previewed,
    downloaded as a printable page, and printed with "Who took part" starting on its first
    page (a long table kept whole used to jump to the next, leaving half a page empty)."""
    import base64
    import io
    import time
    from pathlib import Path

    from pypdf import PdfReader
    from selenium.webdriver.common.print_page_options import PrintOptions

    expect = failures.expect
    where = browser.label
    browser.open(f"/scorecard?organisation={org}")
    browser.press("The annual report's involvement section")
    check("Annual report")
    browser.press("Show the section")
    text = browser.text()
    expect("Send letters three weeks ahead" in text and "You said:" in text,
           f"{where}the annual report tells the completed action as its example")
    expect("Send letters three weeks ahead: action" in text,
           f"{where}the annual report's sources name records by title")
    if not browser.javascript:
        return
    with tempfile.TemporaryDirectory() as folder:
        browser.driver.execute_cdp_cmd("Page.setDownloadBehavior",
                                       {"behavior": "allow", "downloadPath": folder})
        # A download leaves the page where it is: clicked, not pressed and waited on.
        browser.find("a[href*='format=html']").click()
        saved = None
        deadline = time.monotonic() + 15
        while saved is None and time.monotonic() < deadline:
            saved = next((p for p in Path(folder).glob("involvement-*.html")), None)
            time.sleep(0.2)
        expect(saved is not None, f"{where}the annual report downloads as an HTML page")
        if saved is None:
            return
        browser.driver.get(saved.as_uri())
        options = PrintOptions()
        options.page_width, options.page_height = 21.0, 29.7
        pdf = PdfReader(io.BytesIO(base64.b64decode(browser.driver.print_page(options))))
        pages = [page.extract_text() for page in pdf.pages]
        first = next((i for i, p in enumerate(pages) if "Who took part" in p), None)
        expect(first is not None and "Characteristic" in pages[first]
               and "White British" in pages[first],
               f"{where}printed, 'Who took part' starts its table on its own page "
               f"(page {first}: {pages[first][-300:] if first is not None else ''})")
        expect(first == 0, f"{where}printed, 'Who took part' is on the first page, not pushed on")
    browser.open(f"/annual-report?organisation={org}")


def year(browser, service, failures, org: str, org_name: str):
    expect = failures.expect
    where = browser.label
    shots = browser.javascript  # screenshots once, with JavaScript on

    def check(name):
        if shots:
            browser.check(name)

    # The administrator registers the organisation.
    browser.open(sign_in_link(service, "admin@example.org", "ADMIN", []))
    browser.press("Continue to sign in")
    browser.press("Register an organisation")
    check("Register an organisation")
    fill(browser, {"odsCode": org, "name": org_name, "kind": "on"})
    confirm(browser, expect, where, "Register an organisation", "Register the organisation",
            "Organisation registered")
    browser.press("Sign out")

    # The officer signs in and keeps a theme.
    browser.open(sign_in_link(service, "officer@example.org", "ENGAGEMENT_OFFICER", [org]))
    browser.press("Continue to sign in")
    expect(org_name in browser.text(), f"{where}home shows the officer's organisation")
    browser.press(f"Add a theme to {org_name}'s list")
    fill(browser, {"name": "Communication"})
    confirm(browser, expect, where, "Add a theme", "Add the theme", "Theme added")

    # Plan the focus group.
    browser.press("Activities")
    check("Activities")
    browser.press("Plan an activity")
    fill(browser, {"title": "Outpatient letters", "topic": "Communication", "kind": "on",
                   **date("plannedOn", 10, 2, 2026), "principles-2": "on", "principles-5": "on"})
    confirm(browser, expect, where, "Plan an activity", "Plan the activity", "Activity planned")
    check("Activity planned")
    activity_path = browser.path

    browser.press("Record information published")
    fill(browser, {**date("publishedOn", 20, 1, 2026), "accessibleFormats": "on"})
    confirm(browser, expect, where, "Information published", "Record information published",
            "Information published recorded")

    browser.press("Record that it was held")
    check("Record that it was held")
    # Who took part: the second age band (18 to 44) and the first sex (female).
    fill(browser, {**date("heldOn", 10, 2, 2026), "attendance.patients": "9",
                   "attendance.carers": "3", "demographics.ageBand-2": "5",
                   "demographics.sex-1": "7"})
    confirm(browser, expect, where, "Held", "Record it as held", "Activity recorded as held")
    expect("18 to 44: 5" in browser.text(), f"{where}the activity shows who took part by age")

    # The input raised.
    browser.press("Record input raised")
    check("Record input raised")
    fill(browser, {"item1-summary": "Letters arrive after the appointment date",
                   "item1-kind": "on", "item1-raisedBy": "on", "item1-themes": "on",
                   "item2-summary": "Appointments by text message would help",
                   "item2-kind-3": "on", "item2-raisedBy-2": "on"})
    confirm(browser, expect, where, "Record input", "Record the input", "2 input items recorded")
    check("Activity with input")

    # The first point is accepted, and an action answers it, to the end.
    browser.press("Letters arrive after the appointment date")
    check("Input item")
    browser.press("Decide on it")
    fill(browser, {"outcome": "on", "reason": "Letters will be sent three weeks ahead",
                   **date("decidedOn", 1, 3, 2026)})
    confirm(browser, expect, where, "Decide", "Record the decision", "Decision recorded")
    browser.press("Propose an action for it")
    fill(browser, {"title": "Send letters three weeks ahead",
                   "ownerRole": "Head of Outpatients", "decisionForum": "Quality committee",
                   **date("dueOn", 30, 6, 2026), **date("proposedOn", 2, 3, 2026)})
    confirm(browser, expect, where, "Propose an action", "Propose the action", "Action proposed")
    check("Action")
    browser.press("Record that it was agreed")
    fill(browser, date("agreedOn", 5, 3, 2026))
    confirm(browser, expect, where, "Agree", "Record it as agreed", "Action agreed")
    browser.press("Record it as completed")
    fill(browser, {"outcome": "Letters now go out three weeks ahead",
                   "evidence": "Outpatient letters audit, May 2026",
                   **date("completedOn", 20, 5, 2026)})
    confirm(browser, expect, where, "Complete", "Record it as completed", "Action completed")
    browser.press("Letters arrive after the appointment date")

    # The second is declined, with the reason.
    browser.open(activity_path)
    browser.press("Appointments by text message would help")
    browser.press("Decide on it")
    fill(browser, {"outcome-2": "on", "reason": "the text service is being replaced next year"})
    confirm(browser, expect, where, "Decline", "Record the decision", "Decision recorded")

    # Participants are told.
    browser.open(activity_path)
    browser.press("Record what participants were told")
    fill(browser, {"channel-2": "on", "summary": "You said, we did: letters now arrive in time",
                   **date("givenOn", 1, 6, 2026)})
    confirm(browser, expect, where, "Feedback", "Record the feedback", "Feedback recorded")

    # A mistake put right from the record's page: the topic, with why.
    browser.open(activity_path)
    browser.press("Correct its details")
    check("Correct its details")
    fill(browser, {"topic": "Communication and letters", "reason.category": "on",
                   "reason.detail": "The topic left out letters"})
    confirm(browser, expect, where, "Correct", "Correct the record", "Record corrected")
    expect("Record corrected: The topic left out letters" in browser.text(),
           f"{where}the correction shows in what happened, with its reason")

    # The verdicts the activity's page shows are the API's.
    token = api_token(service, "officer@example.org", "ENGAGEMENT_OFFICER", [org])
    activity_id = activity_path.rsplit("/", 1)[1]
    _, body = service.post(token, "query($a: ID!) { activity(id: $a) { inputItems { summary verdict } } }",
                           {"a": activity_id})
    api = {i["summary"]: i["verdict"] for i in body["data"]["activity"]["inputItems"]}
    shown = {}
    for row in browser.all("main table tbody tr"):
        summary = row.find_element("css selector", "a").text
        shown[summary] = row.find_element("css selector", ".nhsuk-tag").text
    words = {"ACTED_ON": "Acted on", "DECLINED": "Declined"}
    expect(api == {"Letters arrive after the appointment date": "ACTED_ON",
                   "Appointments by text message would help": "DECLINED"},
           f"{where}the API's verdicts are acted on and declined ({api})")
    expect(all(shown.get(s) == words.get(v) for s, v in api.items()),
           f"{where}the activity's page shows the API's verdicts ({shown})")

    # "You said, we did", as participants would read it.
    browser.press('See "you said, we did" as participants would read it')
    check("You said, we did")
    text = browser.text()
    expect("Where it stands: Done" in text, f"{where}you said, we did: the accepted point is done")
    expect("Not going ahead, because the text service is being replaced next year" in text,
           f"{where}you said, we did: the declined point says why")
    expect("Letters now go out three weeks ahead" in text,
           f"{where}you said, we did: the outcome is there")

    # Put on the public page, once its officer has read what it will show.
    browser.open(activity_path)
    browser.press("Show it on the public page")
    check("Show it on the public page")
    fill(browser, {"nothingPersonal": "on"})
    confirm(browser, expect, where, "Publish", "Show it on the public page",
            "Shown on the public page")

    # Found again by its words.
    browser.press("Find input")
    check("Find input")
    fill(browser, {"words": "letters appointment"})
    browser.press("Search")
    expect("1 item found" in browser.text(), f"{where}find: the item is found by its words")
    check("Find input results")

    # The scorecard for the financial year the focus group fell in.
    browser.press("Figures")
    browser.open(f"/scorecard?organisation={org}&period=year&year=2025")
    check("Scorecard")
    expect("1 April 2025 to 31 March 2026" in browser.text(),
           f"{where}the scorecard covers the financial year asked for")

    # Reach, against a population baseline uploaded from a CSV file.
    browser.press("Reach: who took part against the population")
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as csv:
        csv.write(BASELINE)
    browser.find("#csv").send_keys(csv.name)
    browser.press("Upload the baseline")
    os.unlink(csv.name)
    browser.open(f"/reach?organisation={org}&period=year&year=2025")
    check("Reach")
    expect("Age: 65+, 0% of those who took part against 40% of the population" in browser.text(),
           f"{where}reach names the group left out, against the baseline uploaded")

    # Verdicts over time, from the scorecard.
    browser.open(f"/scorecard?organisation={org}")
    browser.press("Verdicts over time: month by month")
    check("Verdicts over time")
    text = browser.text()
    expect("Median days to a decision" in text and "Acted on" in text,
           f"{where}verdicts over time: the medians and the chart's key")
    browser.open(activity_path)
    browser.press("Its verdicts over time")
    expect(browser.heading().endswith("Verdicts over time"), f"{where}the activity's own verdicts")

    annual_report(browser, failures, org, check)
    browser.press("Sign out")
    return activity_id
