"""Charts as inline SVG (matplotlib): no script and no network when a report is viewed.

Text in a chart is SVG text that matplotlib escapes; `$` is not read as mathematics
(`text.parse_math` off), so a title or name from a feed is drawn as written. Each chart gets
its own salt for the ids matplotlib gives clip paths, so several charts can share one page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

import matplotlib
import matplotlib.ticker
import numpy as np
from matplotlib.figure import Figure

#: Okabe-Ito: distinguishable with the common colour-vision deficiencies.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442")
LABEL_LIMIT = 48
_STYLE = {
    "svg.fonttype": "none",
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
}
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def short(label: object, limit: int = LABEL_LIMIT) -> str:
    text = " ".join(str(label).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: Inches per character of a tick label at the style's font size (margins are set from the
#: labels' lengths: a layout engine would cost more than the drawing itself).
CHAR_WIDTH = 0.068


def _figure(
    width: float, height: float, labels: Sequence[str] = (), top: float = 0.45, bottom: float = 0.5
) -> Figure:
    """A figure whose plot area leaves room for the longest of `labels` on the left and for a
    title (and legend) above."""
    figure = Figure(figsize=(width, height))
    longest = max((len(label) for label in labels), default=4)
    left = min(0.2 + CHAR_WIDTH * longest, width * 0.55)
    figure.subplots_adjust(
        left=left / width, right=1 - 0.35 / width, top=1 - top / height, bottom=bottom / height
    )
    return figure


def to_svg(figure: Figure, name: str, description: str) -> str:
    """The figure as an `<svg>` element (no XML prologue), labelled for screen readers."""
    buffer = io.StringIO()
    with matplotlib.rc_context({**_STYLE, "svg.hashsalt": name}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Title": description})
    svg = _PROLOGUE.sub("", buffer.getvalue(), count=1)
    return svg.replace("<svg ", '<svg role="img" ', 1)


def bar_chart(
    name: str, title: str, labels: Sequence[str], values: Sequence[float], unit: str = "rows"
) -> str:
    """Horizontal bars, the first label at the top, each with its value written beside it."""
    names = [short(label) for label in labels]
    with matplotlib.rc_context(_STYLE):
        figure = _figure(7.2, 1.0 + 0.26 * max(len(labels), 1), names)
        axes = figure.add_subplot()
        positions = np.arange(len(labels))
        bars = axes.barh(positions, values, color=COLOURS[0])
        axes.bar_label(bars, padding=3, fmt="%g")
        axes.set_yticks(positions, names)
        axes.invert_yaxis()
        axes.set_xlabel(unit)
        axes.set_title(title, loc="left")
        axes.margins(x=0.12)
    return to_svg(figure, name, title)


def heatmap(
    name: str,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    shares: np.ndarray,
) -> str:
    """Shares (0 to 1) in a grid, each cell written as a percentage; rows in the order given."""
    names = [short(r, 40) for r in rows]
    with matplotlib.rc_context(_STYLE):
        figure = _figure(8.4, 1.9 + 0.3 * max(len(rows), 1), names, top=1.55, bottom=0.15)
        axes = figure.add_subplot()
        image = axes.imshow(shares, cmap="viridis", vmin=0, vmax=1, aspect="auto")
        for (i, j), share in np.ndenumerate(shares):
            if not np.isnan(share):
                colour = "black" if share > 0.55 else "white"
                axes.text(j, i, f"{share:.0%}", ha="center", va="center", fontsize=7, color=colour)
        axes.set_xticks(np.arange(len(columns)), [c.replace("_", " ") for c in columns])
        axes.tick_params(axis="x", labelrotation=35, labeltop=True, labelbottom=False)
        for tick in axes.get_xticklabels():
            tick.set_horizontalalignment("left")
        axes.set_yticks(np.arange(len(rows)), names)
        axes.spines[:].set_visible(False)
        figure.colorbar(image, ax=axes, shrink=0.8, format=matplotlib.ticker.PercentFormatter(1.0))
        axes.set_title(title, loc="left", pad=62)
    return to_svg(figure, name, title)


def stacked_bar_chart(
    name: str, title: str, labels: Sequence[str], series: dict[str, Sequence[float]]
) -> str:
    """Horizontal stacked bars (e.g. records accepted and rejected per source)."""
    names = [short(label) for label in labels]
    with matplotlib.rc_context(_STYLE):
        figure = _figure(7.2, 1.3 + 0.26 * max(len(labels), 1), names, top=0.7)
        axes = figure.add_subplot()
        positions = np.arange(len(labels))
        left = np.zeros(len(labels))
        for k, (series_name, values) in enumerate(series.items()):
            numbers = np.asarray(values, dtype=float)
            axes.barh(positions, numbers, left=left, color=COLOURS[k], label=series_name)
            left += numbers
        axes.set_yticks(positions, names)
        axes.invert_yaxis()
        axes.set_xlabel("records")
        axes.set_title(title, loc="left", pad=22)
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(series), frameon=False)
    return to_svg(figure, name, title)


def trend_chart(
    name: str,
    title: str,
    runs: Sequence[str],
    rows: Sequence[float],
    bars: dict[str, Sequence[float]],
) -> str:
    """Rows after each run (a line, above) and what each run changed (grouped bars, below)."""
    with matplotlib.rc_context(_STYLE):
        figure = _figure(7.6, 4.8, ["0" * 9], top=0.7, bottom=0.95)
        figure.subplots_adjust(hspace=0.35)
        above, below = figure.subplots(2, 1, sharex=True)
        positions = np.arange(len(runs))
        above.plot(positions, rows, color=COLOURS[0], marker="o", linewidth=2)
        for x, y in zip(positions, rows, strict=True):
            above.annotate(f"{y:g}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center")
        above.set_ylim(0, max(max(rows, default=0) * 1.2, 1))
        above.set_ylabel("micro-credentials")
        width = 0.8 / max(len(bars), 1)
        for k, (series_name, values) in enumerate(bars.items()):
            offset = (k - (len(bars) - 1) / 2) * width
            colour = COLOURS[(k + 1) % len(COLOURS)]
            below.bar(positions + offset, values, width=width, color=colour, label=series_name)
        below.set_ylabel("per run")
        below.set_xticks(positions, list(runs))
        below.tick_params(axis="x", labelrotation=30)
        below.set_xlim(-0.6, max(len(runs), 1) - 0.4)
        below.legend(loc="upper left", ncols=len(bars), frameon=False, fontsize=8)
        above.set_title(title, loc="left")
    return to_svg(figure, name, title)
