"""Cached loaders of the lab and RNN pages: shipped result files, the Optuna study (read-only,
copied into memory), the GRU and live encode-time measurements."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st

from models.device import configure_threads

LAB_DIR = Path(__file__).resolve().parent.parent / "models" / "lab"
GRID_FILE = LAB_DIR / "grid.json"
STUDY_FILE = LAB_DIR / "study.db"
LENGTHS_FILE = LAB_DIR / "rnn_lengths.json"
STUDY_NAME = "lab"
GRU_MAX_TOKENS = 512  # as the Transformer: longer input is cut before the GRU reads it
# Lengths the page times live: doubling up to 512 tokens, three runs each, about a second in
# all on one CPU thread.
SPEED_LENGTHS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
SPEED_REPEATS = 3
# The Transformer timed against the GRU: the lab's base, which the length comparison trains.
TIMING_TRANSFORMER = dict(d_model=64, n_heads=4, n_layers=2, d_ff=256, max_len=512)


def accept_url_code(key: str, codes) -> None:
    """Before a URL-bound widget whose labels are translated: a link may name the choice by
    its code (``?knob=width``); Streamlit itself only reads the label it writes. Each URL value
    is read once, so a later click is never overridden by an address not yet rewritten."""
    raw = st.query_params.get(key)
    if raw is None or st.session_state.get(f"_url_{key}") == raw:
        return
    st.session_state[f"_url_{key}"] = raw
    if raw in codes:
        st.session_state[key] = raw


class ResultsMissing(RuntimeError):
    """A shipped result file is missing or unreadable; the message names it and its command."""


def _read_json(path: Path, command: str) -> dict:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ResultsMissing(f"{path.name}: {err}; rebuild it with `{command}`") from err


@st.cache_data(show_spinner=False)
def load_grid() -> dict:
    """models/lab/grid.json, parsed."""
    return _read_json(GRID_FILE, "python -m training.lab")


@st.cache_data(show_spinner=False)
def load_lengths() -> dict:
    """models/lab/rnn_lengths.json, parsed."""
    return _read_json(LENGTHS_FILE, "python -m training.rnn --lengths models/lab/rnn_lengths.json")


@st.cache_resource(show_spinner=False)
def load_study():
    """The shipped study, copied into memory: the file is opened read-only once, and the
    figures never touch it (no session can lock or change it)."""
    import optuna

    if not STUDY_FILE.is_file():
        raise ResultsMissing(f"{STUDY_FILE.name} is missing; build it with "
                             "`python -m training.search` and `--export`")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    url = f"sqlite:///file:{STUDY_FILE}?mode=ro&uri=true"
    try:
        source = optuna.load_study(study_name=STUDY_NAME, storage=url)
        study = optuna.create_study(direction=source.direction, study_name=STUDY_NAME)
        study.add_trials(source.get_trials(deepcopy=False))
        for key, value in source.user_attrs.items():
            study.set_user_attr(key, value)
    except Exception as err:  # noqa: BLE001 (sqlalchemy and optuna raise many kinds)
        raise ResultsMissing(f"{STUDY_FILE.name}: {err}") from err
    return study


def study_figure_cached(kind: str, lang: str):
    """One of Optuna's figures of the shipped study, labelled in ``lang``: a fresh figure per
    call, built from a spec computed once (sessions never share one mutable figure)."""
    import plotly.graph_objects as go

    return go.Figure(_study_figure_spec(kind, lang))


@st.cache_resource(show_spinner=False, max_entries=16)
def _study_figure_spec(kind: str, lang: str) -> dict:
    from explainer.figures.lab import study_figure
    from explainer.text import t

    study = load_study()
    params = ("d_model", "heads", "layers", "lr_factor", "warmup", "label_smoothing")
    labels = {key: t(f"lab.study.{kind}.{key}", lang)
              for key in ("title", "x", "y", "best", "value")
              if f"lab.study.{kind}.{key}" in _keys()}
    fig = study_figure(study, kind, labels, {p: t(f"lab.param.{p}", lang) for p in params},
                       target_name=t("lab.token_acc", lang),
                       importances=study.user_attrs.get("importances"))
    return fig.to_plotly_json()


def _keys():
    from explainer.text import TEXT

    return TEXT


@st.cache_resource(show_spinner=False)
def shipped_choices() -> tuple[dict, dict]:
    """The shipped translation model's config.json and its training recipe."""
    from models.checkpoint import default_checkpoint

    folder = default_checkpoint()
    config = _read_json(folder / "config.json", "python -m training.train")
    try:
        recipe = _read_json(folder / "training.json", "python -m training.train").get("recipe", {})
    except ResultsMissing:
        recipe = {}
    return config, recipe


@st.cache_resource(show_spinner=False)
def load_gru():
    """The shipped GRU (models/checkpoints/rnn-small), shared by every session."""
    from models.rnn import load_rnn

    configure_threads()
    return load_rnn(device="cpu")


@st.cache_resource(show_spinner=False, max_entries=32)
def gru_states(sentence: str) -> tuple[tuple[str, ...], object, tuple[str, ...], int]:
    """The GRU encoder's hidden state after each token of ``sentence`` (cut to 512 tokens).

    Returns:
        (tokens, states [n, d_hidden] numpy, unknown tokens, tokens typed before the cut).

    Raises:
        InputError: the sentence has no token.
    """
    import torch

    loaded = load_gru()
    encoded = loaded.tokenizer.encode(sentence, GRU_MAX_TOKENS)
    with torch.inference_mode():
        states, _, _ = loaded.model.encode(torch.tensor([encoded.ids]))
    return (tuple(encoded.tokens), states[0].numpy(), tuple(encoded.unknown),
            encoded.n_typed)


@st.cache_resource(show_spinner=False)
def _timing_transformer(vocab_size: int, pad_id: int):
    import torch

    from models.config import ModelConfig
    from models.transformer import Transformer

    torch.manual_seed(0)  # timing does not depend on the weights; seeded all the same
    return Transformer(ModelConfig(vocab_size=vocab_size, dropout=0.0, pad_id=pad_id,
                                   **TIMING_TRANSFORMER)).eval()


@st.cache_data(show_spinner=False, ttl=3600)
def encode_times_cached(device: str) -> dict[str, dict[int, float]]:
    """Seconds to encode one sentence at each of ``SPEED_LENGTHS`` on ``device`` ("cpu",
    "cuda"), measured once an hour per server (the first visitor waits about a second)."""
    import copy

    from models.rnn import encode_times

    loaded = load_gru()
    # Copies: the shared models stay on the CPU for every other session.
    gru = copy.deepcopy(loaded.model)
    transformer = copy.deepcopy(_timing_transformer(loaded.config.vocab_size,
                                                    loaded.config.pad_id))
    return encode_times(gru, transformer, SPEED_LENGTHS, SPEED_REPEATS, device)


def cpu_threads() -> int:
    import torch

    return torch.get_num_threads()


def gpu_available() -> bool:
    import torch

    return torch.cuda.is_available()


def gru_params() -> int:
    """Parameters of the shipped GRU."""
    return sum(p.numel() for p in load_gru().model.parameters())


def timing_transformer_params() -> int:
    loaded = load_gru()
    model = _timing_transformer(loaded.config.vocab_size, loaded.config.pad_id)
    return sum(p.numel() for p in model.parameters())


def study_trials() -> list[tuple[int, float | None, dict, str, dict]]:
    """(number, value or None, params, state name, user attributes) of every trial of the
    shipped study."""
    return [(t.number, t.value if t.state.name == "COMPLETE" else None, dict(t.params),
             t.state.name, dict(t.user_attrs)) for t in load_study().trials]
