"""Vectors: the article's credit example, 8 features then a 9th, projected with PCA."""

import streamlit as st

from explainer.analysis.credit import FEATURES, SALARY
from explainer.figures.vectors import credit_scatter_figure
from ui.state import tr
from ui.walkthrough import credit_cached, pc_titles, pca_note, pick_dims
from ui.widgets import csv_button, section, show_figure

PAGE = {"order": 10, "url": "vectors", "icon": ":material/scatter_plot:",
        "title": {"en": "Vectors", "zh": "向量"}, "needs": []}

st.title(tr("walk.vec.title"))
st.markdown(tr("walk.vec.intro"))

# Everything below follows the sliders and the view picked here: a change reruns this
# section alone (ui.widgets.section), not the title or the sidebar.
@section
def credit_section() -> None:
    left, middle, right = st.columns([2, 1, 1])
    with left:
        n_people = st.slider(tr("walk.vec.people"), 60, 600, 240, step=20, key="vec_n",
                             bind="query-params")
    with middle:
        seed = st.number_input(tr("walk.vec.seed"), 0, 999, 0, key="vec_seed", bind="query-params")
    with right:
        dims = pick_dims("vec_dims")

    example = credit_cached(int(n_people), int(seed))
    names = {name: tr(f"walk.feat.{name}") for name, _, _ in (*FEATURES, SALARY)}
    names["good"] = tr("walk.feat.good")
    people = example.table.rename(columns=names)
    st.caption(tr("walk.vec.table"))
    st.dataframe(people.head(6), key="vec_table")
    csv_button(lambda: people, "credit_people.csv", key="vec_table_csv")

    hover = [tr("walk.vec.person", i=i) for i in range(len(example.good))]
    spaces = (
        ("walk.vec.space8", example.points8, example.explained8, example.accuracy8, 8),
        ("walk.vec.space9", example.points9, example.explained9, example.accuracy9, 9),
    )
    for column, (title_key, points, explained, accuracy, k) in zip(st.columns(2), spaces):
        with column:
            st.subheader(tr(title_key))
            show_figure(
                credit_scatter_figure(points[:, :dims], example.good, tr("walk.vec.good"),
                                      tr("walk.vec.bad"), axis_titles=pc_titles(explained, dims),
                                      hover=hover),
                key=f"vec_scatter_{k}",
            )
            st.markdown(tr("walk.vec.accuracy", acc=accuracy, k=k))
            pca_note(explained, dims)
    st.info(tr("walk.vec.takeaway"), icon=":material/lightbulb:")


credit_section()
