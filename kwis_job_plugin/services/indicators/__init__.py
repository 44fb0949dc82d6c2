"""The success indicators of the pilot's concept (table 5.2) per region and year, live.

``figures`` computes them from the existing tables (nothing is stored for the indicators but the
targets and the daily page-view counters), ``targets`` keeps the yearly targets, ``charts``
turns figures into bar geometry for the server-drawn SVG, ``export`` writes every figure as CSV.
"""

from .charts import Bar, BarChart, bar_chart
from .export import indicators_csv
from .figures import (
    Count,
    EventFigures,
    Indicators,
    PageViews,
    SchoolFigures,
    ViewLine,
    compute,
)
from .targets import METRICS, PROFILES_WITH_OFFERS, TARGET_RANGE, YEAR_RANGE, set_target, targets

__all__ = [
    "METRICS", "PROFILES_WITH_OFFERS", "TARGET_RANGE", "YEAR_RANGE", "Bar", "BarChart", "Count",
    "EventFigures", "Indicators", "PageViews", "SchoolFigures", "ViewLine", "bar_chart",
    "compute", "indicators_csv", "set_target", "targets",
]
