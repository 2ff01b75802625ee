"""A board secretary's year in the browser, as the README's board walk-through: a committee
established with its patient seats, a member registered with consent and appointed, a meeting
scheduled, its papers issued, held with its register, and a decision recorded citing the
input found by its words; then the board's representation, the printable register and the
decision log. A secretary of another organisation cannot open the board."""

from journeys import sign_in_link
from year import confirm, date, fill


def secretary_year(browser, service, failures, org: str, org_name: str):
    expect = failures.expect
    where = browser.label
    shots = browser.javascript

    def check(name):
        if shots:
            browser.check(name)

    browser.open(sign_in_link(service, "secretary@example.org", "BOARD_SECRETARY", [org]))
    browser.press("Continue to sign in")
    check("Secretary's home")
    browser.press("Boards")
    check("Boards")
    browser.press("Establish a board")
    check("Establish a board")
    fill(browser, {"name": "Quality committee", "kind-3": "on", **date("establishedOn", 1, 4, 2025)})
    confirm(browser, expect, where, "Establish a board", "Establish the board", "Board established")
    board_path = browser.path

    browser.press("Set the seats for a role")
    fill(browser, {"role": "on", "target": "2", "voting": "on", **date("from", 1, 4, 2025)})
    confirm(browser, expect, where, "Seats", "Set the seats", "Seats set")

    browser.press("Register a member")
    check("Register a member")
    fill(browser, {"details.displayName": "Pat Member", "details.email": "pat@example.org",
                   **date("registeredOn", 1, 3, 2025)})
    confirm(browser, expect, where, "Register a member", "Register them", "Member registered")
    browser.press("Record a consent")
    fill(browser, {"purpose": "on", "given": "on", **date("on", 1, 3, 2025)})
    confirm(browser, expect, where, "Consent", "Record the consent", "Consent recorded")
    check("A member")
    member_path = browser.path

    browser.open(board_path)
    browser.press("Appoint a member")
    check("Appoint a member")
    fill(browser, {"participantId": "on", "role": "on", "voting": "on",
                   **date("termStart", 1, 4, 2025), **date("termEnd", 31, 3, 2028)})
    confirm(browser, expect, where, "Appoint", "Appoint them", "Member appointed")

    browser.press("Schedule a meeting")
    fill(browser, date("scheduledFor", 20, 5, 2026))
    confirm(browser, expect, where, "Schedule a meeting", "Schedule the meeting", "Meeting scheduled")
    meeting_path = browser.path
    browser.press("The attendance register to print")
    check("Attendance register to sign")
    expect("Pat Member Patient member" in browser.text(), f"{where}the register lists the member")
    browser.open(meeting_path)
    browser.press("Record the papers issued")
    fill(browser, date("issuedOn", 13, 5, 2026))
    confirm(browser, expect, where, "Papers", "Record the papers issued", "Papers issued recorded")
    browser.press("Record it as held, with who attended")
    check("Record the meeting as held")
    fill(browser, {**date("heldOn", 20, 5, 2026), "attendedAppointmentIds": "on", "quorate": "on"})
    confirm(browser, expect, where, "Held", "Record it as held", "Meeting recorded as held")

    # The decision, citing the officer's input found by its words.
    browser.press("Record a decision taken at it")
    fill(browser, {"words": "letters"})
    browser.press("Search")
    check("Find what the decision cites")
    tick = browser.find("input[name=citedInputItemIds]")
    expect(tick.get_attribute("checked") is None, f"{where}cite: found, not yet ticked")
    browser.driver.execute_script("arguments[0].focus()", tick)
    tick.send_keys(" ")
    browser.press("Continue to the decision")
    check("Record a decision")
    expect("Letters arrive after the appointment date" in browser.text(),
           f"{where}the decision form shows the input it cites")
    fill(browser, {"title": "Adopt the rewritten letter templates",
                   "patientMembersPresent": "on", "patientMembersVoted": "on"})
    confirm(browser, expect, where, "Decision", "Record the decision", "Decision recorded")
    expect("cites patient input, patient members present, patient members voted" in browser.text(),
           f"{where}the meeting shows the decision citing patient input")
    check("Meeting held")

    # The board's representation, as of the summer, and the decision log.
    browser.open(f"{board_path}?asOf-day=1&asOf-month=6&asOf-year=2026")
    text = browser.text()
    expect("Patient members" in text and "1 of 2" in text,
           f"{where}the board shows one of two patient seats filled ({text[:400]})")
    check("Board representation")
    browser.press("The board's decision log")
    check("Decision log")
    expect("Input: Letters arrive after the appointment date" in browser.text(),
           f"{where}the decision log names what each decision cites")

    # The member's page: their seat, its term, and the meeting they attended.
    browser.open(member_path)
    check("A member with their seat and attendance")
    text = browser.text()
    expect("Quality committee" in text and "1 of 1 (100%)" in text,
           f"{where}the member's page shows their seat and the meeting attended ({text[-400:]})")
    browser.open("/")
    browser.press("Sign out")

    # Another organisation's secretary cannot open the board.
    browser.open(sign_in_link(service, "other@example.org", "BOARD_SECRETARY", ["R00000M"]))
    browser.press("Continue to sign in")
    browser.open(board_path)
    expect(browser.heading() == "Page not found",
           f"{where}another organisation's secretary cannot open the board")
    browser.open("/")
    browser.press("Sign out")
    return board_path
