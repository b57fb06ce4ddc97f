"""Graders of exercise 4: backpropagation through time by hand in NumPy.

Gradients are checked against torch autograd in float64 on non-saturating random cells (weights
N(0, 0.3^2), inputs N(0, 1)), square and non-square, in every call form the contract allows
(defaults omitted, positional, keyword), T = 1, T = 30 (no truncation), a given h0 and a loss at the
last step only.
numerical_gradient gets scalar functions with known gradients; functions do not cross the sandbox,
so the grader compiles its own (trusted source text) inside the submission's process. A property
(arguments unchanged, no state between calls) is paid for only when the result is also right.
"""
from __future__ import annotations

import weakref
from typing import NamedTuple

import numpy as np
import pytest
import torch

from autograder import config
from autograder.grading.checks import array, close, fail, kind, unpack
from autograder.sandbox import wire
from solutions import numpy_bptt as reference

points = pytest.mark.points

# (input_size, hidden_size): non-square sizes make a missing transpose fail loudly, square ones by value;
# input_size 1 and hidden_size 1 catch a squeeze() of a gradient vector (a 0-d array).
SIZES = [(3, 5), (4, 4), (6, 2), (1, 3), (3, 1)]
TIMESTEPS = 6
LONG_TIMESTEPS = 30   # hidden_size 10: the loss at step 30 still reaches step 1 by far more than the tolerance
STEP_NAMES = ("dx_t", "dh_prev", "dWx", "dWh", "db")
SEQUENCE_NAMES = ("dinputs", "dh0", "dWx", "dWh", "db")
GRADIENT_ATOL = 1e-7   # central differences with eps = 1e-5 are off by ~1e-10; one-sided by ~1e-5
GRADIENT_RTOL = 1e-6


# ---------------------------------------------------------------- trusted cells and gradients

class Case(NamedTuple):
    """A sequence through exercise 1's cell and the gradients autograd finds for it."""
    inputs: np.ndarray
    Wx: np.ndarray
    Wh: np.ndarray
    h0: np.ndarray | None   # None: the sequence starts from zeros and rnn_backward gets no h0
    states: np.ndarray
    dstates: np.ndarray
    expected: tuple         # dinputs, dh0, dWx, dWh, db
    b: np.ndarray           # the bias the states were computed with

    def args(self) -> tuple:
        return self.dstates, self.inputs, self.states, self.Wx, self.Wh


def autograd(inputs, Wx, Wh, b, h0, dstates) -> tuple[np.ndarray, tuple]:
    """The states of the cell from h0 and the gradients of L = sum(dstates * states), by torch
    (grad mode on here whatever the process's: the grader's own autograd)."""
    leaves = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (inputs, Wx, Wh, b, h0)]
    X, WX, WH, B, H0 = leaves
    h, states = H0, []
    with torch.enable_grad():
        for x_t in X:
            h = torch.tanh(WX @ x_t + WH @ h + B)
            states.append(h)
        S = torch.stack(states)
        (S * torch.tensor(dstates, dtype=torch.float64)).sum().backward()
    dinputs, dh0, dWx, dWh, db = (leaf.grad.numpy() for leaf in (X, H0, WX, WH, B))
    return S.detach().numpy(), (dinputs, dh0, dWx, dWh, db)


def make_case(rng: np.random.Generator, input_size: int, hidden_size: int, timesteps: int = TIMESTEPS,
              with_h0: bool = True, last_only: bool = False) -> Case:
    Wx = rng.normal(0, 0.3, (hidden_size, input_size))
    Wh = rng.normal(0, 0.3, (hidden_size, hidden_size))
    b = rng.normal(0, 0.3, hidden_size)
    inputs = rng.normal(0, 1, (timesteps, input_size))
    h0 = rng.normal(0, 0.5, hidden_size) if with_h0 else None
    dstates = rng.normal(0, 1, (timesteps, hidden_size))
    if last_only:
        dstates[:-1] = 0.0
    states, expected = autograd(inputs, Wx, Wh, b, np.zeros(hidden_size) if h0 is None else h0, dstates)
    return Case(inputs, Wx, Wh, h0, states, dstates, expected, b)


