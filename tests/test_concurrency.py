"""Twenty students at once: threads drive twenty AppTest sessions of the app side by side.

Each session opens the app with its own sentence (from the URL), then types another one and,
for half of them, switches to the untrained model. Every session must run without error and
see its own tokens, and the models every session shares must come out bit-identical.

AppTest is made for one session at a time: each run installs a process-wide mock Runtime and
removes it when done, and compiles the scripts into a cache of its own. Twenty at once would
pull the Runtime from under each other, so, as in a real server, they share one Runtime and
one script cache here (``server_like``).
"""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import MagicMock

import pytest
from streamlit import config
from streamlit.components.v2.component_manager import BidiComponentManager
from streamlit.runtime import Runtime
from streamlit.runtime.caching.storage.dummy_cache_storage import MemoryCacheStorageManager
from streamlit.runtime.dataframe_source_manager import DataframeSourceManager
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, app_test

from models.tokenizer import tokenize

MODEL_NAMES = ("trained", "untrained")

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SESSIONS = 20


def first_sentence(i: int) -> str:
    return "John saw" + " Mary" * (i % 4) + f" {i}"


def second_sentence(i: int) -> str:
    return "我爱你" + "茶" * (i % 3) + f" {i}"


def weights_digest(model) -> str:
    """SHA-256 over every parameter and buffer, by name: equal only if bit-identical."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def token_axes(at: AppTest) -> list[list[str]]:
    """The ``ticktext`` of every axis of every chart on the page."""
    axes = []
    for chart in at.get("plotly_chart"):
        layout = json.loads(chart.proto.spec).get("layout", {})
        axes += [axis["ticktext"] for name, axis in layout.items()
                 if name[1:5] == "axis" and isinstance(axis, dict) and "ticktext" in axis]
    return axes


def session_problems(at: AppTest, sentence: str) -> list[str]:
    problems = [f"exception: {(el.message or '')[:200]}" for el in at.exception]
    if at.sidebar.text_input(key="s").value != sentence:
        problems.append(f"sentence box shows {at.sidebar.text_input(key='s').value!r}")
    if tokenize(sentence) not in token_axes(at):
        problems.append(f"no chart shows the tokens {tokenize(sentence)}")
    return problems


@pytest.fixture
def server_like(monkeypatch):
    """One Runtime and one script cache for every AppTest, as one server has."""
    runtime = MagicMock(spec=Runtime)
    runtime.media_file_mgr = MediaFileManager(MemoryMediaFileStorage("/mock/media"))
    runtime.dataframe_source_mgr = DataframeSourceManager()
    runtime.cache_storage_manager = MemoryCacheStorageManager()
    runtime.bidi_component_registry = BidiComponentManager()
    runtime.bidi_component_registry.discover_and_register_components(start_file_watching=False)
    monkeypatch.setattr(Runtime, "_instance", runtime)
    # AppTest's own per-run swap now lands on a stand-in, not on the Runtime class.
    monkeypatch.setattr(app_test, "Runtime", SimpleNamespace(_instance=None))
    scripts = ScriptCache()
    monkeypatch.setattr(app_test, "ScriptCache", lambda: scripts)
    # Each run sets this option and restores what it found: start from the value it sets.
    saved = config.get_option("global.appTest")
    config.set_option("global.appTest", True)
    yield
    config.set_option("global.appTest", saved)


def test_twenty_sessions_at_once_each_see_their_own_tokens_and_share_an_unchanged_model(
    server_like,
):
    from ui.loaders import load_model_cached

    models = {name: load_model_cached(name).model for name in MODEL_NAMES}
    before = {name: weights_digest(model) for name, model in models.items()}
    start_together = threading.Barrier(SESSIONS)
    type_together = threading.Barrier(SESSIONS)
    problems: dict[int, list[str]] = {}

    def session(i: int) -> None:
        found = []
        try:
            at = AppTest.from_file(APP, default_timeout=180)
            at.query_params["s"] = first_sentence(i)
            start_together.wait()
            at.run()
            found += [f"first run: {p}" for p in session_problems(at, first_sentence(i))]
            if i % 2:
                at.sidebar.selectbox(key="model").set_value("untrained")
            at.sidebar.text_input(key="s").set_value(second_sentence(i))
            type_together.wait()
            at.run()
            found += [f"typed: {p}" for p in session_problems(at, second_sentence(i))]
        except Exception as err:  # noqa: BLE001 (a thread must report, not die silently)
            found.append(f"{type(err).__name__}: {err}")
            start_together.abort()
            type_together.abort()
        problems[i] = found

    threads = [threading.Thread(target=session, args=(i,)) for i in range(SESSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert not any(thread.is_alive() for thread in threads), "a session hung"
    failures = [f"session {i}: {p}" for i, found in sorted(problems.items()) for p in found]
    assert len(problems) == SESSIONS and not failures, "\n".join(failures)
    for name in MODEL_NAMES:
        assert load_model_cached(name).model is models[name], f"{name} model was reloaded"
        assert weights_digest(models[name]) == before[name], f"{name} weights changed"


# Plotly builds a graph object's children on first read, and not thread-safely: the first
# figures two sessions draw at the same moment used to fail with ``ValueError: Invalid value``
# (seen through nginx with twenty browsers). Run in a fresh interpreter: its templates are cold.
_FIRST_FIGURES_AT_ONCE = """
import threading
import plotly.graph_objects as go
from explainer.figures.base import base_layout

THREADS = 12
start, errors = threading.Barrier(THREADS), []

def draw():
    start.wait()
    try:
        for _ in range(3):
            fig = go.Figure([go.Heatmap(z=[[1, 2], [3, 4]]), go.Scatter(x=[1], y=[2]),
                             go.Bar(x=[1], y=[2])])
            base_layout(fig, "first figure", height=300).to_plotly_json()
    except Exception as error:
        errors.append(repr(error))

threads = [threading.Thread(target=draw) for _ in range(THREADS)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(errors), errors[:1])
"""


def test_first_figures_of_many_sessions_at_once_draw_without_error():
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", _FIRST_FIGURES_AT_ONCE], cwd=root,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith("0 "), out.stdout
