"""Overview: the translation, the paper's Figure 1 with this sentence's shapes, the paper's base
model beside ours, the tokens and one attention heatmap."""

import streamlit as st

from explainer.analysis.pipeline import (
    STAGE_KEYS,
    format_shape,
    hyperparameter_table,
    padded_input_shapes,
    paper_config,
    shape_table,
    stages_from_config,
    stages_from_trace,
)
from explainer.analysis.views import attention_pattern, token_table
from explainer.figures.attention import attention_heatmap_figure
from explainer.figures.pipeline import padded_size_figure, pipeline_figure
from ui.decoder import existing_pages, short_text
from ui.loaders import vocab_cached
from ui.state import tr
from ui.widgets import csv_button, current_trace, escape_md, selection, show_figure

PAGE = {"order": 0, "url": "overview", "icon": ":material/home:",
        "title": {"en": "Overview", "zh": "总览"}}

st.title(tr("app.title"))
st.caption(tr("overview.intro"))
trace = current_trace()
sel = selection()
cfg = trace.config
vocab_size = len(vocab_cached(sel.model_name))

st.subheader(tr("ov.translation"))
st.markdown(f"#### {escape_md(short_text(sel.sentence))}  →  "
            f"{escape_md(short_text(trace.translation or '∅'))}")

names = {key: tr(f"pipe.{key}") for key in STAGE_KEYS + ("output",)}
stages = stages_from_trace(trace)
compare = st.toggle(tr("ov.compare"), key="ov_base", bind="query-params")
paper = paper_config()
paper_stages = stages_from_config(paper, len(trace.src_tokens), len(trace.tgt_tokens),
                                  vocab_size)

st.subheader(tr("ov.figure"))
left, right = st.columns([3, 2])
with left:
    show_figure(
        pipeline_figure(
            {s.key: s.shape for s in stages}, names, trace.n_layers,
            src_text=" ".join(trace.src_tokens), tgt_text=" ".join(trace.tgt_tokens),
            out_text=" ".join(trace.output_tokens),
            compare={s.key: s.shape for s in paper_stages} if compare else None,
            compare_layers=int(paper["n_layers"]) if compare else None,
            compare_label=tr("ov.paper"),
        ),
        key="ov_pipeline",
    )
    st.caption(tr("ov.figure_caption", n_src=len(trace.src_tokens), n_tgt=len(trace.tgt_tokens),
                  d_model=cfg["d_model"], n_heads=cfg["n_heads"], vocab=vocab_size,
                  n_layers=cfg["n_layers"]))
with right:
    st.markdown(f"**{tr('ov.links')}**")
    st.caption(tr("ov.links_caption"))
    pages = existing_pages()
    for side in ("enc", "dec"):
        st.markdown(f"**{tr('pipe.encoder' if side == 'enc' else 'pipe.decoder')}**")
        for stage in (s for s in stages if s.side == side):
            label = f"{names[stage.key]} · {format_shape(stage.shape)}"
            if stage.page in pages:
                st.page_link(stage.page, label=label, icon=pages[stage.page][1])
            else:
                st.caption(tr("ov.not_yet", name=names[stage.key],
                              shape=format_shape(stage.shape)))

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
        hyper = hyperparameter_table(cfg, paper, vocab_size, labels)
        st.dataframe(hyper, hide_index=True, key="ov_hyper_table")
        csv_button(hyper, "hyperparameters_vs_paper.csv", key="ov_hyper_csv")
        st.caption(tr("ov.hyper_caption"))
    st.markdown(f"**{tr('ov.padded')}**")
    sizes = padded_input_shapes(len(trace.src_tokens), cfg, paper)
    show_figure(
        padded_size_figure(sizes, [tr("ov.ours"), tr("ov.paper_model")], tr("ov.used"),
                           tr("ov.pad_rows"), tr("ov.rows"), tr("ov.cols")),
        key="ov_padded",
    )
    st.caption(tr("ov.padded_caption", rows=sizes[0][0], cols=sizes[0][1], used=sizes[0][2]))

labels = {k: tr(f"common.{k}") for k in ("position", "token", "id", "status", "known", "unknown")}
left, right = st.columns(2)
with left:
    st.markdown(f"**{tr('overview.tokens')}**")
    src_table = token_table(trace.src_tokens, trace.src_ids, trace.unknown, labels)
    st.dataframe(src_table, hide_index=True, key="overview_src_table")
    csv_button(src_table, "source_tokens.csv", key="overview_src_csv")
with right:
    st.markdown(f"**{tr('overview.output')}**")
    out_table = token_table(trace.output_tokens, trace.output_ids, [], labels)
    st.dataframe(out_table, hide_index=True, key="overview_out_table")
    csv_button(out_table, "output_tokens.csv", key="overview_out_csv")

last = trace.n_layers - 1
view = attention_pattern(trace, "enc", last, 0)
st.markdown(tr("overview.heatmap"))
show_figure(
    attention_heatmap_figure(view.pattern, view.query_tokens, view.key_tokens,
                             query_title=tr("common.query"), key_title=tr("common.key"),
                             masked_cells=view.masked, hover=tr("common.weight")),
    key="overview_heatmap",
)
