"""The report's charts, drawn with matplotlib and inlined as PNG data URIs (no external file)."""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # no display: the charts are only ever written to memory

import matplotlib.pyplot as plt  # noqa: E402 (after the backend is chosen)
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

COLOURS = {"en": "#1CABE2", "fr": "#374EA2"}  # UNICEF cyan and dark blue
OTHER_COLOUR = "#777777"


def _data_uri(figure: Figure) -> str:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=96)
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def daily(days: Sequence[str], by_language: Mapping[str, Sequence[int]]) -> str:
    """Messages per day, one stacked bar per day, a colour per language."""
    figure, axes = plt.subplots(figsize=(10, 3.2))
    bottom = [0] * len(days)
    for language, counts in sorted(by_language.items()):
        axes.bar(days, counts, bottom=bottom, label=language, color=COLOURS.get(language, OTHER_COLOUR))
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 0.25 of a message
    axes.set_ylabel("messages")
    axes.set_title("Messages per day, by language")
    axes.legend(loc="upper left")
    step = max(1, len(days) // 15)
    axes.set_xticks(range(0, len(days), step))
    axes.set_xticklabels(days[::step], rotation=45, ha="right", fontsize=8)
    return _data_uri(figure)


def ranking(title: str, counts: Sequence[tuple[str, int]]) -> str:
    """Horizontal bars, largest at the top."""
    labels = [label for label, _ in counts][::-1]
    values = [value for _, value in counts][::-1]
    figure, axes = plt.subplots(figsize=(6, 0.5 + 0.32 * max(1, len(counts))))
    axes.barh(labels, values, color=COLOURS["en"])
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(title)
    axes.tick_params(axis="y", labelsize=8)
    return _data_uri(figure)
