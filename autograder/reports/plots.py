"""PNG plots of the reports: the curve a grader recorded for a result (reports.curves), a score histogram.

matplotlib is an optional dependency (`pip install 'rnn-autograder[reports]'`): it is imported inside the
functions, and `available()` tells whether plots can be drawn. Figures are drawn with the Agg canvas on
`matplotlib.figure.Figure` objects, never through pyplot: no GUI backend, no global figure registry to
leak into, and the backend of a process that also uses pyplot (a notebook) is left alone.

Nothing is computed here: a curve's every series, the reference's included, is what the grader recorded.

Speed: a class of 200 students needs 200 curve plots. Drawing a figure from scratch costs 0.1-0.3 s
(mostly tick-label layout), and so does redrawing a reused one. So the axes, ticks, grid and legend are
drawn once per layout (titles, labels, series, x range, y range in whole decades or round steps: a
class shares a few) and kept as a bitmap; each plot restores that bitmap and draws only the curves on
it (about 10 ms with the PNG encoding).
"""
from __future__ import annotations

import functools
import importlib.util
import io
import math
import threading
from collections.abc import Sequence
from pathlib import Path

from autograder.files import write_atomically
from autograder.reports.curves import Curve

EXPONENTS = (-30, 30)        # the y axis never spans more than 1e-30 .. 1e30
LOG_SPAN = 20.0              # positive values spanning more than this factor are drawn on a log scale

SIZE_IN = (7.2, 3.6)         # at DPI: 720 x 360 pixels
DPI = 100
STUDENT_COLOUR = "#2563eb"
REFERENCE_COLOUR = "#ea580c"   # blue and orange: told apart with any colour vision
# Further series of a role (a curve may hold several): same families, darker.
COLOURS = {"student": (STUDENT_COLOUR, "#7c3aed", "#0e7490", "#1e3a8a"),
           "reference": (REFERENCE_COLOUR, "#a16207", "#be123c", "#7c2d12")}
MUTED_COLOUR = "#6b7280"
MEAN_COLOUR = "#b91c1c"
MEDIAN_COLOUR = "#111827"

_lock = threading.Lock()     # the cached canvases are shared


def available() -> bool:
    """Whether matplotlib is installed, so that the PNG plots can be drawn."""
    return importlib.util.find_spec("matplotlib") is not None


# --- drawing helpers ---

def _save_png(canvas, path: Path) -> None:
    """Encode what `canvas` holds now (animated artists included) as an RGB PNG at `path`."""
    from PIL import Image  # a dependency of matplotlib

    image = Image.frombuffer("RGBA", canvas.get_width_height(physical=True), canvas.buffer_rgba(),
                             "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=3)  # 6 (the default) costs twice the time for 8 % less
    write_atomically(path, buffer.getvalue())


def _figure(size=SIZE_IN):
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"font.size": 10, "axes.edgecolor": "#9ca3af"}):
        figure = Figure(figsize=size, dpi=DPI, facecolor="white", layout="constrained")
        canvas = FigureCanvasAgg(figure)
        axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(True, which="major", color="#e5e7eb", linewidth=0.8)
    axes.set_axisbelow(True)
    return figure, canvas, axes


def _plain(text: str) -> str:
    """`text` shown as it is: a '$' would start matplotlib's mathtext (and may not parse)."""
    return text.replace("$", r"\$")


def _title(axes, text: str) -> None:
    axes.set_title(text, loc="left", fontsize=11, fontweight="bold")


def _legend(axes) -> None:
    """Above the axes on the right, level with the title: it never hides a curve."""
    axes.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2, borderaxespad=0.2, frameon=False)


def _plottable(values: Sequence[float]) -> list[float]:
    """Values a log axis can show: positive and finite; the others become gaps (NaN)."""
    return [v if math.isfinite(v) and v > 0 else math.nan for v in values]


def _decades(values: Sequence[float]) -> tuple[int, int]:
    """The whole decades (as exponents) that span the finite values, within EXPONENTS."""
    finite = [v for v in values if not math.isnan(v)]
    if not finite:
        return -1, 1
    lo = max(EXPONENTS[0], min(EXPONENTS[1] - 1, math.floor(math.log10(min(finite)))))
    hi = min(EXPONENTS[1], max(lo + 1, math.ceil(math.log10(max(finite)))))
    return lo, hi


def _linear_range(values: Sequence[float]) -> tuple[float, float]:
    """A y range over the finite values (within +-10 ** EXPONENTS[1]), rounded out to whole steps of
    1, 2 or 5 times a power of ten."""
    bound = 10.0 ** EXPONENTS[1]
    finite = [v for v in values if math.isfinite(v) and abs(v) <= bound]
    if not finite:
        return 0.0, 1.0
    lo, hi = min(finite), max(finite)
    span = max(hi - lo, abs(hi) * 1e-6, 10.0 ** EXPONENTS[0])
    power = 10.0 ** math.floor(math.log10(span / 4))
    step = next(m * power for m in (1, 2, 5, 10) if span / (m * power) <= 8)
    bottom = math.floor(lo / step) * step
    return bottom, max(math.ceil(hi / step) * step, bottom + step)


def _layout(curve: Curve) -> tuple[bool, float, float]:
    """(log scale?, y from, y to): log when every finite value is positive and they span over LOG_SPAN."""
    finite = [v for s in curve.series for v in s.values if math.isfinite(v)]
    if finite and min(finite) > 0 and max(finite) / min(finite) > LOG_SPAN:
        lo, hi = _decades(_plottable(finite))
        return True, 10.0 ** lo, 10.0 ** hi
    lo, hi = _linear_range(finite)
    return False, lo, hi


