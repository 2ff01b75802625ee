"""A real browser for the tests: headless Chromium through Selenium, with axe-core checking
each page at WCAG 2.2 AA, screenshots at desktop and phone widths, and checks that a page
still fits a 320 px wide screen and 200% zoom."""

import json
import re
import time
from pathlib import Path

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

# The axe-core rule tags of WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DESKTOP = (1280, 900)
PHONE = (320, 800)


class Browser:
    def __init__(self, base: str, axe_script: Path, shots: Path, failures,
                 javascript: bool = True, label: str = ""):
        options = Options()
        options.add_argument("--headless=new")
        options.add_argument("--no-sandbox")
        options.add_argument("--disable-dev-shm-usage")
        options.add_argument(f"--window-size={DESKTOP[0]},{DESKTOP[1]}")
        if not javascript:
            options.add_experimental_option(
                "prefs", {"profile.managed_default_content_settings.javascript": 2}
            )
        self.driver = webdriver.Chrome(
            options=options, service=DriverService(find_driver())
        )
        self.base = base
        self.axe_script = axe_script
        self.shots = shots
        self.failures = failures
        self.javascript = javascript
        self.label = label
        self.checked = set()

    def quit(self):
        self.driver.quit()

    # Moving about.
    def open(self, path: str):
        self.driver.get(path if path.startswith("http") else self.base + path)

    @property
    def path(self) -> str:
        return self.driver.current_url.removeprefix(self.base)

    def heading(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "h1").text

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "main").text

    def find(self, css: str):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def all(self, css: str):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def tab_to(self, text: str, limit: int = 250):
        """Presses Tab from the top of the page until the focused element's text or value is
        `text`, as someone using only a keyboard would; answers that element."""
        # From the top: the skip link, the first thing a keyboard reaches.
        self.driver.execute_script("document.querySelector('.nhsuk-skip-link').focus()")
        for _ in range(limit):
            # As a keyboard does, to whatever has the focus (a file input takes keys as a path).
            ActionChains(self.driver).send_keys(Keys.TAB).perform()
            focused = self.driver.switch_to.active_element
            # What a screen reader says: the text, hidden parts and all, or a button's value.
            said = " ".join((focused.get_attribute("textContent") or "").split()) \
                or (focused.get_attribute("value") or "").strip()
            if said == text:
                return focused
        raise AssertionError(f"{self.path} ({self.heading()}): no control '{text}' reached by Tab;"
                             f" the page says: {self.text()[:400]}")

    def press(self, text: str):
        """Tabs to the button or link `text` and presses Enter, then waits for the page it
        leads to."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        self.tab_to(text).send_keys(Keys.ENTER)
        WebDriverWait(self.driver, 15).until(expected_conditions.staleness_of(page))
        WebDriverWait(self.driver, 15).until(
            lambda d: d.execute_script("return document.readyState") == "complete"
        )

    # Checking a page.
    def check(self, name: str):
        """axe-core at WCAG 2.2 AA, no sideways scrolling at 320 px or at 200% zoom, and
        screenshots at desktop and phone widths (the first time each page is seen)."""
        where = f"{self.label}{name}"
        if self.javascript:
            axe = Axe(self.driver, script_url=str(self.axe_script))
            axe.inject()
            results = axe.run(options={"runOnly": {"type": "tag", "values": WCAG_AA}})
            violations = [
                f"{v['id']} ({v['impact']}): {v['help']} at "
                + ", ".join(n["target"][0] if isinstance(n["target"][0], str) else json.dumps(n["target"]) for n in v["nodes"][:3])
                for v in results["violations"]
            ]
            self.failures.expect(not violations, f"{where}: axe-core finds nothing at WCAG 2.2 AA"
                                 + ("" if not violations else ": " + "; ".join(violations)))
        # A 320 px screen, and a 1280 px window zoomed to 200% (a 640 px page, drawn twice as
        # large), as WCAG's reflow criterion has them.
        for width, scale, tag in [(PHONE[0], 1, "320px"), (DESKTOP[0] // 2, 2, "200% zoom")]:
            self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": DESKTOP[1], "deviceScaleFactor": scale, "mobile": False,
            })
            # The header's script moves navigation items under "More" once it sees the new
            # width; measure the page as a person sees it, once it has settled (up to a second).
            for _ in range(10):
                overflow = self.driver.execute_script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                if overflow <= 0:
                    break
                time.sleep(0.1)
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
            self.failures.expect(overflow <= 0, f"{where}: fits without scrolling sideways at {tag} ({overflow}px over)")
        if name not in self.checked:
            self.checked.add(name)
            self.screenshot(name)

    def screenshot(self, name: str):
        self.shots.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        for (width, height), tag in [(DESKTOP, "desktop"), ((390, 844), "mobile")]:
            self.driver.set_window_size(width, height)
            full = self.driver.execute_script("return document.documentElement.scrollHeight")
            self.driver.set_window_size(width, min(full, 6000))
            self.driver.save_screenshot(str(self.shots / f"{slug}-{tag}.png"))
        self.driver.set_window_size(*DESKTOP)


def find_driver() -> str:
    for candidate in ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]:
        if Path(candidate).exists():
            return candidate
    raise SystemExit("chromium-driver is not installed (apt-get install chromium chromium-driver)")
