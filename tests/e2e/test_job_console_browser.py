"""The /_local/ console in a real browser: Debian's chromium, headless, driven by selenium with
the system's chromedriver. A job queued through the form appears, a worker's progress shows
without a reload, and no secret reaches the page.

The browser comes from the system (`apt-get install chromium chromium-driver`; .ci/run installs
it). Without it the test is skipped on a developer's machine and fails in CI (CI=true)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from ..support.job_service import ACTION_TYPE, JobService, seed_file
from .test_job_lifecycle import take

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _browser() -> Any:
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        message = "Debian's chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def test_the_console_page_queues_a_job_and_follows_its_progress(tmp_path: Path) -> None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser = _browser()
    try:
        with JobService("--jobs", str(seed_file(tmp_path, []))) as service:
            browser.get(f"{service.url}/_local/")
            assert browser.title == "Local CodePipeline jobs"
            entry = {"data": {"actionTypeId": ACTION_TYPE, "actionConfiguration": {"configuration": {"ProjectName": "from-the-form"}}}}
            box = browser.find_element(By.ID, "job")
            box.clear()
            box.send_keys(json.dumps(entry))
            browser.find_element(By.CSS_SELECTOR, "#queue button").click()
            # The page redraws the table as it polls, so a row found a moment ago may be gone.
            wait = WebDriverWait(browser, 30, ignored_exceptions=(StaleElementReferenceException,))

            def the_only_row() -> tuple[str, str] | None:
                rows = browser.find_elements(By.CSS_SELECTOR, "#jobs tr")
                return (str(rows[0].get_attribute("id")), str(rows[0].text)) if len(rows) == 1 else None

            row_id, row_text = wait.until(lambda _: the_only_row())
            job_id = row_id.removeprefix("job-")
            assert "Queued" in row_text

            def status() -> str:
                return str(browser.find_element(By.CSS_SELECTOR, f"#job-{job_id} td:nth-child(2)").text)

            client = service.client()
            taken = take(client)
            assert taken["id"] == job_id
            assert taken["data"]["actionConfiguration"]["configuration"] == {"ProjectName": "from-the-form"}
            wait.until(lambda _: status() == "Dispatched")
            client.acknowledge_job(jobId=job_id, nonce=taken["nonce"])
            wait.until(lambda _: status() == "InProgress")
            client.put_job_success_result(jobId=job_id, outputVariables={"answer": "42"})
            wait.until(lambda _: status() == "Succeeded")
            assert wait.until(lambda b: '"answer":"42"' in b.find_element(By.ID, f"job-{job_id}").text)
            page = browser.page_source
            assert taken["nonce"] not in page
            for secret in taken["data"]["artifactCredentials"].values():
                assert secret not in page
            # A bad job through the form is refused with the reason, on the page.
            box = browser.find_element(By.ID, "job")
            box.clear()
            box.send_keys('{"data": {}}')
            browser.find_element(By.CSS_SELECTOR, "#queue button").click()
            wait.until(lambda b: "a job needs data.actionTypeId" in b.find_element(By.ID, "error").text)
    finally:
        browser.quit()