def same_states_other_weights(rng: np.random.Generator, case: Case) -> Case:
    """Other Wx and Wh that give exactly the case's states: each step's [x_t, h_{t-1}] is a row of
    V, and the weights move by a matrix D with D @ v = 0 for every row (D's rows in V's null space),
    so Wx @ x_t + Wh @ h_{t-1} is unchanged while the gradients through Wx.T and Wh.T are not."""
    hidden, size = case.Wh.shape[0], case.Wx.shape[1]
    h0 = np.zeros(hidden) if case.h0 is None else case.h0
    V = np.hstack([case.inputs, np.vstack([h0, case.states[:-1]])])
    null = np.linalg.svd(V)[2][np.linalg.matrix_rank(V):]   # needs T < input_size + hidden_size
    D = rng.normal(0, 1, (hidden, len(null))) @ null
    D *= 0.3 / D.std()
    Wx, Wh = case.Wx + D[:, :size], case.Wh + D[:, size:]
    states, expected = autograd(case.inputs, Wx, Wh, case.b, h0, case.dstates)
    assert np.allclose(states, case.states, atol=1e-12, rtol=0), "the grader's other weights change the states"
    return case._replace(Wx=Wx, Wh=Wh, expected=expected)  # the case's own states, bit for bit


def step_of(case: Case, t: int) -> tuple:
    """(dh, x_t, h_prev, h_t, Wx, Wh) of step t of a one-step case."""
    h_prev = case.h0 if case.h0 is not None else np.zeros(case.Wh.shape[0])
    return case.dstates[t], case.inputs[t], h_prev, case.states[t], case.Wx, case.Wh


def one_step(rng: np.random.Generator, input_size: int, hidden_size: int) -> tuple[tuple, tuple]:
    """Arguments of rnn_cell_step_backward and autograd's (dx_t, dh_prev, dWx, dWh, db)."""
    case = make_case(rng, input_size, hidden_size, timesteps=1)
    return step_of(case, 0), step_gradients(case)


def step_gradients(case: Case) -> tuple:
    """autograd's (dx_t, dh_prev, dWx, dWh, db) of a one-step case."""
    return tuple(g[0] if i == 0 else g for i, g in enumerate(case.expected))


# ---------------------------------------------------------------- what a wrong result matches

def _step(dh, x_t, h_prev, h_t, Wx, Wh, *, derivative_at=None, transposed=True) -> tuple:
    dz = dh if derivative_at is False else dh * (1 - (h_t if derivative_at is None else derivative_at) ** 2)
    # the untransposed product fits Wx only when it is square (else it raises, not a mistake to model)
    W = (lambda M: M.T) if transposed else (lambda M: M if M.shape[0] == M.shape[1] else M.T)
    return W(Wx) @ dz, W(Wh) @ dz, np.outer(dz, x_t), np.outer(dz, h_prev), dz


def step_mistakes(dh, x_t, h_prev, h_t, Wx, Wh) -> list[tuple[str, tuple]]:
    """Classic mistakes in one step's gradients, each with what it computes."""
    args = (dh, x_t, h_prev, h_t, Wx, Wh)
    return [("this is what you get without tanh's derivative: dz = dh * (1 - h_t**2), not dz = dh",
             _step(*args, derivative_at=False)),
            ("this is tanh's derivative taken at h_prev: it is 1 - h_t**2 (h_t = tanh(z_t)), not 1 - h_prev**2",
             _step(*args, derivative_at=h_prev)),
            ("this is the gradient with Wx @ dz or Wh @ dz: going back through a product takes the transpose, "
             "Wx.T @ dz and Wh.T @ dz", _step(*args, transposed=False))]


def _bptt(dstates, inputs, states, Wx, Wh, h0, *, derivative="h_t", carry=True, accumulate=True,
          backwards=True, previous="h_{t-1}", transposed=True, dh0="out of the first step") -> tuple:
    """BPTT with one mistake switched on (the trusted side's model of wrong answers)."""
    T, hidden = states.shape
    h0 = np.zeros(hidden) if h0 is None else h0
    dinputs, dh_carry = np.zeros(inputs.shape), np.zeros(hidden)
    sums = [np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(hidden)]
    for t in (reversed(range(T)) if backwards else range(T)):
        h_prev = {"h_{t-1}": states[t - 1] if t > 0 else h0, "h_t": states[t] if t > 0 else h0,
                  "states[-1] at t=1": states[t - 1],
                  "zeros at t=1": states[t - 1] if t > 0 else np.zeros(hidden)}[previous]
        at = {"h_t": None, "none": False, "h_prev": h_prev}[derivative]
        dh = dstates[t] + (dh_carry if carry else 0)
        dx, dh_carry, *weights = _step(dh, inputs[t], h_prev, states[t], Wx, Wh, derivative_at=at,
                                       transposed=transposed)
        dinputs[t] = dx
        sums = [s + w for s, w in zip(sums, weights)] if accumulate else weights
    return (dinputs, dh_carry if dh0 == "out of the first step" else dh, *sums)


