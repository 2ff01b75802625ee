"""What people do in the browser, step by step, with what they should see at each step."""

import subprocess
import urllib.request

from selenium.webdriver.support.ui import WebDriverWait

# The last part of the address of every form that records something.
WRITES = {"new", "information", "held", "postpone", "cancel", "report", "feedback", "input",
          "correct", "decide", "revise", "action", "withdraw", "reinstate", "agree", "progress",
          "due", "complete", "abandon", "themes"}

# The seeded acute trust, and one of its officers.
ORG = "R00000A"
OFFICER = "officer@example.nhs.uk"


def sign_in_link(service, sub: str, role: str, orgs: list) -> str:
    """A link from `partnership-ledger sign-in-link`, as an administrator makes one."""
    args = [service.binary, "sign-in-link", "--sub", sub, "--role", role]
    for org in orgs:
        args += ["--org", org]
    result = subprocess.run(args, env=service.env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def api_token(service, sub: str, role: str, orgs: list) -> str:
    """A token from `partnership-ledger token`, for reading what the API says."""
    args = [service.binary, "token", "--sub", sub, "--role", role]
    for org in orgs:
        args += ["--org", org]
    return subprocess.run(args, env=service.env, capture_output=True, text=True,
                          check=True).stdout.strip()


def api_counts(service, org: str) -> dict:
    """The API's count per verdict for `org`, read with a token of an officer of it."""
    token = api_token(service, OFFICER, "ENGAGEMENT_OFFICER", [org])
    _, body = service.post(token, "query($o: String!) { organisation(odsCode: $o) { rollup "
                                  "{ total counts { verdict count } } } }", {"o": org})
    rollup = body["data"]["organisation"]["rollup"]
    return {c["verdict"]: c["count"] for c in rollup["counts"]} | {"ALL": rollup["total"]}


# How the pages name each verdict, and the API's name for it.
VERDICT_WORDS = {
    "Waiting for a decision": "UNANSWERED",
    "Overdue for a decision": "OVERDUE",
    "Declined": "DECLINED",
    "Already in place": "ALREADY_IN_PLACE",
    "Referred to a partner": "REFERRED",
    "Planned": "PLANNED",
    "Stalled": "STALLED",
    "Acted on": "ACTED_ON",
    "All input": "ALL",
}


def page_counts(browser) -> dict:
    """The counts per verdict in the home page's table of how input stands."""
    table = browser.all("main table")[-1]
    counts = {}
    for row in table.find_elements("css selector", "tbody tr"):
        cells = row.find_elements("css selector", "th, td")
        counts[VERDICT_WORDS[cells[0].text.strip()]] = int(cells[1].text)
    return counts


def signing_in(browser, service, failures):
    expect = failures.expect
    where = browser.label
    browser.open("/")
    expect(browser.path == "/sign-in", f"{where}a visitor is sent to sign in ({browser.path})")
    browser.check("Sign in")
    link = sign_in_link(service, OFFICER, "ENGAGEMENT_OFFICER", [ORG])
    browser.open(link)
    expect(browser.heading() == "Sign in to Partnership Ledger", f"{where}the link opens its page")
    browser.check("Sign in with a link")
    browser.press("Continue to sign in")
    expect(browser.path == "/", f"{where}signing in leads home ({browser.path})")
    expect(browser.heading() == "What needs you", f"{where}home is what needs you")
    browser.check("What needs you")
    shown = page_counts(browser)
    api = api_counts(service, ORG)
    expect(shown == api, f"{where}home's verdict counts are the API's ({shown} vs {api})")

    browser.press("Sign out")
    expect(browser.heading() == "You have signed out", f"{where}signing out says so")
    browser.check("Signed out")
    browser.open("/")
    expect(browser.path == "/sign-in", f"{where}after signing out, home asks to sign in")
    browser.open(link)
    expect(browser.heading() == "This sign-in link cannot be used",
           f"{where}a spent link is refused")
    browser.check("Sign-in link cannot be used")


def refusals(browser, service, failures):
    expect = failures.expect
    where = browser.label
    browser.open(sign_in_link(service, OFFICER, "ENGAGEMENT_OFFICER", [ORG]))
    browser.press("Continue to sign in")
    # A forged form: the page's own sign-out form, posted without its token.
    browser.driver.execute_script(
        "const form = document.querySelector('form[action=\"/sign-out\"]');"
        "form.querySelector('input[name=csrf_token]').remove(); form.submit();"
    )
    expect(browser.heading() == "This form has expired",
           f"{where}a form posted without its token is refused")
    browser.check("Form expired")
    browser.open("/")
    expect(browser.heading() == "What needs you", f"{where}and the session goes on")
    browser.open("/no-such-page")
    expect(browser.heading() == "Page not found", f"{where}an unknown address is not found")
    browser.check("Page not found")
    with urllib.request.urlopen(f"{service.base}/health") as answer:
        expect(answer.status == 200, f"{where}the service is still up")


def first_activity(service, org: str) -> str:
    """The id of the first activity `org` leads, read through the API."""
    token = api_token(service, "reader@example.org", "AUDITOR", [org])
    _, body = service.post(token, "query($o: String) { activities(organisation: $o, first: 1) "
                                  "{ nodes { id } } }", {"o": org})
    return body["data"]["activities"]["nodes"][0]["id"]


def no_way_round(browser, service, failures):
    """An auditor finds no write control and a forged post is refused; an officer cannot
    open another organisation's records by their address."""
    expect = failures.expect
    where = browser.label
    ours, theirs = first_activity(service, ORG), first_activity(service, "R00000M")

    browser.open(sign_in_link(service, "auditor@example.org", "AUDITOR", [ORG]))
    browser.press("Continue to sign in")
    for path in ["/", "/activities", f"/activities/{ours}"]:
        browser.open(path)
        forms = [f.get_attribute("action") for f in browser.all("form[method=post]")]
        writes = [f for f in forms if not f.endswith("/sign-out")]
        # Every form of the pages sits at an address ending in what it records.
        links = [a.get_attribute("href") for a in browser.all("main a")
                 if (a.get_attribute("href") or "").rsplit("/", 1)[-1] in WRITES]
        expect(not writes and not links,
               f"{where}an auditor finds no write control on {path} ({writes} {links})")
    browser.check("Activity, as an auditor")
    # A forged form, carrying the auditor's own valid form token.
    browser.driver.execute_script(
        "const token = document.querySelector('input[name=csrf_token]').value;"
        "const form = document.createElement('form'); form.method = 'post';"
        f"form.action = '/activities/{ours}/held/confirm';"
        "for (const [n, v] of [['csrf_token', token], ['idempotency_key', 'forged']]) {"
        "  const i = document.createElement('input'); i.type = 'hidden'; i.name = n; i.value = v;"
        "  form.appendChild(i); }"
        "document.body.appendChild(form); form.submit();"
    )
    WebDriverWait(browser.driver, 15).until(lambda d: d.find_element("tag name", "h1").text)
    expect(browser.heading() == "You cannot do this",
           f"{where}an auditor's forged post is refused ({browser.heading()})")
    browser.check("You cannot do this")
    browser.open("/")
    browser.press("Sign out")

    browser.open(sign_in_link(service, OFFICER, "ENGAGEMENT_OFFICER", [ORG]))
    browser.press("Continue to sign in")
    for path in [f"/activities/{theirs}", f"/activities/{theirs}/held",
                 f"/activities/{theirs}/you-said-we-did"]:
        browser.open(path)
        expect(browser.heading() == "Page not found",
               f"{where}an officer cannot open another organisation's {path}")
    browser.open("/")
    browser.press("Sign out")
