"""Streamlit-only helpers: cached loaders, session state, shared widgets."""
