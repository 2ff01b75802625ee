"""The public "you said, we did" page in the browser: an administrator turns it on, then a
member of the public, not signed in, reads it on a phone-sized window, opens the activity and
finds each thing said with what came of it; nothing personal is on any page they reach."""

from selenium.webdriver.common.by import By

from journeys import sign_in_link
from year import confirm, fill

PHONE = (390, 844)
# Who the officer's year named: none may appear on a public page.
PERSONAL = ["officer@example.org", "admin@example.org", "You said, we did: letters now arrive"]


def public_page(browser, service, failures, org: str, org_name: str, activity_id: str):
    expect = failures.expect
    where = browser.label
    shots = browser.javascript

    def check(name):
        if shots:
            browser.check(name)

    # Off until an administrator turns it on.
    browser.open(f"/public/{org}")
    expect(browser.heading() == "Page not found", f"{where}public page: off by default")

    browser.open(sign_in_link(service, "admin@example.org", "ADMIN", []))
    browser.press("Continue to sign in")
    browser.press(f"Turn on the public page for {org_name}")
    check("Turn on the public page")
    fill(browser, {"published": "on"})
    confirm(browser, expect, where, "Public page", "Save the public page setting",
            "Public page setting saved")
    expect(f"you said, we did, for {org_name}" in browser.text(),
           f"{where}home links to the public page once it is on")
    browser.press("Sign out")

    # A member of the public, on a phone.
    browser.driver.set_window_size(*PHONE)
    try:
        browser.open(f"/public/{org}")
        expect(browser.find("header").text.find("Sign out") < 0, f"{where}public page: no account")
        text = browser.text()
        expect("Outpatient letters" in text and "People raised 2 things: 1 done, 1 not going ahead." in text,
               f"{where}public page lists the activity with what came of it ({text[:300]})")
        check("Public page")
        browser.press("Outpatient letters")
        expect(browser.path == f"/public/{org}/activities/{activity_id}",
               f"{where}public page: the activity opens ({browser.path})")
        check("Public page: the activity")
        text = browser.text()
        for said in ["You said: Letters arrive after the appointment date", "Done",
                     "Send letters three weeks ahead: done on 20 May 2026",
                     "Not going ahead",
                     "We decided not to go ahead (", "the text service is being replaced next year"]:
            expect(said in text, f"{where}public activity says {said!r}")
        source = browser.driver.page_source
        for personal in PERSONAL:
            expect(personal not in source, f"{where}public pages hold nothing personal ({personal})")
        tags = [t.text for t in browser.driver.find_elements(By.CSS_SELECTOR, "main .nhsuk-tag")]
        expect(tags == ["Done", "Not going ahead"], f"{where}public activity: verdicts in words ({tags})")
    finally:
        browser.driver.set_window_size(1280, 900)
