"""Real-browser tests (marked ``browser``): Chromium against `streamlit run app.py`."""
