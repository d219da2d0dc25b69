"""Background training jobs: a job table in SQLite (store) and the worker processes (runner).

Nothing here imports torch or Streamlit: a page polls these functions, the worker is a separate
``python -m training.train`` process.
"""
