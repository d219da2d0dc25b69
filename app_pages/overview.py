"""Overview: what the model does with the sentence, the paper's Figure 1 drawn for the model
shown (encoder, decoder or both) with this sentence's shapes, the paper's base model beside an
encoder–decoder, the tokens and one attention heatmap."""

import streamlit as st

from explainer.analysis.masks import window
from explainer.analysis.pipeline import (
    PAPER_VOCAB,
    compare_columns,
    figure_columns,
    format_shape,
    hyperparameter_table,
    padded_input_shapes,
    paper_config,
    shape_table,
    stages_from_config,
    stages_from_trace,
)
from explainer.analysis.views import attention_pattern, main_tokens, token_table
from explainer.figures.attention import attention_heatmap_figure
from explainer.figures.pipeline import padded_size_figure, pipeline_figure
from ui.decoder import existing_pages, short_text
from ui.state import tr
from ui.widgets import (
    csv_button,
    current_trace,
    escape_md,
    require,
    section,
    selection,
    show_figure,
)

PAGE = {"order": 0, "url": "overview", "icon": ":material/home:",
        "title": {"en": "Overview", "zh": "总览"}, "needs": []}

st.title(tr("app.title"))
trace = current_trace()
require(trace, PAGE)
caps = trace.caps
arch = caps.architecture
sel = selection()
# The article's first idea (translation is a function y = f(x)): a sentence to read, not a
# grey footnote.
st.info(tr(f"overview.intro.{arch}", model=escape_md(caps.display_name)),
        icon=":material/lightbulb:")

if arch == "encoder-decoder":
    st.subheader(tr("ov.translation"))
    st.markdown(f"#### {escape_md(short_text(sel.sentence))}  →  "
                f"{escape_md(short_text(trace.translation or '∅'))}")
elif arch == "decoder-only":
    st.subheader(tr("ov.generation"))
    st.markdown(f"#### {escape_md(short_text(sel.sentence))}  →  …"
                f"{escape_md(short_text(trace.translation or '∅'))}")
else:
    st.subheader(tr("ov.reading"))
    st.markdown(tr("ov.reading_text", model=escape_md(caps.display_name),
                   n=len(trace.src_tokens), d_model=caps.d_model))

stages = stages_from_trace(trace)
names = {s.key: tr(s.label) for s in stages}
n_src, n_tgt = len(trace.src_tokens), len(trace.tgt_tokens)

