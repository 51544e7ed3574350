"""Bar charts as SVG markup, drawn on the server: no chart script to load, nothing to run,
and the page prints and reads the same in every browser.

Pure functions of what they are given: the caller passes labels and numbers already
written for the reader (Babel's ``format_number``, ``format_date``), and ``rtl`` for
right-to-left pages. Right to left, everything is mirrored — labels on the right, bars
growing leftwards, months running from right to left — and the SVG says its direction, so
that text anchors (start, end) follow it. Every text is escaped. Each chart is
``role="img"`` named by its ``<title>``; the page puts the same figures in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
INK = "#1d2433"
MUTED = "#4a5468"
LINE = "#d2cec4"
# Series colours (the accent, then the focus colour of style.css): ≥ 3:1 against white.
COLOURS = ("#0b5d6b", "#b3400a")
FONT = 15
SMALL = 12
LABEL_CHARACTERS = 30  # longer labels are cut in the chart (whole in the table)

# Horizontal bars: a label column, the bars, room for the value after the longest bar.
ROW = 28
BAR = 18
LABEL_WIDTH = 250
VALUE_WIDTH = 56
PAD = 8

# Vertical bars: a legend above, the plot, one or two lines of labels below.
HEIGHT = 280
LEGEND = 28
VALUE_ROOM = 16
LABEL_ROOM = 40


@dataclass(frozen=True)
class Bar:
    """One category: its label, its value, and the value as the reader reads it."""

    label: str
    value: float
    shown: str


@dataclass(frozen=True)
class Series:
    """One series of a column chart: a value (and its reading) per column."""

    label: str
    values: tuple[float, ...]
    shown: tuple[str, ...]


class _Canvas:
    """Coordinates written left to right, placed mirrored when the page reads right to left."""

    def __init__(self, rtl: bool) -> None:
        self.rtl = rtl

    def x(self, x: float) -> float:
        return WIDTH - x if self.rtl else x

    def rect(self, x: float, y: float, width: float, height: float, colour: str) -> str:
        left = WIDTH - x - width if self.rtl else x
        return (f'<rect x="{left:.1f}" y="{y:.1f}" width="{width:.1f}" '
                f'height="{height:.1f}" fill="{colour}"/>')

    def text(self, x: float, y: float, content: str, anchor: str, size: int = FONT,
             colour: str = INK) -> str:
        """``anchor`` is logical (start, middle, end): it follows the SVG's direction."""
        return (f'<text x="{self.x(x):.1f}" y="{y:.1f}" text-anchor="{anchor}" '
                f'font-size="{size}" fill="{colour}">{escape(content)}</text>')

    def line(self, x1: float, y1: float, x2: float, y2: float) -> str:
        return (f'<line x1="{self.x(x1):.1f}" y1="{y1:.1f}" x2="{self.x(x2):.1f}" '
                f'y2="{y2:.1f}" stroke="{MUTED}" stroke-width="1"/>')


def _svg(ident: str, title: str, height: float, rtl: bool, parts: list[str]) -> Markup:
    direction = "rtl" if rtl else "ltr"
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(ident)}" '
        f'role="img" aria-labelledby="{escape(ident)}-title" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'direction="{direction}" font-family="inherit">'
        f'<title id="{escape(ident)}-title">{escape(title)}</title>'
        + "".join(parts) + "</svg>")


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[:LABEL_CHARACTERS - 1] + "…"


def _scale(values: Sequence[float], room: float) -> float:
    """Length per unit, so that the largest value fills ``room`` (nothing to draw: 0)."""
    largest = max(values, default=0)
    return room / largest if largest > 0 else 0.0


def horizontal_bars(ident: str, title: str, bars: Sequence[Bar], rtl: bool) -> Markup:
    """One bar per category, its label before it and its value after it."""
    canvas = _Canvas(rtl)
    room = WIDTH - LABEL_WIDTH - VALUE_WIDTH - PAD
    unit = _scale([bar.value for bar in bars], room)
    parts = []
    for position, bar in enumerate(bars):
        top = PAD + position * ROW
        middle = top + ROW / 2 + FONT / 3
        length = bar.value * unit
        parts.append(canvas.text(LABEL_WIDTH - PAD, middle, _short(bar.label), "end"))
        parts.append(canvas.rect(LABEL_WIDTH, top + (ROW - BAR) / 2, length, BAR, COLOURS[0]))
        parts.append(canvas.text(LABEL_WIDTH + length + 6, middle, bar.shown, "start"))
    height = 2 * PAD + max(len(bars), 1) * ROW
    parts.append(canvas.line(LABEL_WIDTH, PAD, LABEL_WIDTH, height - PAD))
    return _svg(ident, title, height, rtl, parts)


def vertical_bars(ident: str, title: str, columns: Sequence[Sequence[str]],
                  series: Sequence[Series], rtl: bool) -> Markup:
    """Columns side by side (months, in order), one bar per series in each, a legend
    above. ``columns`` gives each column's label as one or two lines."""
    canvas = _Canvas(rtl)
    parts = _legend(canvas, series)
    plot_top, baseline = LEGEND + VALUE_ROOM, HEIGHT - LABEL_ROOM
    slot = (WIDTH - 2 * PAD) / max(len(columns), 1)
    width = slot * 0.8 / max(len(series), 1)
    unit = _scale([value for item in series for value in item.values], baseline - plot_top)
    for column, lines in enumerate(columns):
        left = PAD + column * slot + slot * 0.1
        for number, item in enumerate(series):
            height = item.values[column] * unit
            x = left + number * width
            parts.append(canvas.rect(x, baseline - height, width, height,
                                     COLOURS[number % len(COLOURS)]))
            if item.values[column]:
                parts.append(canvas.text(x + width / 2, baseline - height - 3,
                                         item.shown[column], "middle", SMALL))
        centre = PAD + column * slot + slot / 2
        for line, text in enumerate(lines):
            parts.append(canvas.text(centre, baseline + 15 + line * 14, text, "middle", SMALL,
                                     INK if line == 0 else MUTED))
    parts.append(canvas.line(PAD, baseline, WIDTH - PAD, baseline))
    return _svg(ident, title, HEIGHT, rtl, parts)


def _legend(canvas: _Canvas, series: Sequence[Series]) -> list[str]:
    parts, x = [], PAD
    for number, item in enumerate(series):
        parts.append(canvas.rect(x, 8, 12, 12, COLOURS[number % len(COLOURS)]))
        parts.append(canvas.text(x + 18, 19, item.label, "start", SMALL))
        x += 18 + 9 * len(item.label) + 24
    return parts
