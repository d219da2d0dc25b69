"""Plotly figure builders: pure functions ``(arrays, labels, options) -> go.Figure``.

No Streamlit, no torch, no I/O. One module per part of the story; shared helpers in
``explainer.figures.base``.
"""
