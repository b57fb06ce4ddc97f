"""PNG plots of the class reports: a student's char_rnn training loss against the reference's, a score histogram.

matplotlib is an optional dependency (`pip install 'rnn-autograder[reports]'`): it is imported inside the
functions, and `available()` tells whether plots can be drawn. Figures are drawn with the Agg canvas on
`matplotlib.figure.Figure` objects, never through pyplot: no GUI backend, no global figure registry to
leak into, and the backend of a process that also uses pyplot (a notebook) is left alone.

Speed: a class of 200 students needs 200 loss plots. Drawing a figure from scratch costs 0.1-0.3 s
(mostly tick-label layout), and so does redrawing a reused one. So the axes, ticks, grid and legend are
drawn once per y range (whole decades: a class shares a few) and kept as a bitmap; each student's plot
restores that bitmap and draws only the two curves on it (about 10 ms with the PNG encoding).
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
from autograder.grading.results import ExerciseResult

PLOT_EXERCISE = "char_rnn"
REFERENCE_SEED = 0           # the seed the grader records the student's losses with
MAX_LOSSES = 10_000          # longer lists are not plotted
EXPONENTS = (-30, 30)        # the y axis never spans more than 1e-30 .. 1e30

SIZE_IN = (7.2, 3.6)         # at DPI: 720 x 360 pixels
DPI = 100
STUDENT_COLOUR = "#2563eb"
REFERENCE_COLOUR = "#ea580c"   # blue and orange: told apart with any colour vision
MUTED_COLOUR = "#6b7280"
MEAN_COLOUR = "#b91c1c"
MEDIAN_COLOUR = "#111827"

_lock = threading.Lock()     # the cached canvases are shared


def available() -> bool:
    """Whether matplotlib is installed, so that the PNG plots can be drawn."""
    return importlib.util.find_spec("matplotlib") is not None


def losses_to_plot(e: ExerciseResult) -> list[float] | None:
    """The training losses the char_rnn grader recorded for `e`, or None when there is nothing to plot."""
    if e.exercise != PLOT_EXERCISE or not isinstance(e.data, dict):
        return None
    losses = e.data.get("training_losses")
    if not isinstance(losses, (list, tuple)) or not 0 < len(losses) <= MAX_LOSSES:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in losses):
        return None
    return [float(v) for v in losses]


@functools.lru_cache(maxsize=1)
def reference_losses() -> tuple[float, ...]:
    """The losses of the reference train_char_rnn() with the grader's seed (trained once per process)."""
    import torch

    from solutions.char_rnn import train_char_rnn

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as in the grading workers; several times faster for this tiny net
    try:
        _, losses, _ = train_char_rnn(seed=REFERENCE_SEED)
    finally:
        torch.set_num_threads(threads)
    return tuple(float(v) for v in losses)


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


class _LossCanvas:
    """Axes, ticks, grid and legend drawn once; each student's curves are drawn onto a copy of them."""

    def __init__(self, reference: tuple[float, ...], epochs: int, lo: int, hi: int):
        figure, self.canvas, self.axes = _figure()
        axes = self.axes
        axes.set_yscale("log")
        axes.set_xlim(0, epochs + 1)
        axes.set_ylim(10.0 ** lo, 10.0 ** hi)
        axes.set_xlabel("epoch")
        axes.set_ylabel("cross-entropy loss (log scale)")
        _title(axes, f"Training loss (seed {REFERENCE_SEED})")
        # Animated artists are left out of canvas.draw(): they are drawn per student over the background,
        # the reference last so that it still shows (dashed) where the student's curve is the same.
        (self.line,) = axes.plot([], [], color=STUDENT_COLOUR, linewidth=2.2, label="your train_char_rnn()",
                                 animated=True)
        (self.reference,) = axes.plot(range(1, len(reference) + 1), _plottable(reference), color=REFERENCE_COLOUR,
                                      linestyle="--", linewidth=1.6, label="reference", animated=True)
        self.note = axes.text(0.01, 0.03, "", transform=axes.transAxes, fontsize=9, color=MEAN_COLOUR, va="bottom",
                              animated=True)
        _legend(axes)
        self.canvas.draw()
        figure.set_layout_engine("none")  # the layout is settled: nothing may move under the background
        self.background = self.canvas.copy_from_bbox(figure.bbox)

    def save(self, losses: list[float], note: str, path: Path) -> None:
        self.canvas.restore_region(self.background)
        self.line.set_data(range(1, len(losses) + 1), losses)
        self.axes.draw_artist(self.line)
        self.axes.draw_artist(self.reference)
        if note:
            self.note.set_text(note)
            self.axes.draw_artist(self.note)
        _save_png(self.canvas, path)


@functools.lru_cache(maxsize=16)
def _loss_canvas(reference: tuple[float, ...], epochs: int, lo: int, hi: int) -> _LossCanvas:
    return _LossCanvas(reference, epochs, lo, hi)


def loss_plot(student_losses: Sequence[float], reference_losses: Sequence[float], path: Path) -> None:
    """Write a PNG of the student's training losses and the reference's, per epoch, on a log y axis."""
    student = _plottable([float(v) for v in student_losses])
    reference = tuple(float(v) for v in reference_losses)
    lo, hi = _decades(student + _plottable(reference))
    hidden = sum(math.isnan(v) for v in student)
    outside = sum(not math.isnan(v) and not 10.0 ** lo <= v <= 10.0 ** hi for v in student)
    notes = []
    if hidden:
        notes.append(f"{hidden} of your {len(student)} losses are not positive finite numbers: not shown")
    if outside:
        notes.append(f"{outside} of your losses lie outside 1e{lo}..1e{hi}: cut off")
    with _lock:
        _loss_canvas(reference, max(len(student), len(reference)), lo, hi).save(student, "\n".join(notes), path)


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