def sequence_mistakes(case: Case) -> list[tuple[str, tuple]]:
    args = (*case.args(), case.h0)
    return [(why, _bptt(*args, **mistake)) for why, mistake in [
        ("this is what you get without tanh's derivative: dz = dh * (1 - h_t**2), not dz = dh",
         {"derivative": "none"}),
        ("this is tanh's derivative taken at h_prev: it is 1 - h_t**2 with h_t = states[t]",
         {"derivative": "h_prev"}),
        ("this is what you get when dL/dh_t misses the gradient from the later steps: "
         "dh = dstates[t] + (dh_prev of step t+1)", {"carry": False}),
        ("this is the first step's gradient alone: the same weights are used at every step, so add each "
         "step's dWx, dWh, db (dWh += ...), do not overwrite them", {"accumulate": False}),
        ("this is the time loop run forwards: BPTT goes from the last step back to the first "
         "(for t in reversed(range(T)))", {"backwards": False}),
        ("this uses h_t (states[t]) as the previous state: the previous state of step t is states[t-1], "
         "and h0 for the first step", {"previous": "h_t"}),
        ("this ignores h0 at the first step: its previous state is h0 (zeros only when h0 is None)",
         {"previous": "zeros at t=1"}),
        ("this takes states[t - 1] at the first step too: states[-1] is the LAST state; the previous state "
         "of the first step is h0", {"previous": "states[-1] at t=1"}),
        ("this is the gradient with Wx @ dz or Wh @ dz: going back through a product takes the transpose, "
         "Wx.T @ dz and Wh.T @ dz", {"transposed": False}),
        ("this is dL/dh_1, the gradient going into the first step: dh0 is what comes out of it, its dh_prev",
         {"dh0": "into the first step"})]]


# ---------------------------------------------------------------- checks

def gradients(value, names: tuple, shapes: tuple, what: str) -> tuple[np.ndarray, ...]:
    """The five gradients a call returned, each an array of its shape."""
    return tuple(array(v, f"{name} from {what}", shape)
                 for name, v, shape in zip(names, unpack(value, len(names), what), shapes))


def close_or_hint(got: np.ndarray, expected: np.ndarray, what: str, hints, rows: str = "") -> None:
    """close(), and when it fails, the mistake whose result the wrong answer equals.

    hints: a function giving [(why, the value that mistake computes), ...], called only on failure."""
    try:
        close(got, expected, what, rows=rows)
    except pytest.fail.Exception as failure:
        cause = next((why for why, wrong in hints() if np.shape(wrong) == got.shape
                      and np.allclose(got, wrong, atol=config.FLOAT64_ATOL, rtol=config.FLOAT64_RTOL)), None)
        fail(_with_cause(failure.msg, cause))


def _with_cause(message: str, cause: str | None) -> str:
    """The cause right after the first line: expected and got of a matrix can be long."""
    first, _, rest = message.partition("\n")
    return f"{first}:\n  {cause}\n{rest}" if cause else message


def check_step(student, what: str, args: tuple, expected: tuple, **kwargs) -> tuple[np.ndarray, ...]:
    """rnn_cell_step_backward called with args (or keywords), checked against autograd."""
    got = gradients(student.call("rnn_cell_step_backward", *args, **kwargs), STEP_NAMES,
                    [e.shape for e in expected], what)
    step_args = args or tuple(kwargs[n] for n in ("dh", "x_t", "h_prev", "h_t", "Wx", "Wh"))
    for i, (name, g, e) in enumerate(zip(STEP_NAMES, got, expected)):
        close_or_hint(g, e, f"{name} from {what}",
                      lambda i=i: [(why, wrong[i]) for why, wrong in step_mistakes(*step_args)])
    return got


def check_sequence(student, what: str, case: Case, value) -> tuple[np.ndarray, ...]:
    """What a call of rnn_backward on the case returned, checked against autograd."""
    got = gradients(value, SEQUENCE_NAMES, [e.shape for e in case.expected], what)
    for i, (name, g, e) in enumerate(zip(SEQUENCE_NAMES, got, case.expected)):
        close_or_hint(g, e, f"{name} from {what}",
                      lambda i=i: [(why, wrong[i]) for why, wrong in sequence_mistakes(case)],
                      rows="time step" if name == "dinputs" else "")
    return got


def unchanged(function: str, names: tuple, before: tuple, after: list) -> None:
    for name, old, now in zip(names, before, after):
        if not isinstance(now, np.ndarray) or now.shape != old.shape or not np.array_equal(now, old):
            fail(f"{function} changed its argument {name}: compute into new arrays (dz = dh * (1 - h_t**2), "
                 f"dh = dstates[t] + dh_next) instead of updating an argument or a view of one in place "
                 f"(dh *= ..., dh = dstates[t]; dh += ...)")


