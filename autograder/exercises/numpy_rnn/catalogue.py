"""Realistic bugs of numpy_rnn: each is the reference with ONE edit a student could make.

See autograder/exercises/__init__.py (Bug) for what an entry is; `autograder audit` runs them.
"""
from autograder.exercises import Bug

# The reference's rnn_forward, whole: bugs that keep state between calls replace all of it.
FORWARD = (
    "def rnn_forward(inputs, Wx, Wh, b, h0=None):\n"
    '    """Run the cell over inputs (T, input_size); return h_1..h_T stacked as (T, hidden)."""\n'
    "    h = np.zeros(Wh.shape[0]) if h0 is None else h0\n    states = []\n    for x_t in inputs:\n"
    "        h = rnn_cell_step(x_t, h, Wx, Wh, b)\n        states.append(h)\n    return np.stack(states)"
)

BUGS = [
    Bug("transposed_Wh", "Wh @ h_prev", "Wh.T @ h_prev",
        ("test_rnn_cell_step_matches_formula", "test_rnn_forward_matches_recurrence"),
        "uses Wh.T: invisible with the tutorial's saturated weights, visible with ours",
        says="`Wh.T @ h_prev` instead of `Wh @ h_prev`: the recurrent weight is transposed (the tutorial's weights hide it, ours do not)"),
    Bug("x_times_Wx", "Wx @ x_t", "(x_t @ Wx if x_t.shape[0] == Wx.shape[0] else Wx @ x_t)",
        ("test_rnn_cell_step_matches_formula",),
        "x @ Wx where the sizes allow it: only square sizes reveal it, by value",
        says='`x_t @ Wx` instead of `Wx @ x_t`: with square sizes it runs, but multiplies by the transpose'),
    Bug("missing_bias", "Wh @ h_prev + b)", "Wh @ h_prev)",
        ("test_rnn_cell_step_matches_formula",), "forgets the bias",
        says='the bias b is left out of the cell: tanh(Wx @ x_t + Wh @ h_prev) without + b'),
    Bug("no_tanh", "np.tanh(Wx @ x_t + Wh @ h_prev + b)", "Wx @ x_t + Wh @ h_prev + b",
        ("test_rnn_cell_step_matches_formula",), "no non-linearity",
        says='the cell has no tanh: the new state is Wx @ x_t + Wh @ h_prev + b itself'),
    Bug("ignores_h0", "np.zeros(Wh.shape[0]) if h0 is None else h0", "np.zeros(Wh.shape[0])",
        ("test_rnn_forward_uses_h0",), "always starts from zeros",
        says='rnn_forward always starts from zeros, even when it is given an h0'),
    Bug("h0_default_ones", "np.zeros(Wh.shape[0]) if h0 is None", "np.ones(Wh.shape[0]) if h0 is None",
        ("test_rnn_forward_default_h0_is_zeros",), "starts from ones when h0 is missing",
        says='without h0, rnn_forward starts from ones instead of zeros'),
    Bug("includes_h0_in_states", "states = []", "states = [h]",
        ("test_rnn_forward_shape_and_dtype", "test_rnn_forward_matches_recurrence"),
        "returns h_0..h_T instead of h_1..h_T",
        says='the states include the starting state h_0 (h_0..h_T); return only h_1..h_T'),
    Bug("returns_last_state", "return np.stack(states)", "return h",
        ("test_rnn_forward_shape_and_dtype", "test_rnn_forward_matches_recurrence"),
        "returns only the last state",
        says='rnn_forward returns only the last state, not every state h_1..h_T stacked'),
    Bug("returns_list", "return np.stack(states)", "return states",
        ("test_rnn_forward_shape_and_dtype",), "returns a list of arrays",
        says='rnn_forward returns a Python list of states; stack them into one array (np.stack)'),
    Bug("float32_states", "return np.stack(states)", "return np.stack(states).astype(np.float32)",
        ("test_rnn_forward_shape_and_dtype",), "loses float64 precision",
        says='the states are converted to float32 (float64 is expected)'),
    Bug("squeezes_cell_state", "return np.tanh(Wx @ x_t + Wh @ h_prev + b)",
        "return np.tanh(Wx @ x_t + Wh @ h_prev + b).squeeze()",
        ("test_rnn_cell_step_matches_formula", "test_rnn_forward_matches_recurrence"),
        "squeeze() turns the state of a one-unit cell into a 0-d array",
        says="squeeze() on the new state makes it 0-d when hidden_size is 1: keep the shape (hidden_size,)"),
    Bug("squeezes_states", "return np.stack(states)", "return np.stack(states).squeeze()",
        ("test_rnn_forward_single_timestep",), "squeeze() drops the time axis when T = 1",
        says='squeeze() removes the time axis when there is one time step: keep the shape (1, hidden)'),
    Bug("updates_h_in_place", "h = np.zeros(Wh.shape[0]) if h0 is None else h0\n    states = []\n"
        "    for x_t in inputs:\n        h = rnn_cell_step(x_t, h, Wx, Wh, b)\n        states.append(h)",
        "h = np.zeros(Wh.shape[0]) if h0 is None else h0\n    states = []\n"
        "    for x_t in inputs:\n        h[:] = rnn_cell_step(x_t, h, Wx, Wh, b)\n        states.append(h.copy())",
        ("test_rnn_cell_step_and_rnn_forward_leave_arguments_unchanged",), "writes the new state into h0's memory",
        says="the new state is written into h0's memory (h[:] = ...), which changes the caller's h0"),
    Bug("ignores_seed", "np.random.default_rng(seed)", "np.random.default_rng()",
        ("test_init_rnn_params_seed",), "draws fresh random weights whatever the seed"),
    Bug("uniform_weights", "rng.normal(0.0, 0.3, size=(hidden_size, input_size))",
        "rng.uniform(0.0, 1.0, size=(hidden_size, input_size))", ("test_init_rnn_params_seed",),
        "the tutorial's uniform [0, 1) Wx: all positive, tanh saturates and hides bugs",
        says="Wx is drawn uniformly from [0, 1) (all positive, tanh saturates): draw it with rng.normal(0, 0.3, size)"),
    Bug("normal_loc_scale_swapped", "rng.normal(0.0, 0.3, size=(hidden_size, hidden_size))",
        "rng.normal(0.3, size=(hidden_size, hidden_size))", ("test_init_rnn_params_seed",),
        "rng.normal(0.3, size=...) sets the mean to 0.3 and keeps std 1: Wh is neither small nor centred",
        says="rng.normal(0.3, size=...) gives mean 0.3 and std 1: the scale is the second argument, "
             "rng.normal(0, 0.3, size)"),
    Bug("second_generator_same_seed", "Wh = rng.normal(0.0, 0.3, size=(hidden_size, hidden_size))",
        "Wh = np.random.default_rng(seed).normal(0.0, 0.3, size=(hidden_size, hidden_size))",
        ("test_init_rnn_params_seed",),
        "Wh comes from a second generator with the same seed: its values repeat Wx's",
        says="Wh is drawn from a new np.random.default_rng(seed): it repeats Wx's values; draw both from one rng"),
    Bug("random_bias", "b = np.zeros(hidden_size)", "b = rng.normal(0.0, 0.3, size=hidden_size)",
        ("test_init_rnn_params_shapes_and_dtype",), "draws b at random instead of starting it at zero",
        says="b is drawn at random; it should start at zero (np.zeros(hidden_size))"),
    Bug("swapped_Wx_shape", "size=(hidden_size, input_size)", "size=(input_size, hidden_size)",
        ("test_init_rnn_params_shapes_and_dtype",), "Wx of shape (input, hidden)",
        says='Wx is drawn with shape (input_size, hidden_size); it must be (hidden_size, input_size)'),
    Bug("forgets_bias_hh", "(rnn.bias_ih_l0 + rnn.bias_hh_l0)", "(rnn.bias_ih_l0)",
        ("test_rnn_weights_from_torch_values", "test_rnn_forward_matches_nn_rnn"),
        "nn.RNN has two biases; only one is taken",
        says='only bias_ih_l0 is taken; nn.RNN adds two biases: b = bias_ih_l0 + bias_hh_l0'),
    Bug("transposes_torch_weights", "Wx = rnn.weight_ih_l0.detach().double().numpy()",
        "Wx = rnn.weight_ih_l0.detach().double().numpy().T",
        ("test_rnn_weights_from_torch_shapes_and_dtype",), "transposes weight_ih",
        says='weight_ih_l0 is transposed: nn.RNN stores it already as (hidden, input), like Wx'),
    Bug("torch_weights_float32", ".double().numpy()", ".numpy()",
        ("test_rnn_weights_from_torch_shapes_and_dtype",), "keeps torch's float32",
        says="torch's float32 weights are kept; convert them to float64 (.double())"),
    # --- call forms: seed 0, the seed by position, h0 by position
    Bug("seed_zero_is_no_seed", "rng = np.random.default_rng(seed)",
        "rng = np.random.default_rng(seed) if seed else np.random.default_rng()",
        ("test_init_rnn_params_seed",), "`if seed:` treats seed 0 as no seed: fresh weights on every call"),
    Bug("seed_not_third_parameter", "seed: int | None = None):",
        "scale: float = 0.3, seed: int | None = None):", ("test_init_rnn_params_seed",),
        "an extra parameter before seed: init_rnn_params(3, 4, 1) sets the scale, not the seed"),
    Bug("h0_keyword_only", "def rnn_forward(inputs, Wx, Wh, b, h0=None):",
        "def rnn_forward(inputs, Wx, Wh, b, *, h0=None):", ("test_rnn_forward_uses_h0",),
        "h0 is keyword-only: rnn_forward(inputs, Wx, Wh, b, h0) raises TypeError",
        says='h0 is keyword-only, so rnn_forward(inputs, Wx, Wh, b, h0) raises TypeError'),
    Bug("h0_truthiness", "h = np.zeros(Wh.shape[0]) if h0 is None else h0",
        "h = h0 if h0 else np.zeros(Wh.shape[0])", ("test_rnn_forward_uses_h0",),
        "`if h0` on an array raises 'truth value of an array is ambiguous' whenever h0 is given",
        says="`if h0` on an array raises 'truth value of an array is ambiguous': test `h0 is None`"),
    # --- integer and float32 inputs
    Bug("states_take_inputs_dtype", "    states = []\n    for x_t in inputs:\n"
        "        h = rnn_cell_step(x_t, h, Wx, Wh, b)\n        states.append(h)\n    return np.stack(states)",
        "    states = np.zeros_like(inputs, shape=(len(inputs), Wh.shape[0]))\n"
        "    for t, x_t in enumerate(inputs):\n        h = rnn_cell_step(x_t, h, Wx, Wh, b)\n"
        "        states[t] = h\n    return states",
        ("test_rnn_forward_integer_and_float32_inputs",),
        "preallocates the states with np.zeros_like(inputs): one-hot int inputs truncate every tanh to 0",
        says="the states are preallocated with the inputs' dtype (np.zeros_like(inputs)): integer one-hot inputs make every state 0"),
    Bug("states_take_h0_dtype", "    states = []\n    for x_t in inputs:\n"
        "        h = rnn_cell_step(x_t, h, Wx, Wh, b)\n        states.append(h)\n    return np.stack(states)",
        "    states = np.zeros((len(inputs), Wh.shape[0]), dtype=h.dtype)\n"
        "    for t, x_t in enumerate(inputs):\n        h = rnn_cell_step(x_t, h, Wx, Wh, b)\n"
        "        states[t] = h\n    return states",
        ("test_rnn_forward_integer_and_float32_inputs",),
        "preallocates the states with h0's dtype: a float32 h0 gives float32 states, an int h0 zeros",
        says="the states are preallocated with h0's dtype (dtype=h.dtype): a float32 or integer h0 gives float32 "
             "or integer states"),
    Bug("cell_keeps_input_dtype", "return np.tanh(Wx @ x_t + Wh @ h_prev + b)",
        "return np.tanh(Wx @ x_t + Wh @ h_prev + b).astype(x_t.dtype)",
        ("test_rnn_cell_step_integer_and_float32_inputs", "test_rnn_forward_integer_and_float32_inputs"),
        "casts the new state to x_t's dtype: an int64 x_t gives an int state of zeros",
        says="the new state takes x_t's dtype: an integer x_t gives an integer state of zeros"),
    # --- state carried between calls
    Bug("states_in_a_reused_buffer", FORWARD,
        "_BUFFERS = {}  # one output array per shape, allocated once\n\n\n"
        "def rnn_forward(inputs, Wx, Wh, b, h0=None):\n"
        "    h = np.zeros(Wh.shape[0]) if h0 is None else h0\n"
        "    states = _BUFFERS.setdefault((len(inputs), Wh.shape[0]), np.empty((len(inputs), Wh.shape[0])))\n"
        "    for t, x_t in enumerate(inputs):\n        h = rnn_cell_step(x_t, h, Wx, Wh, b)\n"
        "        states[t] = h\n    return states",
        ("test_rnn_results_do_not_depend_on_other_calls",),
        "returns a module-level buffer: the next call of the same shape overwrites an earlier result",
        says='the states are written into one buffer kept between calls: a later call overwrites an earlier result'),
    Bug("h_carried_between_calls", FORWARD,
        "_last = {}  # the last state of the previous call, by hidden size\n\n\n"
        "def rnn_forward(inputs, Wx, Wh, b, h0=None):\n"
        "    h = _last.get(Wh.shape[0], np.zeros(Wh.shape[0])) if h0 is None else h0\n"
        "    states = []\n    for x_t in inputs:\n        h = rnn_cell_step(x_t, h, Wx, Wh, b)\n"
        "        states.append(h)\n    _last[Wh.shape[0]] = h\n    return np.stack(states)",
        ("test_rnn_results_do_not_depend_on_other_calls",),
        "without h0 it continues from the last state of the previous call instead of zeros",
        says="without h0, rnn_forward continues from the previous call's last state instead of zeros"),
    Bug("cache_keyed_on_shapes", FORWARD,
        "_CACHE = {}\n\n\ndef rnn_forward(inputs, Wx, Wh, b, h0=None):\n"
        "    key = (inputs.shape, Wx.shape, h0 is None)  # forgets to key on the values\n"
        "    if key not in _CACHE:\n"
        "        h = np.zeros(Wh.shape[0]) if h0 is None else h0\n        states = []\n"
        "        for x_t in inputs:\n            h = rnn_cell_step(x_t, h, Wx, Wh, b)\n"
        "            states.append(h)\n        _CACHE[key] = np.stack(states)\n    return _CACHE[key].copy()",
        ("test_rnn_results_do_not_depend_on_other_calls",),
        "memoises results on the shapes only: a second sequence of the same shapes gets the first's states",
        says="results are cached by the inputs' shapes only: another sequence of the same shape gets the first one's states"),
    Bug("cache_ignores_weights", FORWARD,
        "_CACHE = {}\n\n\ndef rnn_forward(inputs, Wx, Wh, b, h0=None):\n"
        "    key = (inputs.tobytes(), None if h0 is None else h0.tobytes())  # forgets the weights\n"
        "    if key not in _CACHE:\n"
        "        h = np.zeros(Wh.shape[0]) if h0 is None else h0\n        states = []\n"
        "        for x_t in inputs:\n            h = rnn_cell_step(x_t, h, Wx, Wh, b)\n"
        "            states.append(h)\n        _CACHE[key] = np.stack(states)\n    return _CACHE[key].copy()",
        ("test_rnn_results_do_not_depend_on_other_calls",),
        "memoises rnn_forward on the inputs and h0 only: the same sequence with other weights gets the "
        "first weights' states",
        says="rnn_forward caches its results by inputs and h0 only: the same sequence with other weights "
             "gets the states of the first weights; the weights belong in the key (or keep no cache)"),
    Bug("cell_step_cache_ignores_weights", "    return np.tanh(Wx @ x_t + Wh @ h_prev + b)",
        "    key = (x_t.tobytes(), h_prev.tobytes())  # forgets the weights\n"
        "    if key not in rnn_cell_step.__dict__:\n"
        "        rnn_cell_step.__dict__[key] = np.tanh(Wx @ x_t + Wh @ h_prev + b)\n"
        "    return rnn_cell_step.__dict__[key].copy()",
        ("test_rnn_results_do_not_depend_on_other_calls",),
        "memoises rnn_cell_step on x_t and h_prev only: the same step with other weights gets the first "
        "weights' state",
        says="rnn_cell_step caches the new state by x_t and h_prev only: the same step with other weights "
             "gets the state of the first weights; the weights belong in the key (or keep no cache)"),
    # --- parameter names: the contract's, for calls by keyword
    Bug("init_params_renamed", "def init_rnn_params(input_size: int, hidden_size: int, seed: int | None = None):",
        "def init_rnn_params(n_in: int, n_hidden: int, seed: int | None = None):\n"
        "    input_size, hidden_size = n_in, n_hidden",
        ("test_numpy_rnn_functions_by_keyword",),
        "renames init_rnn_params' parameters: init_rnn_params(input_size=3, hidden_size=4) raises TypeError",
        says="init_rnn_params' parameters are not named input_size and hidden_size as in the contract, so "
             "init_rnn_params(input_size=3, hidden_size=4, seed=0) raises TypeError"),
    Bug("cell_step_renamed", "def rnn_cell_step(x_t, h_prev, Wx, Wh, b):",
        "def rnn_cell_step(x, h, Wx, Wh, b):\n    x_t, h_prev = x, h",
        ("test_numpy_rnn_functions_by_keyword",),
        "renames rnn_cell_step's parameters: rnn_cell_step(x_t=..., h_prev=..., ...) raises TypeError",
        says="rnn_cell_step's parameters are not named x_t, h_prev, Wx, Wh, b as in the contract, so a call "
             "by keyword (x_t=..., h_prev=...) raises TypeError"),
    Bug("forward_renamed", "def rnn_forward(inputs, Wx, Wh, b, h0=None):",
        "def rnn_forward(xs, Wx, Wh, b, h0=None):\n    inputs = xs",
        ("test_numpy_rnn_functions_by_keyword",),
        "renames rnn_forward's first parameter: rnn_forward(inputs=..., ...) raises TypeError",
        says="rnn_forward's parameters are not named inputs, Wx, Wh, b, h0 as in the contract, so a call by "
             "keyword (inputs=...) raises TypeError"),
    Bug("weights_from_torch_renamed", "def rnn_weights_from_torch(rnn):",
        "def rnn_weights_from_torch(module):\n    rnn = module",
        ("test_numpy_rnn_functions_by_keyword",),
        "renames rnn_weights_from_torch's parameter: rnn_weights_from_torch(rnn=...) raises TypeError",
        says="rnn_weights_from_torch's parameter is not named rnn as in the contract, so "
             "rnn_weights_from_torch(rnn=rnn) raises TypeError"),
    # --- arguments changed in place (crossing the sandbox as copies)
    Bug("cell_writes_into_h_prev", "    return np.tanh(Wx @ x_t + Wh @ h_prev + b)",
        "    h_prev[:] = np.tanh(Wx @ x_t + Wh @ h_prev + b)\n    return h_prev",
        ("test_rnn_cell_step_and_rnn_forward_leave_arguments_unchanged",),
        "the cell overwrites h_prev with the new state (its result is right, the caller's state is gone)",
        says="rnn_cell_step writes the new state into h_prev (the caller's state is overwritten)"),
    Bug("module_to_double", '    """\n    Wx = rnn.weight_ih_l0',
        '    """\n    rnn = rnn.double()\n    Wx = rnn.weight_ih_l0',
        ("test_rnn_weights_from_torch_leaves_module_unchanged",),
        "rnn.double() converts the caller's module to float64 in place: the values stay, the dtype changes",
        says="rnn = rnn.double() converts the module itself to float64 (Module.double() works in place): "
             "convert the tensors, not the module"),
    Bug("module_frozen", '    """\n    Wx = rnn.weight_ih_l0',
        '    """\n    rnn.requires_grad_(False)  # so that .numpy() works\n    Wx = rnn.weight_ih_l0',
        ("test_rnn_weights_from_torch_leaves_module_unchanged",),
        "rnn.requires_grad_(False) on the caller's module: its values stay, but it can no longer be trained",
        says="rnn.requires_grad_(False) stops the module itself from requiring gradients: take .detach() of "
             "each tensor instead"),
    Bug("bias_summed_in_place", "    b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().double().numpy()",
        "    b = rnn.bias_ih_l0.data\n    b += rnn.bias_hh_l0.data\n    b = b.double().numpy()",
        ("test_rnn_weights_from_torch_leaves_module_unchanged",),
        "adds bias_hh into bias_ih's storage: the right b once, and the module's bias changed for good",
        says="bias_hh is added into bias_ih's storage: b is right once, but the module's bias is changed for good"),
    Bug("module_to_eval_mode", '    """\n    Wx = rnn.weight_ih_l0',
        '    """\n    rnn.eval()  # inference mode before reading the weights\n    Wx = rnn.weight_ih_l0',
        ("test_rnn_weights_from_torch_leaves_module_unchanged",),
        "rnn.eval() switches the caller's module out of training mode: its weights stay, its mode changes",
        says="rnn.eval() switches the module itself to eval mode (rnn.training becomes False): reading the "
             "weights needs no mode; leave the module as it was"),
]