class _CurveCanvas:
    """Axes, ticks, grid and legend drawn once; each result's series are drawn onto a copy of them."""

    def __init__(self, title: str, x_label: str, y_label: str, legend: tuple[tuple[str, str], ...],
                 steps: int, log: bool, lo: float, hi: float):
        figure, self.canvas, self.axes = _figure()
        axes = self.axes
        if log:
            axes.set_yscale("log")
        axes.set_xlim(0, steps + 1)
        axes.set_ylim(lo, hi)
        axes.set_xlabel(_plain(x_label))
        axes.set_ylabel(_plain(y_label + (" (log scale)" if log else "")))
        _title(axes, _plain(title))
        # Animated artists are left out of canvas.draw(): they are drawn per result over the background,
        # the references last so that they still show (dashed) where a student's curve is the same.
        used = {role: 0 for role in COLOURS}
        self.lines = []
        for label, role in legend:
            colour = COLOURS[role][used[role] % len(COLOURS[role])]
            used[role] += 1
            style = {"linestyle": "--", "linewidth": 1.6} if role == "reference" else {"linewidth": 2.2}
            (line,) = axes.plot([], [], color=colour, label=_plain(label), animated=True, **style)
            self.lines.append(line)
        self.note = axes.text(0.01, 0.03, "", transform=axes.transAxes, fontsize=9, color=MEAN_COLOUR, va="bottom",
                              animated=True)
        _legend(axes)
        self.canvas.draw()
        figure.set_layout_engine("none")  # the layout is settled: nothing may move under the background
        self.background = self.canvas.copy_from_bbox(figure.bbox)

    def save(self, series: list[list[float]], note: str, path: Path) -> None:
        self.canvas.restore_region(self.background)
        for line, values in zip(self.lines, series):
            line.set_data(range(1, len(values) + 1), values)
        for line in sorted(self.lines, key=lambda l: l.get_linestyle() == "--"):
            self.axes.draw_artist(line)
        if note:
            self.note.set_text(note)
            self.axes.draw_artist(self.note)
        _save_png(self.canvas, path)


@functools.lru_cache(maxsize=16)
def _curve_canvas(*layout) -> _CurveCanvas:
    return _CurveCanvas(*layout)


def curve_plot(curve: Curve, path: Path) -> None:
    """Write a PNG of every series of `curve` per step; what cannot be shown is said on the plot."""
    log, lo, hi = _layout(curve)
    series = [_plottable(s.values) if log else [v if math.isfinite(v) else math.nan for v in s.values]
              for s in curve.series]
    notes = []
    for s, shown in zip(curve.series, series):
        hidden = sum(math.isnan(v) for v in shown)
        outside = sum(not math.isnan(v) and not lo <= v <= hi for v in shown)
        if hidden:
            notes.append(f"{_plain(s.label)}: {hidden} of {len(shown)} values are not "
                         f"{'positive ' if log else ''}finite numbers: not shown")
        if outside:
            notes.append(f"{_plain(s.label)}: {outside} values lie outside {lo:g}..{hi:g}: cut off")
    legend = tuple((s.label, s.role) for s in curve.series)
    with _lock:
        _curve_canvas(curve.title, curve.x_label, curve.y_label, legend, curve.steps, log, lo, hi).save(
            series, "\n".join(notes[:4]), path)


def _bin_width(top: float) -> float:
    """A round bin width (1, 2, 2.5 or 5 times a power of ten) giving at most 30 bins up to `top`."""
    scale = 10.0 ** math.floor(math.log10(top / 30)) if top > 30 else 1.0
    return next(m * scale for m in (1, 2, 2.5, 5, 10) if top / (m * scale) <= 30)


def score_histogram(scores: Sequence[float], max_score: float, path: Path) -> None:
    """Write a PNG histogram of the class's total scores, with the mean and the median marked."""
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    figure, canvas, axes = _figure((SIZE_IN[0], 3.2))
    top = max_score if max_score > 0 else max([*scores, 1.0])
    width = _bin_width(top)
    edges = np.arange(0, math.ceil(top / width - 1e-9) + 1) * width
    values = np.clip(np.asarray(scores, dtype=float), 0, top)
    axes.hist(values, bins=edges, color=STUDENT_COLOUR, edgecolor="white", linewidth=0.8)
    axes.set_xlim(0, edges[-1])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel(f"total score (out of {top:g})")
    axes.set_ylabel("students")
    axes.grid(False, axis="x")
    _title(axes, f"Total scores of {len(scores)} student{'s' if len(scores) != 1 else ''}")
    if len(scores):
        mean, median = float(np.mean(values)), float(np.median(values))
        axes.axvline(mean, color=MEAN_COLOUR, linewidth=1.8, label=f"mean {mean:.3g}")
        axes.axvline(median, color=MEDIAN_COLOUR, linewidth=1.6, linestyle=":", label=f"median {median:.3g}")
        _legend(axes)
    else:
        axes.set_ylim(0, 1)
        axes.text(0.5, 0.5, "no students graded", transform=axes.transAxes, ha="center", va="center",
                  color=MUTED_COLOUR)
    canvas.draw()
    _save_png(canvas, path)