# ---------------------------------------------------------------- functions made in the sandbox

class Sandboxed:
    """Trusted expressions compiled inside the submission's process by the builtin eval (reached through
    its namespace's __builtins__): the functions numerical_gradient differentiates, and arrays kept there."""

    _evals: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # one eval handle per sandbox

    def __init__(self, student):
        self.student = student
        self._eval, made_by = self._evals.get(student, (None, []))
        if self._eval is not None and not student.holds(self._eval):
            self._eval = None  # the process was restarted since: its objects are gone
        if self._eval is None:
            first = len(student.calls)
            builtins = student.keep("__builtins__", "__builtins__", getattr=True)
            if builtins.type_name == "module":
                self._eval = student.keep("eval", builtins, "eval", getattr=True)
            else:
                self._eval = student.keep("eval", builtins, "get", "eval")
            self._evals[student] = self._eval, student.calls[first:]
        else:
            student.used_again(made_by)  # an earlier test made it: the feedback's replays need it too

    def kept(self, source: str) -> wire.Handle:
        return self.student.keep("the grader's function f", self._eval, None, source, {})

    def function(self, source: str) -> wire.Handle:
        """`source`, a lambda of one array, as an argument f of numerical_gradient."""
        return self.student.argument(self.kept(source))

    def array(self, x: np.ndarray) -> wire.Handle:
        """A copy of x that stays in the sandbox (to see what a call that raised left in it)."""
        copy = self.kept("lambda a: a.copy()")
        return self.student.keep("the grader's array x", copy, None, x)

    def transposed_view(self, x: np.ndarray) -> wire.Handle:
        """x as a transposed view that stays in the sandbox: its values, not C-contiguous (arrays
        crossing the sandbox arrive contiguous), so x.reshape(-1) or x.ravel() is a copy of it."""
        view = self.kept("lambda a: __import__('numpy').ascontiguousarray(a.T).T")
        return self.student.keep("the grader's array x (a transposed view)", view, None, x)


def literal(a: np.ndarray) -> str:
    """Python source for the float64 array a (repr of a float reads back exactly)."""
    return f"__import__('numpy').array({a.tolist()!r}, dtype='float64')"


def numerical(f, x: np.ndarray, eps: float) -> np.ndarray:
    return reference.numerical_gradient(f, x.copy(), eps)


def one_sided(f, x: np.ndarray, eps: float) -> list[tuple[str, np.ndarray]]:
    """What the forward and backward differences give, for hints."""
    def difference(sign: int) -> np.ndarray:
        grad = np.zeros(x.shape)
        for i in np.ndindex(x.shape):
            moved = x.copy()
            moved[i] += sign * eps
            grad[i] = sign * (f(moved) - f(x)) / eps
        return grad
    return [("this is the one-sided difference (f(x + eps) - f(x)) / eps, off by O(eps): use the central "
             "difference (f(x + eps) - f(x - eps)) / (2 * eps)", difference(1)),
            ("this is the one-sided difference (f(x) - f(x - eps)) / eps, off by O(eps): use the central "
             "difference (f(x + eps) - f(x - eps)) / (2 * eps)", difference(-1))]


def check_numerical(got, expected: np.ndarray, what: str, hints=()) -> np.ndarray:
    got = array(got, what, expected.shape)
    if not np.allclose(got, expected, atol=GRADIENT_ATOL, rtol=GRADIENT_RTOL):
        try:
            close(got, expected, what, atol=GRADIENT_ATOL, rtol=GRADIENT_RTOL)
        except pytest.fail.Exception as failure:
            cause = next((why for why, wrong in hints if np.allclose(got, wrong, atol=1e-9, rtol=1e-9)), None)
            fail(_with_cause(failure.msg, cause))
    return got


def quadratic(rng: np.random.Generator) -> tuple[np.ndarray, str, callable, np.ndarray]:
    """x, f(x) = sum(c * x**2) as source and as a trusted function, and its gradient 2 c x."""
    x, c = rng.normal(0, 1, 5), rng.uniform(0.5, 2.0, 5)
    return x, f"lambda x: float(({literal(c)} * x ** 2).sum())", lambda v: float((c * v ** 2).sum()), 2 * c * x


# ---------------------------------------------------------------- numerical_gradient

