"""Benchmarks that print tables: ``python -m bench`` (see bench/__main__.py).

Speed is measured here and written into README; tests never assert on absolute times.
"""
