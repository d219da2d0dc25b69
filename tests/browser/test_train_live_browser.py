"""Live training in a real browser, with tests/fake_trainer.py as the training command (same
contract, no torch; its snapshots and final model are copies of the shipped checkpoint).

The owner starts a run and watches it refresh by itself (the polling fragment), a second
session watches it by its link and cannot stop it, a reload shows the job again, and the
finished model opens on the translation page through "Use my model on every page".
"""

from __future__ import annotations

import re
import sys
from urllib.parse import quote

import pytest

from models.checkpoint import default_checkpoint
from ui.navigation import page_specs

from .driver import (
    ARTIFACTS,
    DRAWN,
    EXCEPTION,
    MAIN,
    ROOT,
    SIDEBAR,
    Server,
    exceptions,
    full_page_screenshot,
    page_url,
    quiet_env,
)

pytestmark = pytest.mark.browser

SPEC = next(spec for spec in page_specs() if spec["url"] == "train-live")
WAIT_MS = 90_000


@pytest.fixture(scope="module")
def train_server(browser_ready, tmp_path_factory):
    runs = tmp_path_factory.mktemp("runs")
    env = {**quiet_env(), "EXPLAINER_RUNS_DIR": str(runs),
           "EXPLAINER_TRAINER": f"{sys.executable} {ROOT / 'tests' / 'fake_trainer.py'}",
           "EXPLAINER_TRAIN_LIVE_S": "0.5", "FAKE_TRAINER_SECONDS": "12",
           "FAKE_TRAINER_MODEL": str(default_checkpoint())}
    srv = Server(ARTIFACTS / "server_train_live.log", env=env)
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


def test_start_watch_reload_and_use_my_model(train_server, new_tab):
    owner = new_tab()
    owner.goto(page_url(train_server, SPEC, f"s={quote('我爱你')}"))
    owner.get_by_role("button", name="Train a small model from random weights").click()
    owner.wait_for_url(re.compile(r"[?&]job=[a-z0-9]{16}"), timeout=WAIT_MS)
    job = re.search(r"job=([a-z0-9]+)", owner.url).group(1)
    # The page refreshes by itself: the live cross-attention of a snapshot appears without a
    # click, and the owner has a stop button.
    owner.wait_for_selector(f".st-key-job_cross_live {DRAWN}", timeout=WAIT_MS)
    owner.wait_for_selector(".st-key-job_curve_live .main-svg", timeout=WAIT_MS)
    assert owner.get_by_role("button", name="Stop training").count() == 1
    full_page_screenshot(owner, ARTIFACTS / "train_live_running.png")

    # Another session (a student with the teacher's link) watches, and cannot stop it.
    student = new_tab()
    student.goto(page_url(train_server, SPEC, f"job={job}&s={quote('我爱你')}"))
    student.wait_for_selector(f".st-key-job_cross_live {DRAWN}", timeout=WAIT_MS)
    assert student.get_by_text("only the session that started it can stop it").count() == 1
    assert student.get_by_role("button", name="Stop training").count() == 0

    # A reload shows the same job again (its id is in the URL).
    owner.reload()
    owner.wait_for_selector(f"{MAIN} :text('Run {job}')", timeout=WAIT_MS)

    # When it finishes, the link opens the translation page with the job's model.
    use = owner.get_by_role("button", name="Use my model on every page")
    use.wait_for(timeout=WAIT_MS)
    owner.wait_for_selector(f".st-key-job_cross_final {DRAWN}", timeout=WAIT_MS)
    full_page_screenshot(owner, ARTIFACTS / "train_live_done.png")
    use.click()
    owner.wait_for_url(re.compile(rf"/translation\?.*model=job-{job}"), timeout=WAIT_MS)
    owner.wait_for_selector(f"{MAIN} {DRAWN}", timeout=WAIT_MS)
    assert owner.locator(f"{SIDEBAR} .st-key-model input").input_value() == f"job-{job}"
    assert not exceptions(owner), exceptions(owner)
    assert owner.locator(EXCEPTION).count() == 0
    full_page_screenshot(owner, ARTIFACTS / "train_live_my_model.png")
