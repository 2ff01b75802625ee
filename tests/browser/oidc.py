"""Signing in with the organisation's identity provider: oidc-provider (a certified OpenID
provider) running beside the service, with this service as its client `ledger`.

In the browser, an officer signs in through the provider's own pages and lands on home. Over
HTTP, the refusals: a callback with a state other than the one sent, a code used twice, a code
issued to another client (a token for another audience), and an account with no role of ours;
none of them signs anyone in, and no code appears in the service's log."""

import re
import subprocess
import time
import urllib.parse
from pathlib import Path

import requests
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

HERE = Path(__file__).resolve().parent / "oidc-provider"
SECRET = "ledger-secret-for-tests-only"


class IdentityProvider:
    def __init__(self, port: int, redirect: str):
        if not (HERE / "node_modules" / "oidc-provider").exists():
            subprocess.run(["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=HERE,
                           check=True)
        self.issuer = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(["node", "provider.mjs", str(port), redirect], cwd=HERE,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
        deadline = time.time() + 30
        for line in self.process.stdout:
            if line.startswith("ready"):
                break
            if time.time() > deadline:
                raise SystemExit("the identity provider did not start")

    def env(self) -> dict:
        return {
            "PL_OIDC_ISSUER": self.issuer,
            "PL_OIDC_CLIENT_ID": "ledger",
            "PL_OIDC_CLIENT_SECRET": SECRET,
            "PL_OIDC_SCOPES": "openid email ledger",
            "PL_OIDC_NAME": "NHS test accounts",
        }

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def form_of(html: str):
    """The first form of a page: its action and its hidden fields."""
    action = re.search(r'<form[^>]*action="([^"]+)"', html).group(1)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    return action, hidden


def through_provider(http: requests.Session, url: str, login: str, callback: str) -> str:
    """Follows the provider's pages from `url` as `login` (any password), answering its login
    and consent forms; answers the address it sends back to `callback`, not yet opened."""
    for _ in range(12):
        answer = http.get(url, allow_redirects=False)
        while answer.is_redirect:
            url = urllib.parse.urljoin(url, answer.headers["location"])
            if url.startswith(callback):
                return url
            answer = http.get(url, allow_redirects=False)
        action, fields = form_of(answer.text)
        if 'name="login"' in answer.text:
            fields.update({"login": login, "password": "any"})
        answer = http.post(urllib.parse.urljoin(url, action), data=fields, allow_redirects=False)
        url = urllib.parse.urljoin(url, answer.headers["location"])
        if url.startswith(callback):
            return url
    raise AssertionError("the provider's pages did not lead back")


def heading(html: str) -> str:
    """The text of a page's first heading."""
    found = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""


def start(service) -> tuple:
    """A fresh visitor starting to sign in: their HTTP session, and where the service sends
    them."""
    http = requests.Session()
    answer = http.get(f"{service.base}/sign-in/oidc", allow_redirects=False)
    assert answer.status_code == 303, answer.status_code
    return http, answer.headers["location"]


def signed_in(service, http) -> bool:
    answer = http.get(f"{service.base}/", allow_redirects=False)
    return answer.status_code == 200


def submit_and_wait(browser):
    """Submits the provider's form and waits for the page it leads to."""
    page = browser.find("html")
    browser.find("button[type=submit]").click()
    WebDriverWait(browser.driver, 15).until(expected_conditions.staleness_of(page))
    WebDriverWait(browser.driver, 15).until(
        lambda d: d.execute_script("return document.readyState") == "complete")


def checks(browser, service, failures):
    expect = failures.expect
    where = browser.label
    callback = f"{service.base}/sign-in/oidc/callback"

    # In the browser, through the provider's own pages.
    browser.open("/sign-in")
    browser.press("Sign in with NHS test accounts")
    browser.find("input[name=login]").send_keys("officer")
    browser.find("input[name=password]").send_keys("any")
    submit_and_wait(browser)
    submit_and_wait(browser)  # consent
    expect(browser.path == "/" and browser.heading() == "What needs you",
           f"{where}an officer signs in through the identity provider ({browser.path})")
    expect("officer" in browser.driver.find_element("css selector", ".nhsuk-header__account").text,
           f"{where}the header names them by the provider's subject")
    browser.press("Sign out")

    # Over HTTP: a wrong state.
    http, url = start(service)
    back = through_provider(http, url, "officer", callback)
    wrong = re.sub(r"state=[^&]+", "state=not-the-one-sent", back)
    answer = http.get(wrong, allow_redirects=False)
    expect(answer.status_code == 400 and heading(answer.text) == "Sign-in did not work",
           f"{where}a callback with a wrong state is refused ({answer.status_code})")
    expect(not signed_in(service, http), f"{where}and nobody is signed in")

    # A code used twice: signed in once; the same code with a fresh state signs in no one.
    http, url = start(service)
    back = through_provider(http, url, "officer", callback)
    first = http.get(back, allow_redirects=False)
    expect(first.status_code == 303 and signed_in(service, http),
           f"{where}a good callback signs in ({first.status_code})")
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(back).query)["code"][0]
    again, url = start(service)
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["state"][0]
    replay = again.get(f"{callback}?code={code}&state={state}", allow_redirects=False)
    expect(replay.status_code == 400 and not signed_in(service, again),
           f"{where}a code used twice signs no one in ({replay.status_code})")

    # A code issued to another client: a token for another audience.
    http, url = start(service)
    other = url.replace("client_id=ledger", "client_id=other")
    back = through_provider(http, other, "officer", callback)
    answer = http.get(back, allow_redirects=False)
    expect(answer.status_code == 400 and not signed_in(service, http),
           f"{where}a code issued to another client signs no one in ({answer.status_code})")

    # An account with no role of ours.
    http, url = start(service)
    back = through_provider(http, url, "norole", callback)
    answer = http.get(back, allow_redirects=False)
    expect(answer.status_code == 403
           and heading(answer.text) == "Your account has no role in Partnership Ledger",
           f"{where}an account with no role is refused ({answer.status_code})")
    expect(not signed_in(service, http), f"{where}and is not signed in")

    log = service.log_text()
    expect(code not in log, f"{where}no code appears in the service's log")
    # Each refused for its own reason, as the log says.
    for why in ["the state does not match the one sent", "the code was refused",
                "refused an identity provider account with no role here"]:
        expect(why in log, f"{where}the log gives the reason: {why}")