@points(2)
def test_numerical_gradient_known_gradients(student, rng):
    """numerical_gradient(f, x) is the gradient of a scalar f (vector, matrix, 3-D x, a view), float64 of x's shape"""
    functions = Sandboxed(student)
    x, source, trusted, gradient = quadratic(rng)
    X, A = rng.normal(0, 1, (3, 4)), rng.normal(0, 1, (3, 4))
    softmax_at = rng.normal(0, 1, 6)
    # small entries: the cubic's central difference is off by c * eps**2, over the tolerance for eps = 1e-3
    cube_at, C = rng.uniform(-0.5, 0.5, (2, 3, 4)), rng.uniform(0.5, 2.0, (2, 3, 4))
    cases = [("f(x) = sum(c * x**2) of a vector x", source, trusted, x, gradient),
             ("f(X) = sum(A * sin(X)) of a (3, 4) matrix X",
              f"lambda X: float(({literal(A)} * __import__('numpy').sin(X)).sum())",
              lambda v: float((A * np.sin(v)).sum()), X, A * np.cos(X)),
             ("f(x) = log(sum(exp(x)))", "lambda x: float(__import__('numpy').log(__import__('numpy').exp(x).sum()))",
              lambda v: float(np.log(np.exp(v).sum())), softmax_at, np.exp(softmax_at) / np.exp(softmax_at).sum()),
             ("f(x) = sum(c * x**3) of a (2, 3, 4) array x (every index: np.ndindex(x.shape)), at the default eps",
              f"lambda x: float(({literal(C)} * x ** 3).sum())", lambda v: float((C * v ** 3).sum()), cube_at,
              3 * C * cube_at ** 2)]
    view_at, B = rng.normal(0, 1, (3, 4)), rng.normal(0, 1, (3, 4))
    cases.append(("f(X) = sum(B * sin(X)) of a (3, 4) matrix X that is a transposed view, not contiguous (its "
                  "X.reshape(-1) or X.ravel() is a copy: moving an entry of the copy does not move X)",
                  f"lambda X: float(({literal(B)} * __import__('numpy').sin(X)).sum())",
                  lambda v: float((B * np.sin(v)).sum()), view_at, B * np.cos(view_at)))
    for label, source, f, point, expected in cases:
        what = f"numerical_gradient(f, x) for {label}"
        wrong_eps = [(f"this is the central difference with eps = {eps:g}: the default is eps=1e-5",
                      numerical(f, point, eps)) for eps in (1e-2, 1e-3)]
        sent = student.argument(functions.transposed_view(point)) if point is view_at else point
        got = check_numerical(student.call("numerical_gradient", functions.function(source), sent), expected, what,
                              one_sided(f, point, 1e-5) + wrong_eps)
        array(got, what, expected.shape, np.float64)


@points(1)
def test_numerical_gradient_central_differences(student, rng):
    """numerical_gradient takes central differences (f(x + eps) - f(x - eps)) / (2 eps) with the eps it is given"""
    functions = Sandboxed(student)
    x, c = rng.normal(0, 1, (2, 3)), rng.uniform(0.5, 2.0, (2, 3))
    f = functions.function(f"lambda x: float(({literal(c)} * x ** 3).sum())")
    trusted = lambda v: float((c * v ** 3).sum())  # its central difference is c (3 x**2 + eps**2), exactly
    for eps, what, args, kwargs in [
            (0.1, "numerical_gradient(f, x, 0.1) (eps as the third argument)", (f, x, 0.1), {}),
            (0.05, "numerical_gradient(f, x, eps=0.05)", (f, x), {"eps": 0.05}),
            (0.02, "numerical_gradient(f=f, x=x, eps=0.02) (every argument by keyword)", (),
             {"f": f, "x": x, "eps": 0.02})]:
        check_numerical(student.call("numerical_gradient", *args, **kwargs), numerical(trusted, x, eps),
                        f"{what} for f(x) = sum(c * x**3)", one_sided(trusted, x, eps))


@points(1)
def test_numerical_gradient_leaves_x_unchanged(student, rng):
    """numerical_gradient returns the right gradient and leaves x exactly as it was (every bit)"""
    functions = Sandboxed(student)
    x = rng.normal(0, 1, (3, 4))
    c = rng.uniform(0.5, 2.0, (3, 4))
    f = functions.function(f"lambda x: float(({literal(c)} * x ** 2).sum())")
    got, after = student.call_returning_args("numerical_gradient", f, x.copy())
    check_numerical(got, 2 * c * x, "numerical_gradient(f, x) for f(x) = sum(c * x**2)")
    check_x_unchanged(after[1] if len(after) > 1 else None, x, "",
                      "save each entry before moving it (saved = x[i]) and put it back (x[i] = saved), or work "
                      "on a copy of x")
    view = functions.transposed_view(x)
    check_numerical(student.call("numerical_gradient", f, student.argument(view)), 2 * c * x,
                    "numerical_gradient(f, x) for f(x) = sum(c * x**2) of an x that is a transposed view, not "
                    "contiguous (its x.reshape(-1) or x.ravel() is a copy: moving an entry of the copy does not "
                    "move x)")
    check_x_unchanged(student.value(view), x, " when x is a transposed view (not contiguous)",
                      "put each entry back into x itself (x[i] = saved), not into x.reshape(-1) or x.ravel(), "
                      "which are copies of such an x")


