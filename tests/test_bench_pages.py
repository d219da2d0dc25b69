"""The per-page browser benchmark's rows (bench/pages.py): verdicts and notes from plain
results. No browser and no timing here: ``python -m bench --pages`` does the measuring."""

from bench.pages import CLICK_TARGET_S, NAV_TARGET_S, ModelResult, PageResult, rows


def _rows(*pages: PageResult, first=(2.0, 6.0)):
    result = ModelResult("trained", "Smart John is singing a song", first_s=first[0],
                         cold_s=first[1], first_charts=2, probe_s=1.5, pages=list(pages),
                         load=[1.0, 2.5])
    return {row.what: row for row in rows([result], {"first": 2.0, "reload": 0.8})}


def _page_row(table, url):
    (row,) = [row for what, row in table.items() if f"page `{url}`" in what]
    return row


def test_a_page_passes_only_when_both_navigation_and_click_meet_their_targets():
    fast = PageResult("multi-head", nav_s=[0.4, 0.6, 0.5], click_s=[0.2, 0.3, 0.25],
                      click_what="head", charts=7)
    slow_click = PageResult("self-attention", nav_s=[0.5], click_s=[0.9, 1.1, 1.0],
                            click_what="head")
    slow_nav = PageResult("vectors", nav_s=[3.0, 3.0, 1.0], click_s=[0.1])
    table = _rows(fast, slow_click, slow_nav)
    assert _page_row(table, "multi-head").verdict() == "pass"
    assert _page_row(table, "multi-head").value_text() == "0.50 s · 0.25 s"  # medians
    click_row = _page_row(table, "self-attention")
    assert click_row.verdict() == "**miss**"
    assert f"click misses ×{1.0 / CLICK_TARGET_S:.1f}" in click_row.note
    nav_row = _page_row(table, "vectors")
    assert nav_row.verdict() == "**miss**"
    assert f"navigation misses ×{3.0 / NAV_TARGET_S:.1f}" in nav_row.note


def test_a_page_without_a_click_is_judged_on_navigation_and_shows_a_dash():
    table = _rows(PageResult("bert", nav_s=[0.4], charts=4))
    row = _page_row(table, "bert")
    assert row.value_text() == "0.40 s · —" and row.verdict() == "pass"


def test_a_page_that_never_drew_has_no_verdict_and_says_why():
    table = _rows(PageResult("masks", errors=["navigation: not drawn in 60 s"]))
    row = _page_row(table, "masks")
    assert row.verdict() == "—" and "not drawn" in row.note


def test_first_page_rows_carry_the_target_cold_and_after_the_probe():
    table = _rows()
    cold = table["`trained`: first page after server start, nothing warmed (browser)"]
    assert cold.verdict().startswith("**miss**")  # 6 s > 5 s
    (probed,) = [row for what, row in table.items() if "readiness probe" in what]
    assert probed.verdict() == "pass" and "1.50 s" in probed.note
