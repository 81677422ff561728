"""A real browser for tests of the platform's pages: Debian's chromium driven by selenium.

Headless, with the flags this machine needs (no sandbox as root, no background networking on
a closed network) and a fresh profile per browser. Selenium is pointed at Debian's
chromedriver, so it never downloads a driver of its own.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=zh-CN")


@contextmanager
def browser() -> Iterator[object]:
    """A started headless chromium; skips the test where scripts/bootstrap.sh could not
    install Debian's chromium and chromium-driver (not root)."""
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        pytest.skip("Debian's chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kiosk-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    driver.implicitly_wait(5)      # find_element waits for a page still loading
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def click_and_wait(driver: object, element: object) -> None:
    """Click, then wait until the browser has left the page (a form was submitted)."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def gone(_: object) -> bool:
        try:
            element.is_enabled()                                # type: ignore[attr-defined]
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            # While the new page replaces the old, chromium may name the old page's node
            # this way instead of "stale": it is gone all the same.
            if "does not belong to the document" in str(exc):
                return True
            raise
        return False

    element.click()                                             # type: ignore[attr-defined]
    WebDriverWait(driver, 15).until(gone)


def log_in(driver: object, base_url: str, user: str, password: str) -> None:
    from selenium.webdriver.common.by import By
    driver.get(base_url + "/console/login")                     # type: ignore[attr-defined]
    driver.find_element(By.ID, "username").send_keys(user)      # type: ignore[attr-defined]
    driver.find_element(By.ID, "password").send_keys(password)  # type: ignore[attr-defined]
    click_and_wait(driver, driver.find_element(By.ID, "login"))  # type: ignore[attr-defined]