def check_x_unchanged(now, x: np.ndarray, when: str, hint: str) -> None:
    """The x numerical_gradient was given, after the call: every bit as it was."""
    if not isinstance(now, np.ndarray) or now.shape != x.shape:
        fail(f"after numerical_gradient the x passed in is {kind(now)}, not the array of shape {x.shape} it was")
    if not np.array_equal(now, x):
        where = tuple(int(i) for i in np.argwhere(now != x)[0])
        fail(f"numerical_gradient left x changed{when}: x{list(where)} was {float(x[where])!r} and is "
             f"{float(now[where])!r} after the call: {hint}")


@points(1)
def test_numerical_gradient_restores_x_when_f_raises(student, rng):
    """numerical_gradient puts x back even when f raises while an entry of x is moved (try/finally)"""
    functions = Sandboxed(student)
    x = rng.normal(0, 1, 4)
    f = functions.function("lambda x: float((x ** 2).sum())")
    kept = functions.array(x)
    check_numerical(student.call("numerical_gradient", f, student.argument(kept)), 2 * x,
                    "numerical_gradient(f, x) for f(x) = sum(x**2)")
    bound = repr(float(x[1]))
    raising = functions.function(f"lambda x: float((x ** 2).sum()) if x[1] == {bound} else "
                                 "(_ for _ in ()).throw(ValueError('f cannot be evaluated there'))")
    # f raises wherever x[1] moves (so at x[1] + eps), then only where x[1] moves down (at x[1] - eps)
    minus_only = functions.function(f"lambda x: float((x ** 2).sum()) if x[1] >= {bound} else "
                                    "(_ for _ in ()).throw(ValueError('f cannot be evaluated there'))")
    for f_raising, when, side in ((raising, "x[1] moved", "f(x + eps) and f(x - eps)"),
                                  (minus_only, "x[1] moved down (x[1] - eps)", "f(x - eps) too")):
        try:
            student.call("numerical_gradient", f_raising, student.argument(kept))
        except Exception:  # the error of f may come through: what counts is x afterwards
            pass
        now = student.value(kept)
        if not isinstance(now, np.ndarray) or now.shape != x.shape:
            fail(f"after numerical_gradient the x passed in is {kind(now)}, not the array of shape {x.shape} it was")
        if not np.array_equal(now, x):
            fail(f"f raised an error when {when}, and numerical_gradient left x changed: expected {x}, got {now}. "
                 f"Put the entry back in a finally: block around both evaluations, {side} (try: ... "
                 f"finally: x[i] = saved), or work on a copy of x")


# ---------------------------------------------------------------- rnn_cell_step_backward

@points(2)
def test_rnn_cell_step_backward_matches_autograd(student, rng):
    """rnn_cell_step_backward returns dx_t, dh_prev, dWx, dWh, db equal to torch autograd's"""
    for input_size, hidden_size in SIZES:
        args, expected = one_step(rng, input_size, hidden_size)
        check_step(student, f"rnn_cell_step_backward with input_size={input_size}, hidden_size={hidden_size}",
                   args, expected)


@points(1)
def test_rnn_cell_step_backward_shapes_and_dtype(student, rng):
    """rnn_cell_step_backward returns 5 float64 arrays shaped like x_t, h_prev, Wx, Wh and b"""
    args, expected = one_step(rng, 3, 5)
    what = "rnn_cell_step_backward with input_size=3, hidden_size=5"
    for name, g, e in zip(STEP_NAMES, unpack(student.call("rnn_cell_step_backward", *args), 5, what), expected):
        array(g, f"{name} from {what}", e.shape, np.float64)


@points(1)
def test_rnn_cell_step_backward_by_keyword(student, rng):
    """rnn_cell_step_backward(dh=..., x_t=..., h_prev=..., h_t=..., Wx=..., Wh=...) gives the right gradients"""
    args, expected = one_step(rng, 4, 3)
    kwargs = dict(zip(("dh", "x_t", "h_prev", "h_t", "Wx", "Wh"), args))
    check_step(student, "rnn_cell_step_backward with every argument by keyword", (), expected, **kwargs)


