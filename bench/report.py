"""The benchmark's table: rows with a target and a pass/miss verdict, as Markdown, into README."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

START, END = "<!-- bench:start -->", "<!-- bench:end -->"


@dataclass(frozen=True)
class Row:
    """One measured number.

    Attributes:
        what: what was measured, with its conditions.
        value: the measurement, or None when it could not be taken (``note`` says why).
        unit: "s", "ms", "GB" or "" (a count or a yes/no shown as text in ``shown``).
        target: the most it may be (same unit), or None when there is no target.
        shown: overrides how the value is printed (e.g. "10 / 10 pages").
        ok: overrides the verdict (for rows that are not "at most target").
        target_shown: overrides how the target is printed.
        note: why a value is missing or what to read it with.
    """

    what: str
    value: float | None
    unit: str = "s"
    target: float | None = None
    shown: str | None = None
    ok: bool | None = None
    target_shown: str | None = None
    note: str = ""

    def value_text(self) -> str:
        if self.shown is not None:
            return self.shown
        if self.value is None:
            return "n/a"
        return fmt(self.value, self.unit)

    def target_text(self) -> str:
        if self.target_shown is not None:
            return self.target_shown
        return "—" if self.target is None else f"≤ {fmt(self.target, self.unit)}"

    def verdict(self) -> str:
        if self.ok is not None:
            return "pass" if self.ok else "**miss**"
        if self.target is None or self.value is None:
            return "—"
        if self.value <= self.target:
            return "pass"
        return f"**miss** (×{self.value / self.target:.1f})"


def fmt(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    if unit == "s":
        return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    if unit == "GB":
        return f"{value:.2f} GB"
    return f"{value:g}"


def markdown(rows: list[Row], footer: list[str]) -> str:
    """The table, then one line per footer entry."""
    lines = ["| Measure | Value | Target | Result | Note |", "|---|---|---|---|---|"]
    for row in rows:
        note = row.note.replace("|", "\\|")
        lines.append(f"| {row.what} | {row.value_text()} | {row.target_text()} | "
                     f"{row.verdict()} | {note} |")
    return "\n".join(lines + [""] + footer)


def write_readme(table: str, readme: Path, section: str = "bench") -> None:
    """Replace what lies between the ``<!-- {section}:start -->`` and ``<!-- {section}:end -->``
    markers in README with ``table``.

    Raises:
        ValueError: README lacks the markers (the lead places them).
    """
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    text = readme.read_text(encoding="utf-8")
    if start not in text or end not in text or text.index(start) > text.index(end):
        raise ValueError(f"{readme} has no '{start}' … '{end}' markers")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(f"{head}{start}\n{table}\n{end}{tail}", encoding="utf-8")
