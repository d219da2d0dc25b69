"""Benchmark rows for "Why this word?": integrated gradients and head importance on the trained
model, at 5 and 64 source tokens.

``why_rows()`` returns dicts with the fields of ``bench.report.Row`` (``Row(**row)``). Times
are medians of warm runs (the first run, which loads Captum and warms the allocator, is not
counted), with the app's thread setting (``models.device.configure_threads``).
"""

from __future__ import annotations

from bench.measure import known_words, log, median_time, sentence_of

SIZES = (5, 64)
# The targets: the short sentence in class answers within 2 s, a long paste in 10 s.
TARGET_S = {5: 2.0, 64: 10.0}
IG_STEPS = 32


def why_rows(sizes=SIZES, repeats: int | None = None) -> list[dict]:
    """Rows: integrated gradients (32 steps, every written token explained, tokens above the
    completeness tolerance integrated again as the app does) and head
    importance (one teacher-forced re-run per head, batched), per source length."""
    from explainer.why import attribute, head_importance
    from models.device import configure_threads
    from models.registry import load_model

    threads = configure_threads()
    loaded = load_model("trained")
    words = known_words(loaded.tokenizer)
    rows = []
    for n in sizes:
        sentence = sentence_of(words, n)
        count = repeats or (5 if n <= 5 else 3)
        result = attribute(loaded, sentence, method="ig", steps=IG_STEPS)  # warm-up
        seconds = median_time(lambda s=sentence: attribute(loaded, s, method="ig",
                                                           steps=IG_STEPS), count)
        log(f"integrated gradients {n} tokens: {seconds:.2f} s")
        rows.append(dict(
            what=f"Attribution: integrated gradients ({IG_STEPS} steps), {n} source tokens",
            value=seconds, unit="s", target=TARGET_S.get(n),
            note=f"{len(result.tgt_tokens)} target tokens explained, completeness gap "
                 f"{result.completeness_gap:.3f} ({_refined(result)}); median of {count}, "
                 f"{threads} thread(s)",
        ))
        importance = head_importance(loaded, sentence)  # warm-up
        seconds = median_time(lambda s=sentence: head_importance(loaded, s), count)
        log(f"head importance {n} tokens: {seconds:.2f} s")
        n_heads = sum(grid.size for grid in importance.drop.values())
        rows.append(dict(
            what=f"Head importance (every head switched off alone), {n} source tokens",
            value=seconds, unit="s", target=TARGET_S.get(n),
            note=f"{n_heads} heads re-run teacher-forced in one batch over "
                 f"{len(importance.tokens)} target tokens; median of {count}",
        ))
    return rows


def _refined(result) -> str:
    again = result.token_steps > result.steps
    if not again.any():
        return "no token integrated again"
    return f"{int(again.sum())} integrated again, up to {int(result.token_steps.max())} steps"


if __name__ == "__main__":
    for row in why_rows():
        print(row)
