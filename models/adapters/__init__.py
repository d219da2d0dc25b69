"""Adapters: one file per model family, each capturing a sentence into the same plain record.

An adapter runs its model with hooks and returns a ``Capture`` (numpy arrays by contract name,
token lists, boolean masks, a capabilities dict). ``explainer/trace.py`` turns it into the
torch-free ``Trace`` of ``explainer/contract.py``; models/ itself knows nothing of the app.
"""