# The comparison toggle changes only this section: a click reruns it alone (ui.widgets.section).
@section
def figure_section() -> None:
    # The paper's base model is an encoder–decoder: beside one, the same stages compare box by box.
    compare = arch == "encoder-decoder" and st.toggle(tr("ov.compare"), key="ov_base",
                                                      bind="query-params")
    paper = paper_config()
    paper_stages = stages_from_config(caps, paper, n_src, n_tgt, PAPER_VOCAB)

    st.subheader(tr("ov.figure"))
    left, right = st.columns([3, 2])
    with left:
        show_figure(
            pipeline_figure(
                figure_columns(stages, names),
                [trace.n_layers_of(side) for side in trace.sides],
                [" ".join(trace.tokens(side)) for side in trace.sides],
                top_label=tr("pipe.output" if caps.has_logits else "pipe.output_vectors"),
                top_text=" ".join(trace.output_tokens),
                compare=compare_columns(paper_stages) if compare else None,
                compare_layers=int(paper["n_layers"]) if compare else None,
                compare_label=tr("ov.paper"),
            ),
            key="ov_pipeline",
        )
        sizes = dict(n_src=n_src, n_tgt=n_tgt, d_model=caps.d_model, n_heads=caps.n_heads,
                     d_ff=caps.d_ff, vocab=caps.vocab_size, n_layers=trace.n_layers)
        st.caption(tr(f"ov.figure_caption.{arch}", **sizes))
        if caps.has_logits and arch != "encoder-decoder":
            st.caption(tr("ov.figure_logits", vocab=caps.vocab_size))
        st.caption(tr(f"ov.norm_{caps.norm}"))
    with right:
        st.markdown(f"**{tr('ov.links')}**")
        st.caption(tr("ov.links_caption"))
        pages = existing_pages(caps.features)
        for side in trace.sides:
            st.markdown(f"**{tr('pipe.encoder' if side == 'enc' else 'pipe.decoder')}**")
            for stage in (s for s in stages if s.side == side):
                label = f"{names[stage.key]} · {format_shape(stage.shape)}"
                if stage.page in pages:
                    st.page_link(stage.page, label=label, icon=pages[stage.page][1])
                else:
                    st.caption(label)

    if compare:
        labels = {"stage": tr("ov.stage"), "ours": tr("ov.ours"), "paper": tr("ov.paper_model"),
                  "name": tr("ov.setting"), "vocab": tr("ov.vocab"), "params": tr("ov.params")}
        col_a, col_b = st.columns(2)
        with col_a:
            st.markdown(f"**{tr('ov.shapes')}**")
            shapes = shape_table(stages, paper_stages, names, labels)
            st.dataframe(shapes, hide_index=True, key="ov_shapes_table")
            csv_button(shapes, "shapes_vs_paper.csv", key="ov_shapes_csv")
        with col_b:
            st.markdown(f"**{tr('ov.hyper')}**")
            hyper = hyperparameter_table(trace.config, paper, caps.vocab_size, labels)
            st.dataframe(hyper, hide_index=True, key="ov_hyper_table")
            csv_button(hyper, "hyperparameters_vs_paper.csv", key="ov_hyper_csv")
            if caps.family == "ours":
                st.caption(tr("ov.hyper_ours"))
            st.caption(tr("ov.hyper_caption", vocab=caps.vocab_size, paper_vocab=PAPER_VOCAB))
        st.markdown(f"**{tr('ov.padded')}**")
        padded = padded_input_shapes(n_src, trace.config, paper)
        show_figure(
            padded_size_figure(padded, [tr("ov.ours"), tr("ov.paper_model")], tr("ov.used"),
                               tr("ov.pad_rows"), tr("ov.rows"), tr("ov.cols")),
            key="ov_padded",
        )
        st.caption(tr("ov.padded_caption", rows=padded[0][0], cols=padded[0][1],
                      used=padded[0][2]))


figure_section()

labels = {k: tr(f"common.{k}") for k in ("position", "token", "id", "status", "known", "unknown")}
labels["special"] = tr("ov.special")
tokens, ids = main_tokens(trace)
written = arch != "encoder-only"
if arch == "decoder-only":  # the prompt is what the user typed; the rest, what it wrote
    tokens, ids = tokens[: trace.n_prompt], ids[: trace.n_prompt]
left, right = st.columns(2) if written else (st.container(), None)
with left:
    st.markdown(f"**{tr(f'overview.tokens.{arch}')}**")
    src_table = token_table(tokens, ids, trace.unknown, labels, caps.special_tokens)
    st.dataframe(src_table, hide_index=True, key="overview_src_table")
    csv_button(src_table, "input_tokens.csv", key="overview_src_csv")
if right is not None:
    with right:
        st.markdown(f"**{tr('overview.output')}**")
        out_table = token_table(trace.output_tokens, trace.output_ids, [], labels,
                                caps.special_tokens)
        st.dataframe(out_table, hide_index=True, key="overview_out_table")
        csv_button(out_table, "output_tokens.csv", key="overview_out_csv")

stage = trace.stages[0]  # the attention over what the user typed
last = trace.n_layers_of(stage) - 1
view = attention_pattern(trace, stage, last, 0)
shown = window(len(view.query_tokens))
st.markdown(tr(f"overview.heatmap.{stage}", layer=last + 1))
show_figure(
    attention_heatmap_figure(view.pattern[:shown, :shown], view.query_tokens[:shown],
                             view.key_tokens[:shown], query_title=tr("common.query"),
                             key_title=tr("common.key"), masked_cells=view.masked[:shown, :shown],
                             hover=tr("common.weight")),
    key="overview_heatmap",
)
if shown < len(view.query_tokens):
    st.caption(tr("masks.window", shown=shown, total=len(view.query_tokens)))
