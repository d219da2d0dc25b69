"""BERT: fill in the blank (TEACHING.md row 12). Cover words of the sidebar's sentence; a
masked-language model guesses them (top-k bars per blank), with the attention each blank used
in every layer and head, one head beside the translation model's encoder reading the same
words, and what pre-training bought the translation model (training.json's two curves)."""

import streamlit as st

from explainer.analysis.fill import (
    blank_counts,
    compare_pretraining,
    counterpart,
    cover,
    coverable,
    covered_rank,
    curves_frame,
    default_cover,
    fill,
    fill_fits,
    guesses_frame,
    head_row,
    mask_attention,
    mask_grid_frame,
    mask_positions,
    mask_token,
    too_many_blanks,
    uncover,
    verdict,
)
from explainer.contract import Capabilities, ContractError
from explainer.figures.fill import (
    attention_row_figure,
    guesses_figure,
    mask_grid_figure,
    pretraining_figure,
)
from explainer.trace import AdapterError, CheckpointError, InputError
from ui import loaders
from ui.state import tr
from ui.widgets import (
    csv_button,
    escape_md,
    pick_head,
    pick_index,
    pick_layer,
    section,
    selection,
    show_figure,
    show_notices_for,
)

PAGE = {"order": 95, "url": "bert", "icon": ":material/edit_note:",
        "title": {"en": "BERT: fill in the blank", "zh": "BERT：完形填空"}, "needs": []}

FILL_MODEL = "mlm-small"  # ours: models/checkpoints/mlm-small
TRANSLATION_MODEL = "trained"
COVER = "cover"  # the covered positions (URL ?cover=3: singing)
MAX_PILLS = 40  # longer sentences get a searchable list instead of a button per word
MAX_CHARTS = 6  # bar charts drawn; the CSV holds every blank
CHARTS_PER_ROW = 3
MAX_READS_CHARS = 300  # a longer covered sentence is folded away


def fill_model(name: str) -> str | None:
    """The sidebar's model when it can fill blanks (a BERT with a masked-LM head), else ours
    when the models folder lists it, else None."""
    try:
        caps = Capabilities.from_dict(loaders.load_model_cached(name).caps)
    except (ValueError, OSError):  # AdapterError, ContractError, CheckpointError among them
        caps = None
    if caps is not None and fill_fits(caps):
        return name
    return FILL_MODEL if FILL_MODEL in loaders.model_names() else None


def traced(model_name: str, sentence: str, target: str | None = None, reason_key: str = ""):
    """The cached trace, or None after saying why (never st.stop: the sections below it, and
    the page around a section, still draw)."""
    try:
        return loaders.trace_cached(model_name, sentence, target)
    except InputError as err:
        st.warning(tr("notice.input_error", reason=str(err)))
    except CheckpointError as err:
        st.error(tr("notice.checkpoint", reason=str(err)))
    except (AdapterError, ContractError, OSError) as err:
        st.error(tr(reason_key or "models.load_error", name=model_name, model=model_name,
                    reason=str(err)))
    return None


def pick_cover(tokens: tuple[str, ...], choices: list[int], specials) -> list[int]:
    """The words the student covers (URL-bound). A new sentence starts from its default
    (``default_cover``: its last word), not from positions picked in another sentence."""
    seen_key = f"_{COVER}_tokens"
    if st.session_state.get(seen_key) not in (None, tokens) or (
            COVER not in st.session_state and COVER not in st.query_params):
        st.session_state[COVER] = default_cover(tokens, specials)
    st.session_state[seen_key] = tokens
    label, hint = tr("bert.pick"), tr("bert.pick_help")
    if len(choices) <= MAX_PILLS:
        # Pills render their labels as Markdown: the token is escaped.
        picked = st.pills(label, choices, selection_mode="multi", key=COVER, help=hint,
                          format_func=lambda i: f"{i}: {escape_md(tokens[i])}",
                          bind="query-params")
    else:
        picked = st.multiselect(label, choices, key=COVER, help=hint,
                                format_func=lambda i: f"{i}: {tokens[i]}", bind="query-params")
    return sorted(picked or [])


