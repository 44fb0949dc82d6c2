"""Bar charts as geometry for the server-drawn SVG (``templates/.../indicators_chart.html``).

No JavaScript and no chart library: a horizontal bar chart is a few rectangles, and drawing it
on the server means the printed report and a browser without scripts show the same. Every chart
is shown with its data table beside it, so the numbers never depend on seeing the bars.
"""

from __future__ import annotations

from dataclasses import dataclass

from .figures import Count

LABEL_WIDTH = 260
"""Room for the names left of the bars (SVG user units; the chart scales to its box)."""
BAR_AREA = 300
VALUE_WIDTH = 70
ROW_HEIGHT = 28
BAR_HEIGHT = 18
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: float
    """0 for a zero value; at least 2 units otherwise, so a small number stays visible."""

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 4


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    target_x: float | None = None
    """Where a target line stands (``bar_chart(target=...)``), in the same units as the bars."""

    @property
    def value_x(self) -> float:
        return self.label_width + BAR_AREA + 6


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(counts: list[Count], *, target: int | None = None, limit: int = 16) -> BarChart:
    """The first ``limit`` counts as bars, scaled to the largest value (or the target).

    Long names are shortened in the picture only; the table beside it has them in full."""
    shown = counts[:limit]
    top = max([c.value for c in shown] + [target or 0, 1])
    bars = []
    for i, count in enumerate(shown):
        width = BAR_AREA * count.value / top
        bars.append(Bar(_short(count.label), count.value, TOP + i * ROW_HEIGHT,
                        round(max(width, 2.0) if count.value else 0.0, 1)))
    target_x = (LABEL_WIDTH + round(BAR_AREA * target / top, 1)) if target else None
    return BarChart(
        bars=bars,
        width=LABEL_WIDTH + BAR_AREA + VALUE_WIDTH,
        height=TOP * 2 + max(len(bars), 1) * ROW_HEIGHT,
        target_x=target_x,
    )
