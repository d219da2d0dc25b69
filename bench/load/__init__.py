"""A class on one server, measured: Locust users that speak Streamlit's websocket protocol.

``python -m bench.load`` (see ``__main__``) starts the app, a teacher and a class of simulated
students (``locustfile``, through ``client`` and ``protocol``), and a few real Chromium tabs
(``chromium``) measuring what a student sees meanwhile, then prints the table (``report``).
"""