@points(1)
def test_rnn_cell_step_backward_leaves_arguments_unchanged(student, rng):
    """rnn_cell_step_backward returns the right gradients and leaves dh, x_t, h_prev, h_t, Wx, Wh unchanged"""
    args, expected = one_step(rng, 3, 5)
    value, after = student.call_returning_args("rnn_cell_step_backward", *args)
    gradients(value, STEP_NAMES, [e.shape for e in expected], "rnn_cell_step_backward")
    for name, g, e in zip(STEP_NAMES, value, expected):
        close(g, e, f"{name} from rnn_cell_step_backward with all its arguments given")
    unchanged("rnn_cell_step_backward", ("dh", "x_t", "h_prev", "h_t", "Wx", "Wh"), args, after)


# ---------------------------------------------------------------- rnn_backward

@points(3)
def test_rnn_backward_matches_autograd(student, rng):
    """rnn_backward returns dinputs, dh0, dWx, dWh, db equal to torch autograd's over a whole sequence"""
    for input_size, hidden_size, steps in [(*size, TIMESTEPS) for size in SIZES] + [(2, 10, LONG_TIMESTEPS)]:
        case = make_case(rng, input_size, hidden_size, timesteps=steps, with_h0=False)
        check_sequence(student, f"rnn_backward on {steps} steps, input_size={input_size}, hidden_size={hidden_size} "
                       f"(h0 not given{'; the gradient goes back through every step' if steps > TIMESTEPS else ''})",
                       case, student.call("rnn_backward", *case.args()))


@points(1)
def test_rnn_backward_shapes_and_dtype(student, rng):
    """rnn_backward returns 5 float64 arrays shaped like inputs, h0, Wx, Wh and b"""
    case = make_case(rng, 3, 5, with_h0=False)
    what = f"rnn_backward on {TIMESTEPS} steps with input_size=3, hidden_size=5"
    for name, g, e in zip(SEQUENCE_NAMES, unpack(student.call("rnn_backward", *case.args()), 5, what), case.expected):
        array(g, f"{name} from {what}", e.shape, np.float64)


@points(1)
def test_rnn_backward_uses_h0(student, rng):
    """rnn_backward with a given h0 (as the sixth argument or by keyword) uses it at the first step"""
    case = make_case(rng, 3, 5)
    check_sequence(student, "rnn_backward(dstates, inputs, states, Wx, Wh, h0)", case,
                   student.call("rnn_backward", *case.args(), case.h0))
    check_sequence(student, "rnn_backward(..., h0=h0)", case, student.call("rnn_backward", *case.args(), h0=case.h0))


@points(1)
def test_rnn_backward_default_h0_is_zeros(student, rng):
    """without h0 (or with h0=None) rnn_backward takes zeros as the state before the first step"""
    case = make_case(rng, 4, 3, with_h0=False)
    for what, args, kwargs in [("rnn_backward without h0", (), {}), ("rnn_backward(..., h0=None)", (), {"h0": None}),
                               ("rnn_backward(dstates, inputs, states, Wx, Wh, None)", (None,), {})]:
        check_sequence(student, what, case, student.call("rnn_backward", *case.args(), *args, **kwargs))


@points(1)
def test_rnn_backward_single_timestep(student, rng):
    """rnn_backward on one time step (T = 1), from zeros and from a given h0"""
    for with_h0 in (False, True):
        case = make_case(rng, 3, 5, timesteps=1, with_h0=with_h0)
        extra = (case.h0,) if with_h0 else ()
        check_sequence(student, f"rnn_backward on a single time step {'with' if with_h0 else 'without'} h0", case,
                       student.call("rnn_backward", *case.args(), *extra))


@points(1)
def test_rnn_backward_loss_at_last_step_only(student, rng):
    """with dstates nonzero only at the last step, the gradient flows back through Wh to every earlier step"""
    for input_size, hidden_size in ((3, 5), (4, 4)):
        case = make_case(rng, input_size, hidden_size, last_only=True)
        check_sequence(student, f"rnn_backward with the loss at the last step only (dstates[:-1] = 0), "
                       f"input_size={input_size}, hidden_size={hidden_size}", case,
                       student.call("rnn_backward", *case.args(), case.h0))


@points(1)
def test_rnn_backward_by_keyword(student, rng):
    """rnn_backward(dstates=..., inputs=..., states=..., Wx=..., Wh=..., h0=...) gives the right gradients"""
    case = make_case(rng, 3, 5)
    kwargs = dict(zip(("dstates", "inputs", "states", "Wx", "Wh"), case.args()), h0=case.h0)
    check_sequence(student, "rnn_backward with every argument by keyword", case,
                   student.call("rnn_backward", **kwargs))