@section
def blanks(typed, fill_name: str, sentence: str, target: str | None) -> None:
    """Pick words, see the guesses, the blank's attention and the translation model beside it.
    A pick reruns this section only."""
    specials = typed.caps.special_tokens
    tokens = tuple(typed.src_tokens)
    mask = mask_token(typed)
    typed_masks = [i for i, token in enumerate(tokens) if token == mask]
    choices = coverable(tokens, specials)
    if not choices and not typed_masks:
        st.info(tr("bert.no_words"))
        return
    if typed_masks:
        st.caption(tr("bert.typed_masks", n=len(typed_masks)))
    wanted = sorted(set(pick_cover(tokens, choices, specials)) | set(typed_masks))
    if not wanted:
        st.info(tr("bert.pick_ask"), icon=":material/touch_app:")
        return
    covered_text = cover(tokens, wanted, mask, specials)
    if len(covered_text) <= MAX_READS_CHARS:
        st.markdown(tr("bert.reads", sentence=f"**{escape_md(covered_text)}**"))
    else:  # a pasted essay would push everything below out of sight
        with st.expander(tr("bert.reads_long", n=len(tokens))):
            st.markdown(escape_md(covered_text))
    covered = traced(fill_name, covered_text)
    if covered is None:
        return
    n_masks, n_words = blank_counts(covered)
    if n_masks == n_words:
        st.warning(tr("bert.only_masks"), icon=":material/block:")
        return
    if too_many_blanks(n_masks, n_words):
        st.warning(tr("bert.warn_most", n=n_masks, m=n_words))
    found = mask_positions(covered)
    aligned = found == wanted
    if not aligned:
        st.caption(tr("bert.moved", found=found, wanted=wanted))
    # The word under each blank, where the student covered one (not for a typed [MASK]).
    words = {pos: tokens[pos] for pos in found if aligned and pos not in typed_masks}

    st.subheader(tr("bert.guesses"))
    vocab = loaders.vocab_cached(fill_name)
    top = st.slider(tr("bert.top"), 1, 20, 5, key="fill_top", bind="query-params")
    results = fill(covered, vocab, top)
    st.caption(tr("bert.guesses_text", vocab=len(vocab)))
    shown = results[:MAX_CHARTS]
    per_row = min(max(len(shown), 2), CHARTS_PER_ROW)  # one blank: half the width, not all
    for row_start in range(0, len(shown), per_row):
        columns = st.columns(per_row)
        for column, blank in zip(columns, shown[row_start:row_start + per_row]):
            word = words.get(blank.position)
            guessed = [guess.token for guess in blank.predictions]
            title = (tr("bert.blank_title", pos=blank.position, word=word) if word is not None
                     else tr("bert.blank_typed", pos=blank.position))
            with column:
                show_figure(guesses_figure(
                    guessed, [guess.prob for guess in blank.predictions], title=title,
                    value_title=tr("bert.col.prob"),
                    covered=guessed.index(word) if word in guessed else None,
                ), key=f"fill_bars_{blank.position}")
                if word is not None:
                    place = covered_rank(covered, vocab, blank.position, word)
                    st.caption(tr("bert.rank_none", word=escape_md(word)) if place is None
                               else tr("bert.rank", word=escape_md(word), rank=place[0],
                                       prob=place[1]))
    if len(results) > len(shown):
        st.caption(tr("bert.more_blanks", shown=len(shown), total=len(results)))
    columns = {key: tr(f"bert.col.{key}") for key in ("position", "rank", "token", "prob")}
    csv_button(lambda: guesses_frame(results, columns), "guesses.csv", key="fill_guesses_csv")

    st.subheader(tr("bert.grid"))
    n_layers, n_heads = covered.n_layers_of("enc"), covered.n_heads
    if len(found) > 1:
        which = pick_index(tr("bert.which_blank"), len(found), "fill_blank",
                           format_func=lambda i: f"{found[i]}: {words.get(found[i], mask)}",
                           as_radio=len(found) <= 8)
    else:
        which = 0
    position = found[which]
    grid = mask_attention(covered, position)  # [layer, head, key]
    layer_labels = [tr("bert.layer_n", n=i + 1) for i in range(n_layers)]
    head_labels = [tr("bert.head_n", n=i + 1) for i in range(n_heads)]
    fig_col, text_col = st.columns([3, 1])
    with fig_col:
        show_figure(mask_grid_figure(grid, covered.src_tokens, layer_labels, head_labels,
                                     title=tr("bert.grid_title", pos=position),
                                     hover=tr("bert.weight"), key_title=tr("bert.key"),
                                     blank=position), key="fill_grid")
    with text_col:
        st.markdown(tr("bert.grid_text"))
        rows = [f"{layer} · {head}" for layer in layer_labels for head in head_labels]
        csv_button(lambda: mask_grid_frame(grid, rows, covered.src_tokens),
                   f"mask_attention_{position}.csv", key="fill_grid_csv")

    st.subheader(tr("bert.closeup"))
    pick_cols = st.columns(2)
    with pick_cols[0]:
        layer = pick_layer(n_layers, key="fill_layer")
    with pick_cols[1]:
        head = pick_head(n_heads, key="fill_head")
    left, right = st.columns(2)
    with left:
        show_figure(attention_row_figure(
            head_row(covered, layer, head, position), covered.src_tokens,
            title=tr("bert.closeup_mlm", model=fill_name, pos=position, layer=layer + 1,
                     head=head + 1),
            value_title=tr("bert.weight"), key_title=tr("bert.key"), highlight=position,
        ), key="fill_closeup")
    with right:
        beside(tokens, position, words.get(position), sentence, target, layer, head, mask,
               specials, typed_masks)
    st.caption(tr("bert.two_objectives", model=fill_name, translation=TRANSLATION_MODEL))


