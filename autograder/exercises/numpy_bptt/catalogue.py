"""Realistic bugs of numpy_bptt: each is the reference with ONE edit a student could make.

See autograder/exercises/__init__.py (Bug) for what an entry is; `autograder audit` runs them.
"""
from autograder.exercises import Bug

# The reference's central difference, from the first move of x to the quotient.
CENTRAL = (
    "        try:\n            x[index] = saved + eps\n            f_plus = f(x)\n"
    "            x[index] = saved - eps\n            f_minus = f(x)\n        finally:\n"
    "            x[index] = saved  # put x back exactly, even when f raises\n"
    "        # (f(x + eps) - f(x - eps)) / 2eps is off by O(eps**2); a one-sided difference by O(eps)\n"
    "        grad[index] = (f_plus - f_minus) / (2 * eps)"
)

AUTOGRAD = "test_rnn_backward_matches_autograd"
STEP = "test_rnn_cell_step_backward_matches_autograd"

BUGS = [
    # --- the step through tanh
    Bug("no_tanh_derivative", "dz = dh * (1 - h_t ** 2)", "dz = dh", (STEP, AUTOGRAD),
        "forgets tanh's derivative: goes from dL/dh_t straight to the weights"),
    Bug("tanh_derivative_at_h_prev", "dz = dh * (1 - h_t ** 2)", "dz = dh * (1 - h_prev ** 2)", (STEP, AUTOGRAD),
        "takes tanh's derivative at the previous state instead of at this step's output"),
    Bug("tanh_derivative_not_squared", "dz = dh * (1 - h_t ** 2)", "dz = dh * (1 - h_t)", (STEP, AUTOGRAD),
        "writes tanh' as 1 - h instead of 1 - h**2"),
    Bug("tanh_derivative_of_h_not_z", "dz = dh * (1 - h_t ** 2)", "dz = dh * (1 - np.tanh(h_t) ** 2)",
        (STEP, AUTOGRAD), "applies tanh' to h_t = tanh(z_t) as if h_t were z_t: tanh is taken twice"),
    Bug("dx_not_transposed", "dx_t = Wx.T @ dz", "dx_t = (Wx @ dz if Wx.shape[0] == Wx.shape[1] else Wx.T @ dz)",
        (STEP, AUTOGRAD), "Wx @ dz where the sizes allow it: only square sizes reveal it, by value"),
    Bug("dh_prev_not_transposed", "dh_prev = Wh.T @ dz", "dh_prev = Wh @ dz",
        (STEP, AUTOGRAD, "test_rnn_backward_loss_at_last_step_only"),
        "goes back through Wh without transposing it (Wh is square: no error, wrong numbers)"),
    Bug("dWx_transposed", "dWx = np.outer(dz, x_t)", "dWx = np.outer(x_t, dz)",
        (STEP, "test_rnn_cell_step_backward_shapes_and_dtype"), "dWx of shape (input, hidden)"),
    Bug("dWh_from_h_t", "dWh = np.outer(dz, h_prev)", "dWh = np.outer(dz, h_t)", (STEP, AUTOGRAD),
        "multiplies dz by the step's output instead of its input state h_prev"),
    # --- through time
    Bug("dWh_overwritten", "dWh += dWh_t", "dWh = dWh_t", (AUTOGRAD,),
        "overwrites dWh at every step: only the first step's gradient is left"),
    Bug("dWx_overwritten", "dWx += dWx_t", "dWx = dWx_t", (AUTOGRAD,), "overwrites dWx instead of adding up"),
    Bug("db_not_summed_over_time", "db += db_t", "db = db_t", (AUTOGRAD,), "keeps the first step's db only"),
    Bug("later_gradient_not_added", "dh = dstates[t] + dh_next", "dh = dstates[t]",
        (AUTOGRAD, "test_rnn_backward_loss_at_last_step_only"),
        "drops the gradient that flows back from the later steps: each step sees only its own loss"),
    Bug("truncated_every_20_steps", "dh = dstates[t] + dh_next", "dh = dstates[t] + (dh_next if (t + 1) % 20 else 0)",
        (AUTOGRAD,), "truncated BPTT: drops the carried gradient every 20 steps, so the loss beyond reaches no "
        "earlier step (right on sequences of up to 20 steps)"),
    Bug("time_loop_forwards", "for t in reversed(range(T)):", "for t in range(T):",
        (AUTOGRAD, "test_rnn_backward_loss_at_last_step_only"),
        "runs the backward loop from the first step: the carried gradient goes the wrong way"),
    Bug("h_prev_off_by_one", "h_prev = states[t - 1] if t > 0 else h0", "h_prev = states[t] if t > 0 else h0",
        (AUTOGRAD,), "takes states[t] (this step's output) as the previous state"),
    Bug("h0_ignored_at_first_step", "h_prev = states[t - 1] if t > 0 else h0", "h_prev = states[t - 1]",
        (AUTOGRAD, "test_rnn_backward_uses_h0"),
        "states[t - 1] at t = 0 is states[-1], the LAST state, not h0"),
    Bug("h0_always_zeros", "h0 = np.zeros(hidden) if h0 is None else h0", "h0 = np.zeros(hidden)",
        ("test_rnn_backward_uses_h0",), "ignores the h0 it is given"),
    Bug("backward_h0_keyword_only", "def rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):",
        "def rnn_backward(dstates, inputs, states, Wx, Wh, *, h0=None):",
        ("test_rnn_backward_uses_h0", "test_rnn_backward_default_h0_is_zeros"),
        "h0 is keyword-only: rnn_backward(dstates, inputs, states, Wx, Wh, h0) raises TypeError"),
    Bug("backward_h0_truthiness", "h0 = np.zeros(hidden) if h0 is None else h0", "h0 = h0 if h0 else np.zeros(hidden)",
        ("test_rnn_backward_uses_h0",), "`if h0` on an array raises 'truth value ... is ambiguous'"),
    Bug("returns_dh1_not_dh0", "return dinputs, dh_next, dWx, dWh, db", "return dinputs, dh, dWx, dWh, db",
        (AUTOGRAD,), "returns dL/dh_1 (the first step's incoming gradient) instead of dL/dh0"),
    Bug("dinputs_buffer_kept_on_the_function", "dinputs = np.zeros(inputs.shape)",
        "dinputs = rnn_backward.__dict__.setdefault(inputs.shape, np.zeros(inputs.shape))  # allocate once",
        ("test_bptt_results_do_not_depend_on_other_calls",),
        "reuses one dinputs array per shape: the next call overwrites an earlier result"),
    Bug("backward_memo_ignores_weights",
        "def rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):\n",
        "_MEMO = {}\n\n\ndef rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):\n"
        "    key = tuple(None if a is None else a.tobytes() for a in (dstates, inputs, states, h0))  # no weights\n"
        "    if key not in _MEMO:\n        _MEMO[key] = _rnn_backward(dstates, inputs, states, Wx, Wh, h0)\n"
        "    return tuple(g.copy() for g in _MEMO[key])\n\n\n"
        "def _rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):\n",
        ("test_bptt_results_do_not_depend_on_other_calls",),
        "memoises rnn_backward on dstates, inputs, states and h0 only: other weights giving the same states "
        "get the first weights' gradients",
        says="rnn_backward caches its gradients by dstates, inputs, states and h0 only: the same sequence with "
             "other weights gets the gradients of the first weights; the weights belong in the key (or keep no "
             "cache)"),
    Bug("numerical_gradient_memo_ignores_f", "def numerical_gradient(f, x, eps=1e-5):\n",
        "_GRADIENTS = {}\n\n\ndef numerical_gradient(f, x, eps=1e-5):\n"
        "    key = (x.shape, x.tobytes(), eps)  # forgets f\n"
        "    if key not in _GRADIENTS:\n        _GRADIENTS[key] = _numerical_gradient(f, x, eps)\n"
        "    return _GRADIENTS[key].copy()\n\n\n"
        "def _numerical_gradient(f, x, eps=1e-5):\n",
        ("test_bptt_results_do_not_depend_on_other_calls",),
        "memoises numerical_gradient on x and eps only: another f at the same x gets the first f's gradient",
        says="numerical_gradient caches its results by x and eps only: another function f at the same x gets "
             "the gradient of the first f; f belongs in the key (or keep no cache)"),
    Bug("step_gradients_squeezed", "    return dx_t, dh_prev, dWx, dWh, db\n",
        "    return dx_t.squeeze(), dh_prev.squeeze(), dWx, dWh, db.squeeze()\n",
        (STEP, AUTOGRAD),
        "squeeze() on the gradient vectors: dx_t is 0-d when input_size is 1, dh_prev and db when hidden_size is 1",
        says="squeeze() on dx_t, dh_prev or db makes them 0-d arrays when input_size or hidden_size is 1: keep "
             "the shapes (input_size,) and (hidden_size,)"),
    # --- arguments changed in place
    Bug("dh_scaled_in_place", "dz = dh * (1 - h_t ** 2)", "dh *= 1 - h_t ** 2\n    dz = dh",
        ("test_rnn_cell_step_backward_leaves_arguments_unchanged",),
        "multiplies the caller's dh in place: the gradients are right, dh is gone"),
    Bug("dstates_row_updated_in_place", "dh = dstates[t] + dh_next", "dh = dstates[t]\n        dh += dh_next",
        ("test_rnn_backward_leaves_arguments_unchanged",),
        "dstates[t] is a view: adding into it changes the caller's dstates"),
    # --- numerical_gradient
    Bug("one_sided_differences", CENTRAL,
        CENTRAL.replace("x[index] = saved - eps", "x[index] = saved").replace("/ (2 * eps)", "/ eps"),
        ("test_numerical_gradient_central_differences", "test_numerical_gradient_known_gradients"),
        "forward differences (f(x + eps) - f(x)) / eps: an error of O(eps) instead of O(eps**2)"),
    Bug("central_difference_not_halved", "/ (2 * eps)", "/ eps",
        ("test_numerical_gradient_known_gradients", "test_numerical_gradient_central_differences"),
        "divides the central difference by eps instead of 2 eps: every gradient twice too large"),
    Bug("eps_ignored", CENTRAL, CENTRAL.replace("eps", "1e-5"), ("test_numerical_gradient_central_differences",),
        "uses a hard-coded step of 1e-5 whatever eps it is given"),
    Bug("x_left_perturbed_when_f_raises", CENTRAL,
        "        x[index] = saved + eps\n        f_plus = f(x)\n        x[index] = saved - eps\n"
        "        f_minus = f(x)\n        x[index] = saved  # put x back (but only when f returned)\n"
        "        grad[index] = (f_plus - f_minus) / (2 * eps)",
        ("test_numerical_gradient_restores_x_when_f_raises",),
        "puts x back after f returns, not in a finally: block: when f raises, x stays moved"),
    Bug("x_not_put_back", "x[index] = saved  # put x back exactly, even when f raises", "pass",
        ("test_numerical_gradient_leaves_x_unchanged", "test_numerical_gradient_restores_x_when_f_raises"),
        "never puts the entry back: x is returned moved by -eps everywhere (the gradient itself is fine)"),
    Bug("x_restored_after_f_minus_outside_finally", CENTRAL,
        "        try:\n            x[index] = saved + eps\n            f_plus = f(x)\n        finally:\n"
        "            x[index] = saved  # put x back, even when f(x + eps) raises\n"
        "        x[index] = saved - eps\n        f_minus = f(x)\n        x[index] = saved\n"
        "        grad[index] = (f_plus - f_minus) / (2 * eps)",
        ("test_numerical_gradient_restores_x_when_f_raises",),
        "only f(x + eps) is inside try/finally: when f(x - eps) raises, x stays moved by -eps",
        says="only the f(x + eps) evaluation is inside try/finally: when f raises at x - eps, x is left moved; "
             "put both evaluations inside the try"),
    Bug("moves_a_flat_copy_of_x",
        "    grad = np.zeros(x.shape)\n    for index in np.ndindex(x.shape):\n        saved = x[index]\n" + CENTRAL
        + "\n    return grad",
        "    flat, grad = x.reshape(-1), np.zeros(x.size)  # flat: a view of x only when x is contiguous\n"
        "    for i in range(x.size):\n        saved = flat[i]\n        try:\n            flat[i] = saved + eps\n"
        "            f_plus = f(x)\n            flat[i] = saved - eps\n            f_minus = f(x)\n"
        "        finally:\n            flat[i] = saved\n        grad[i] = (f_plus - f_minus) / (2 * eps)\n"
        "    return grad.reshape(x.shape)",
        ("test_numerical_gradient_known_gradients", "test_numerical_gradient_leaves_x_unchanged"),
        "moves the entries of x.reshape(-1), a copy when x is not contiguous: f never sees them move, the "
        "gradient is all zeros",
        says="the entries are moved in x.reshape(-1), which is a copy (not a view) when x is not contiguous "
             "(e.g. a transposed array): f never sees x move; index x itself (for i in np.ndindex(x.shape))"),
    Bug("vectors_only", "for index in np.ndindex(x.shape):", "for index in range(len(x)):",
        ("test_numerical_gradient_known_gradients",),
        "loops over len(x): for a matrix x each 'entry' is a whole row"),
    Bug("vectors_and_matrices_only", "for index in np.ndindex(x.shape):",
        "for index in ([(i,) for i in range(x.shape[0])] if x.ndim == 1\n"
        "                  else [(i, j) for i in range(x.shape[0]) for j in range(x.shape[1])]):",
        ("test_numerical_gradient_known_gradients",),
        "builds the indices for 1-D and 2-D x only: for a 3-D x each (i, j) 'entry' is a whole row"),
    Bug("default_eps_too_large", "def numerical_gradient(f, x, eps=1e-5):", "def numerical_gradient(f, x, eps=1e-3):",
        ("test_numerical_gradient_known_gradients",),
        "a default step of 1e-3 instead of 1e-5: the central difference is off by O(eps**2) = 1e-6"),
]