@points(1)
def test_rnn_backward_leaves_arguments_unchanged(student, rng):
    """rnn_backward returns the right gradients and leaves dstates, inputs, states, Wx, Wh and h0 unchanged"""
    case = make_case(rng, 3, 5)
    args = (*case.args(), case.h0)
    value, after = student.call_returning_args("rnn_backward", *args)
    check_sequence(student, "rnn_backward with all its arguments given", case, value)
    unchanged("rnn_backward", ("dstates", "inputs", "states", "Wx", "Wh", "h0"), args, after)


# ---------------------------------------------------------------- no state between calls

@points(1)
def test_bptt_results_do_not_depend_on_other_calls(student, rng):
    """the three functions keep no state: results stay as returned and do not depend on earlier calls"""
    functions = Sandboxed(student)
    case = make_case(rng, 3, 5)
    step_case = make_case(rng, 3, 5, timesteps=1)
    step_args, step_expected = step_of(step_case, 0), step_gradients(step_case)
    x, source, _, gradient = quadratic(rng)
    kept = student.new("rnn_backward", *case.args(), case.h0)           # they stay in the sandbox
    kept_step = student.new("rnn_cell_step_backward", *step_args)
    kept_gradient = student.new("numerical_gradient", functions.function(source), x)
    check_sequence(student, "rnn_backward on a first sequence", case, student.value(kept))
    for input_size, hidden_size, steps in ((3, 5, TIMESTEPS), (4, 2, 3)):
        other = make_case(rng, input_size, hidden_size, timesteps=steps)
        check_sequence(student, f"rnn_backward on another sequence (input_size={input_size}, hidden_size="
                       f"{hidden_size}, {steps} steps) after a first one: a result must not depend on earlier "
                       "calls (a cache, a buffer or a gradient kept between calls)", other,
                       student.call("rnn_backward", *other.args(), other.h0))
        other_step, other_expected = one_step(rng, input_size, hidden_size)
        check_step(student, "rnn_cell_step_backward on other values after a first call", other_step, other_expected)
        other_x, other_source, _, other_gradient = quadratic(rng)
        check_numerical(student.call("numerical_gradient", functions.function(other_source), other_x),
                        other_gradient, "numerical_gradient of another function after a first one")
    for what, handle, names, expected in [("rnn_backward", kept, SEQUENCE_NAMES, case.expected),
                                          ("rnn_cell_step_backward", kept_step, STEP_NAMES, step_expected)]:
        again = gradients(student.value(handle), names, [e.shape for e in expected], f"the first result of {what}")
        for name, g, e in zip(names, again, expected):
            if not np.allclose(g, e, atol=config.FLOAT64_ATOL, rtol=config.FLOAT64_RTOL):
                fail(f"the {name} that {what} returned first changed when it was called again: return new arrays "
                     "each call (np.zeros(...) inside the function), not buffers kept between calls")
    check_numerical(student.value(kept_gradient), gradient,
                    "the first result of numerical_gradient, read again after other calls (return a new array "
                    "each call, not a buffer kept between calls)")
    check_sequence(student, "rnn_backward on the first sequence again, after other calls: a result must not depend "
                   "on earlier calls", case, student.call("rnn_backward", *case.args(), case.h0))
    # the same data with other weights (other f): a cache keyed on the data alone answers from the first call
    c = rng.uniform(0.5, 2.0, x.shape)
    other_f = functions.function(f"lambda x: float(({literal(c)} * x ** 2).sum())")
    check_numerical(student.call("numerical_gradient", other_f, x), 2 * c * x,
                    "numerical_gradient of another function f at the first x: the gradient depends on f too (a "
                    "cache keyed on x and eps alone returns the gradient of the first f)")
    other_step = same_states_other_weights(rng, step_case)
    check_step(student, "rnn_cell_step_backward on the first step (the same dh, x_t, h_prev and h_t) with other "
               "weights Wx, Wh: the gradients depend on the weights too (a cache keyed on the other arguments "
               "alone returns the gradients of the first weights)", step_of(other_step, 0),
               step_gradients(other_step))
    other = same_states_other_weights(rng, case)
    check_sequence(student, "rnn_backward on the first sequence (the same dstates, inputs, states and h0) with "
                   "other weights Wx, Wh that give these same states: the gradients depend on the weights too (a "
                   "cache keyed on the sequence alone returns the gradients of the first weights)", other,
                   student.call("rnn_backward", *other.args(), other.h0))