def beside(tokens, position, word, sentence, target, layer, head, mask, specials,
           typed_masks) -> None:
    """The same word, uncovered, in the translation model's encoder (same layer and head where
    it has them)."""
    if word is None:
        st.info(tr("bert.tr_no_word"))
        return
    # The translation model cannot read [MASK] (three unknown tokens): typed blanks are left out.
    text = uncover(tokens, mask, specials) if typed_masks else sentence
    other = traced(TRANSLATION_MODEL, text, target, reason_key="bert.tr_unavailable")
    if other is None:
        return
    where = counterpart(tokens, other.src_tokens, position)
    if where is None:
        st.info(tr("bert.tr_not_found", word=escape_md(word)))
        return
    n_layers, n_heads = other.n_layers_of("enc"), other.n_heads
    shown_layer, shown_head = min(layer, n_layers - 1), min(head, n_heads - 1)
    show_figure(attention_row_figure(
        head_row(other, shown_layer, shown_head, where), other.src_tokens,
        title=tr("bert.closeup_tr", word=other.src_tokens[where], pos=where,
                 layer=shown_layer + 1,
                 head=shown_head + 1),
        value_title=tr("bert.weight"), key_title=tr("bert.key"), highlight=where,
    ), key="fill_closeup_translation")
    if (shown_layer, shown_head) != (layer, head):
        st.caption(tr("bert.tr_clamped", layers=n_layers, heads=n_heads, layer=shown_layer + 1,
                      head=shown_head + 1))


def pretraining() -> None:
    """The two curves of training.json (random W0 against the MLM's matrices) and what they
    say, generated from the numbers."""
    st.subheader(tr("bert.pre"))
    if FILL_MODEL not in loaders.model_names():
        st.info(tr("bert.pre_missing", model=FILL_MODEL, reason=tr("bert.not_listed")))
        return
    try:
        comparison = compare_pretraining(
            loaders.load_model_cached(FILL_MODEL).training["pretraining_comparison"])
    except (KeyError, TypeError, ValueError, OSError) as err:
        st.info(tr("bert.pre_missing", model=FILL_MODEL, reason=escape_md(str(err))))
        return
    target = comparison.target
    st.markdown(tr("bert.pre_text", budget=comparison.budget, target=target))
    names, marks = [], []
    for run in comparison.runs:
        name = tr(f"bert.run.{run.name}")
        names.append(tr("bert.legend_reached", name=name, target=target, step=run.first_step)
                     if run.first_step is not None
                     else tr("bert.legend_not", name=name, target=target))
        marks.append(tr("bert.mark", step=run.first_step))
    fig_col, text_col = st.columns([2, 1])
    with fig_col:
        show_figure(pretraining_figure(
            [run.steps for run in comparison.runs], [run.exact for run in comparison.runs],
            names, [run.first_step for run in comparison.runs], target, marks,
            step_title=tr("bert.step"), value_title=tr("bert.exact"),
            target_label=tr("bert.target", target=target),
        ), key="fill_pretraining")
    with text_col:
        for key, values in verdict(comparison):
            st.markdown(tr(key, **values))
        st.caption(tr("bert.one_seed"))
        labels = {"run": tr("bert.col.run"), "step": tr("bert.step"),
                  "exact": tr("bert.exact"), "pretrained": tr("bert.run.pretrained"),
                  "random": tr("bert.run.random")}
        csv_button(lambda: curves_frame(comparison, labels), "pretraining.csv",
                   key="fill_pretraining_csv")


st.title(tr("bert.title"))
sel = selection()
fill_name = fill_model(sel.model_name)
st.markdown(tr("bert.intro", model=escape_md(fill_name or FILL_MODEL)))
st.info(tr("bert.article"), icon=":material/format_quote:")
if fill_name is None:
    st.info(tr("bert.no_fill_model", model=escape_md(sel.model_name), fill=FILL_MODEL),
            icon=":material/block:")
else:
    if fill_name != sel.model_name:
        st.caption(tr("bert.model_fallback", model=escape_md(sel.model_name),
                      fill=escape_md(fill_name)))
    if not sel.sentence.strip():
        st.info(tr("notice.empty"))
    else:
        typed = traced(fill_name, sel.sentence, reason_key="bert.fill_unavailable")
        if typed is not None:
            show_notices_for(typed)
            blanks(typed, fill_name, sel.sentence, sel.target)
pretraining()
