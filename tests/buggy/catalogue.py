"""Realistic buggy submissions: each is the reference with ONE bug a student could make.

A bug is a textual edit of a reference solution (the edited text must occur in it), the grader
tests it must fail (at least these; others may fail too), and a comment saying what the bug is.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"


@dataclass(frozen=True)
class Bug:
    exercise: str
    name: str
    old: str
    new: str
    must_fail: tuple[str, ...]
    why: str

    def source(self) -> str:
        reference = (SOLUTIONS / f"{self.exercise}.py").read_text()
        assert self.old in reference, f"{self.name}: {self.old!r} is not in the reference"
        return reference.replace(self.old, self.new)


# The reference's rnn_forward, whole: bugs that keep state between calls replace all of it.
FORWARD = (
    "def rnn_forward(inputs, Wx, Wh, b, h0=None):\n"
    '    """Run the cell over inputs (T, input_size); return h_1..h_T stacked as (T, hidden)."""\n'
    "    h = np.zeros(Wh.shape[0]) if h0 is None else h0\n    states = []\n    for x_t in inputs:\n"
    "        h = rnn_cell_step(x_t, h, Wx, Wh, b)\n        states.append(h)\n    return np.stack(states)"
)

LOOP = "test_train_loop_is_adam_on_mean_cross_entropy"

BUGS = [
    # ------------------------------------------------------------------ numpy_rnn
    Bug("numpy_rnn", "transposed_Wh", "Wh @ h_prev", "Wh.T @ h_prev",
        ("test_rnn_cell_step_matches_formula", "test_rnn_forward_matches_recurrence"),
        "uses Wh.T: invisible with the tutorial's saturated weights, visible with ours"),
    Bug("numpy_rnn", "x_times_Wx", "Wx @ x_t", "(x_t @ Wx if x_t.shape[0] == Wx.shape[0] else Wx @ x_t)",
        ("test_rnn_cell_step_matches_formula",),
        "x @ Wx where the sizes allow it: only square sizes reveal it, by value"),
    Bug("numpy_rnn", "missing_bias", "Wh @ h_prev + b)", "Wh @ h_prev)",
        ("test_rnn_cell_step_matches_formula",), "forgets the bias"),
    Bug("numpy_rnn", "no_tanh", "np.tanh(Wx @ x_t + Wh @ h_prev + b)", "Wx @ x_t + Wh @ h_prev + b",
        ("test_rnn_cell_step_matches_formula",), "no non-linearity"),
    Bug("numpy_rnn", "ignores_h0", "np.zeros(Wh.shape[0]) if h0 is None else h0", "np.zeros(Wh.shape[0])",
        ("test_rnn_forward_uses_h0",), "always starts from zeros"),
    Bug("numpy_rnn", "h0_default_ones", "np.zeros(Wh.shape[0]) if h0 is None", "np.ones(Wh.shape[0]) if h0 is None",
        ("test_rnn_forward_default_h0_is_zeros",), "starts from ones when h0 is missing"),
    Bug("numpy_rnn", "includes_h0_in_states", "states = []", "states = [h]",
        ("test_rnn_forward_shape_and_dtype", "test_rnn_forward_matches_recurrence"),
        "returns h_0..h_T instead of h_1..h_T"),
    Bug("numpy_rnn", "returns_last_state", "return np.stack(states)", "return h",
        ("test_rnn_forward_shape_and_dtype", "test_rnn_forward_matches_recurrence"),
        "returns only the last state"),
    Bug("numpy_rnn", "returns_list", "return np.stack(states)", "return states",
        ("test_rnn_forward_shape_and_dtype",), "returns a list of arrays"),
    Bug("numpy_rnn", "float32_states", "return np.stack(states)", "return np.stack(states).astype(np.float32)",
        ("test_rnn_forward_shape_and_dtype",), "loses float64 precision"),
    Bug("numpy_rnn", "squeezes_states", "return np.stack(states)", "return np.stack(states).squeeze()",
        ("test_rnn_forward_single_timestep",), "squeeze() drops the time axis when T = 1"),
    Bug("numpy_rnn", "updates_h_in_place", "h = np.zeros(Wh.shape[0]) if h0 is None else h0\n    states = []\n"
        "    for x_t in inputs:\n        h = rnn_cell_step(x_t, h, Wx, Wh, b)\n        states.append(h)",
        "h = np.zeros(Wh.shape[0]) if h0 is None else h0\n    states = []\n"
        "    for x_t in inputs:\n        h[:] = rnn_cell_step(x_t, h, Wx, Wh, b)\n        states.append(h.copy())",
        ("test_rnn_cell_step_and_rnn_forward_leave_arguments_unchanged",), "writes the new state into h0's memory"),
    Bug("numpy_rnn", "ignores_seed", "np.random.default_rng(seed)", "np.random.default_rng()",
        ("test_init_rnn_params_seed",), "draws fresh random weights whatever the seed"),
    Bug("numpy_rnn", "swapped_Wx_shape", "size=(hidden_size, input_size)", "size=(input_size, hidden_size)",
        ("test_init_rnn_params_shapes_and_dtype",), "Wx of shape (input, hidden)"),
    Bug("numpy_rnn", "forgets_bias_hh", "(rnn.bias_ih_l0 + rnn.bias_hh_l0)", "(rnn.bias_ih_l0)",
        ("test_rnn_weights_from_torch_values", "test_rnn_forward_matches_nn_rnn"),
        "nn.RNN has two biases; only one is taken"),
    Bug("numpy_rnn", "transposes_torch_weights", "Wx = rnn.weight_ih_l0.detach().double().numpy()",
        "Wx = rnn.weight_ih_l0.detach().double().numpy().T",
        ("test_rnn_weights_from_torch_shapes_and_dtype",), "transposes weight_ih"),
    Bug("numpy_rnn", "torch_weights_float32", ".double().numpy()", ".numpy()",
        ("test_rnn_weights_from_torch_shapes_and_dtype",), "keeps torch's float32"),
    # --- call forms: seed 0, the seed by position, h0 by position
    Bug("numpy_rnn", "seed_zero_is_no_seed", "rng = np.random.default_rng(seed)",
        "rng = np.random.default_rng(seed) if seed else np.random.default_rng()",
        ("test_init_rnn_params_seed",), "`if seed:` treats seed 0 as no seed: fresh weights on every call"),
    Bug("numpy_rnn", "seed_not_third_parameter", "seed: int | None = None):",
        "scale: float = 0.3, seed: int | None = None):", ("test_init_rnn_params_seed",),
        "an extra parameter before seed: init_rnn_params(3, 4, 1) sets the scale, not the seed"),
    Bug("numpy_rnn", "h0_keyword_only", "def rnn_forward(inputs, Wx, Wh, b, h0=None):",
        "def rnn_forward(inputs, Wx, Wh, b, *, h0=None):", ("test_rnn_forward_uses_h0",),
        "h0 is keyword-only: rnn_forward(inputs, Wx, Wh, b, h0) raises TypeError"),
    Bug("numpy_rnn", "h0_truthiness", "h = np.zeros(Wh.shape[0]) if h0 is None else h0",
        "h = h0 if h0 else np.zeros(Wh.shape[0])", ("test_rnn_forward_uses_h0",),
        "`if h0` on an array raises 'truth value of an array is ambiguous' whenever h0 is given"),
    # --- integer and float32 inputs
    Bug("numpy_rnn", "states_take_inputs_dtype", "    states = []\n    for x_t in inputs:\n"
        "        h = rnn_cell_step(x_t, h, Wx, Wh, b)\n        states.append(h)\n    return np.stack(states)",
        "    states = np.zeros_like(inputs, shape=(len(inputs), Wh.shape[0]))\n"
        "    for t, x_t in enumerate(inputs):\n        h = rnn_cell_step(x_t, h, Wx, Wh, b)\n"
        "        states[t] = h\n    return states",
        ("test_rnn_forward_integer_and_float32_inputs",),
        "preallocates the states with np.zeros_like(inputs): one-hot int inputs truncate every tanh to 0"),
    Bug("numpy_rnn", "cell_keeps_input_dtype", "return np.tanh(Wx @ x_t + Wh @ h_prev + b)",
        "return np.tanh(Wx @ x_t + Wh @ h_prev + b).astype(x_t.dtype)",
        ("test_rnn_cell_step_integer_and_float32_inputs", "test_rnn_forward_integer_and_float32_inputs"),
        "casts the new state to x_t's dtype: an int64 x_t gives an int state of zeros"),
    # --- state carried between calls
    Bug("numpy_rnn", "states_in_a_reused_buffer", FORWARD,
        "_BUFFERS = {}  # one output array per shape, allocated once\n\n\n"
        "def rnn_forward(inputs, Wx, Wh, b, h0=None):\n"
        "    h = np.zeros(Wh.shape[0]) if h0 is None else h0\n"
        "    states = _BUFFERS.setdefault((len(inputs), Wh.shape[0]), np.empty((len(inputs), Wh.shape[0])))\n"
        "    for t, x_t in enumerate(inputs):\n        h = rnn_cell_step(x_t, h, Wx, Wh, b)\n"
        "        states[t] = h\n    return states",
        ("test_rnn_results_do_not_depend_on_other_calls",),
        "returns a module-level buffer: the next call of the same shape overwrites an earlier result"),
    Bug("numpy_rnn", "h_carried_between_calls", FORWARD,
        "_last = {}  # the last state of the previous call, by hidden size\n\n\n"
        "def rnn_forward(inputs, Wx, Wh, b, h0=None):\n"
        "    h = _last.get(Wh.shape[0], np.zeros(Wh.shape[0])) if h0 is None else h0\n"
        "    states = []\n    for x_t in inputs:\n        h = rnn_cell_step(x_t, h, Wx, Wh, b)\n"
        "        states.append(h)\n    _last[Wh.shape[0]] = h\n    return np.stack(states)",
        ("test_rnn_results_do_not_depend_on_other_calls",),
        "without h0 it continues from the last state of the previous call instead of zeros"),
    Bug("numpy_rnn", "cache_keyed_on_shapes", FORWARD,
        "_CACHE = {}\n\n\ndef rnn_forward(inputs, Wx, Wh, b, h0=None):\n"
        "    key = (inputs.shape, Wx.shape, h0 is None)  # forgets to key on the values\n"
        "    if key not in _CACHE:\n"
        "        h = np.zeros(Wh.shape[0]) if h0 is None else h0\n        states = []\n"
        "        for x_t in inputs:\n            h = rnn_cell_step(x_t, h, Wx, Wh, b)\n"
        "            states.append(h)\n        _CACHE[key] = np.stack(states)\n    return _CACHE[key].copy()",
        ("test_rnn_results_do_not_depend_on_other_calls",),
        "memoises results on the shapes only: a second sequence of the same shapes gets the first's states"),
    # --- arguments changed in place (crossing the sandbox as copies)
    Bug("numpy_rnn", "cell_writes_into_h_prev", "    return np.tanh(Wx @ x_t + Wh @ h_prev + b)",
        "    h_prev[:] = np.tanh(Wx @ x_t + Wh @ h_prev + b)\n    return h_prev",
        ("test_rnn_cell_step_and_rnn_forward_leave_arguments_unchanged",),
        "the cell overwrites h_prev with the new state (its result is right, the caller's state is gone)"),
    Bug("numpy_rnn", "bias_summed_in_place", "    b = (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach().double().numpy()",
        "    b = rnn.bias_ih_l0.data\n    b += rnn.bias_hh_l0.data\n    b = b.double().numpy()",
        ("test_rnn_weights_from_torch_leaves_module_unchanged",),
        "adds bias_hh into bias_ih's storage: the right b once, and the module's bias changed for good"),
    # ------------------------------------------------------------------ rnn_shapes
    Bug("rnn_shapes", "no_batch_first", "bidirectional=bidirectional, batch_first=True)",
        "bidirectional=bidirectional)",
        ("test_make_rnn_defaults", "test_rnn_output_shapes_many_configurations"),
        "forgets batch_first=True: batch and time axes are swapped"),
    Bug("rnn_shapes", "ignores_bidirectional", "bidirectional=bidirectional, batch_first", "batch_first",
        ("test_make_rnn_configuration", "test_rnn_output_shapes_keywords"), "drops bidirectional"),
    Bug("rnn_shapes", "ignores_num_layers", "num_layers=num_layers,\n", "\n",
        ("test_make_rnn_configuration", "test_rnn_output_shapes_keywords"), "always one layer"),
    Bug("rnn_shapes", "hard_coded_batch_of_one", "return tuple(output.shape), tuple(h_n.shape)",
        "directions = 2 if bidirectional else 1\n"
        "    return (1, time_steps, directions * hidden_size), (num_layers * directions, 1, hidden_size)",
        ("test_rnn_output_shapes_many_configurations",), "copies the tutorial's batch size of 1"),
    Bug("rnn_shapes", "h_n_ignores_directions", "return tuple(output.shape), tuple(h_n.shape)",
        "directions = 2 if bidirectional else 1\n"
        "    return (batch_size, time_steps, directions * hidden_size), (num_layers, batch_size, hidden_size)",
        ("test_rnn_output_shapes_keywords",), "h_n has layers * directions entries, not layers"),
    Bug("rnn_shapes", "swapped_results", "return tuple(output.shape), tuple(h_n.shape)",
        "return tuple(h_n.shape), tuple(output.shape)", ("test_rnn_output_shapes_defaults",),
        "returns (h_n shape, output shape)"),
    Bug("rnn_shapes", "returns_lists", "return tuple(output.shape), tuple(h_n.shape)",
        "return list(output.shape), list(h_n.shape)", ("test_rnn_output_shapes_are_tuples_of_ints",),
        "lists instead of tuples"),
    # --- call forms: positional make_rnn, defaults omitted, keywords
    Bug("rnn_shapes", "make_rnn_parameters_swapped",
        "def make_rnn(input_size: int, hidden_size: int, num_layers: int = 1, bidirectional: bool = False)",
        "def make_rnn(input_size: int, hidden_size: int, bidirectional: bool = False, num_layers: int = 1)",
        ("test_make_rnn_positional",), "bidirectional before num_layers: make_rnn(5, 8, 2, True) is wrong"),
    Bug("rnn_shapes", "make_rnn_partial_of_nn_rnn",
        "def make_rnn(input_size: int, hidden_size: int, num_layers: int = 1, bidirectional: bool = False) -> nn.RNN:\n"
        "    return nn.RNN(input_size, hidden_size, num_layers=num_layers,\n"
        "                  bidirectional=bidirectional, batch_first=True)",
        "import functools\n\nmake_rnn = functools.partial(nn.RNN, batch_first=True)",
        ("test_make_rnn_positional",),
        "functools.partial(nn.RNN, batch_first=True): nn.RNN's third and fourth parameters are num_layers "
        "and nonlinearity, so make_rnn(5, 8, 2, True) asks for nonlinearity True"),
    Bug("rnn_shapes", "make_rnn_default_two_layers", "num_layers: int = 1, bidirectional: bool = False) -> nn.RNN:",
        "num_layers: int = 2, bidirectional: bool = False) -> nn.RNN:", ("test_make_rnn_defaults",),
        "make_rnn defaults to the tutorial's second configuration, two layers"),
    Bug("rnn_shapes", "relu_cells", "nn.RNN(input_size, hidden_size, num_layers=num_layers,",
        'nn.RNN(input_size, hidden_size, num_layers=num_layers, nonlinearity="relu",',
        ("test_make_rnn_defaults",), "ReLU cells instead of tanh"),
    Bug("rnn_shapes", "shapes_default_two_layers", "                      num_layers: int = 1,",
        "                      num_layers: int = 2,", ("test_rnn_output_shapes_defaults",),
        "rnn_output_shapes defaults to two layers"),
    Bug("rnn_shapes", "shapes_keyword_renamed", "num_layers: int = 1, bidirectional: bool = False):\n"
        '    """Run a real nn.RNN on random data and report (output.shape, h_n.shape) as tuples."""\n'
        "    rnn = make_rnn(input_size, hidden_size, num_layers, bidirectional)",
        "layers: int = 1, bidirectional: bool = False):\n"
        "    rnn = make_rnn(input_size, hidden_size, layers, bidirectional)",
        ("test_rnn_output_shapes_keywords",), "calls its parameter layers: num_layers=2 raises TypeError"),
    # --- hard-coded answers, NumPy ints, state between calls
    Bug("rnn_shapes", "make_rnn_cached", "from torch import nn\n\n\ndef make_rnn(",
        "from torch import nn\nfrom functools import lru_cache\n\n\n"
        "@lru_cache(maxsize=None)  # builds each configuration once\ndef make_rnn(",
        ("test_make_rnn_returns_a_new_module_each_call",),
        "memoises make_rnn: two networks of the same sizes are one module and train each other's weights"),
    Bug("rnn_shapes", "tutorial_sizes_hard_coded", "return tuple(output.shape), tuple(h_n.shape)",
        "directions = 2 if bidirectional else 1\n"
        "    return (1, 10, directions * 8), (num_layers * directions, 1, 8)",
        ("test_rnn_output_shapes_defaults", "test_rnn_output_shapes_keywords",
         "test_rnn_output_shapes_many_configurations"),
        "the tutorial's batch 1, 10 steps and 8 hidden units written in: passes the public checks only"),
    Bug("rnn_shapes", "numpy_int_shapes", "return tuple(output.shape), tuple(h_n.shape)",
        "return tuple(torch.tensor(output.shape).numpy()), tuple(torch.tensor(h_n.shape).numpy())",
        ("test_rnn_output_shapes_are_tuples_of_ints",), "the shapes go through a NumPy array: np.int64 items"),
    Bug("rnn_shapes", "rnn_cached_by_sizes", "num_layers: int = 1, bidirectional: bool = False):\n"
        '    """Run a real nn.RNN on random data and report (output.shape, h_n.shape) as tuples."""\n'
        "    rnn = make_rnn(input_size, hidden_size, num_layers, bidirectional)\n",
        "num_layers: int = 1, bidirectional: bool = False, _built={}):\n"
        "    key = (input_size, hidden_size)  # forgets num_layers and bidirectional\n"
        "    if key not in _built:\n"
        "        _built[key] = make_rnn(input_size, hidden_size, num_layers, bidirectional)\n"
        "    rnn = _built[key]\n",
        ("test_rnn_output_shapes_keywords",),
        "a cache (a mutable default) of built modules keyed on the sizes only: a later call with other "
        "layers or directions reuses the first module"),
    # ------------------------------------------------------------------ char_rnn
    Bug("char_rnn", "vocab_in_order_of_appearance", "sorted(set(input_str + label_str))",
        "list(dict.fromkeys(input_str + label_str))", ("test_build_vocab_apple",), "not sorted"),
    Bug("char_rnn", "vocab_of_input_only", "sorted(set(input_str + label_str))", "sorted(set(input_str))",
        ("test_build_vocab_apple",), "misses '!', which only the label has"),
    Bug("char_rnn", "maps_from_one", "char_to_index = {c: i for i, c in enumerate(vocab)}",
        "char_to_index = {c: i + 1 for i, c in enumerate(vocab)}", ("test_make_char_maps",), "counts from 1"),
    Bug("char_rnn", "one_hot_float64", "X = torch.zeros(1, len(input_str), V)",
        "X = torch.zeros(1, len(input_str), V, dtype=torch.float64)", ("test_encode_pair_one_hot_inputs",),
        "float64 inputs (nn.RNN's weights are float32)"),
    Bug("char_rnn", "no_batch_axis", "    return X, Y\n", "    return X[0], Y[0]\n",
        ("test_encode_pair_one_hot_inputs", "test_encode_pair_targets"), "drops the batch axis"),
    Bug("char_rnn", "float_targets", "Y = torch.tensor([[char_to_index[c] for c in label_str]])",
        "Y = torch.tensor([[float(char_to_index[c]) for c in label_str]])", ("test_encode_pair_targets",),
        "CrossEntropyLoss wants int64 class indices"),
    Bug("char_rnn", "targets_from_input", "for c in label_str]])", "for c in input_str]])",
        ("test_encode_pair_targets",), "encodes the input as the targets"),
    Bug("char_rnn", "net_without_batch_first", "nn.RNN(input_size, hidden_size, batch_first=True)",
        "nn.RNN(input_size, hidden_size)",
        ("test_net_has_rnn_and_fc", "test_net_forward_uses_recurrence", "test_train_learns_apple"),
        "reads (1, T, V) as T=1 with a batch of T: no recurrence at all"),
    Bug("char_rnn", "linear_only_net", "states, _ = self.rnn(x)", "states = x",
        ("test_net_forward_uses_recurrence", "test_train_learns_apple"), "forward skips the RNN"),
    Bug("char_rnn", "uses_h_n", "states, _ = self.rnn(x)", "_, states = self.rnn(x)",
        ("test_net_forward_shape",), "uses the last state h_n instead of the state at every step"),
    Bug("char_rnn", "softmax_in_forward", "return self.fc(states)", "return torch.softmax(self.fc(states), dim=-1)",
        ("test_net_forward_uses_recurrence", "test_train_learns_apple"),
        "returns probabilities, and CrossEntropyLoss applies softmax again"),
    Bug("char_rnn", "decode_squeezes", "indices = logits.argmax(dim=-1)[0]",
        "indices = logits.squeeze().argmax(dim=-1)", ("test_decode_single_step",),
        "squeeze() also drops the time axis when T = 1"),
    Bug("char_rnn", "decode_wrong_axis", "logits.argmax(dim=-1)[0]", "logits.argmax(dim=1)[0]",
        ("test_decode_argmax",), "argmax over time instead of over the vocabulary"),
    Bug("char_rnn", "no_zero_grad", "        optimizer.zero_grad()\n", "",
        ("test_train_learns_apple", "test_train_loop_is_adam_on_mean_cross_entropy"),
        "gradients pile up from epoch to epoch"),
    Bug("char_rnn", "softmax_before_loss", "loss = loss_fn(logits.reshape(-1, len(vocab)), Y.reshape(-1))",
        "loss = loss_fn(torch.softmax(logits, dim=-1).reshape(-1, len(vocab)), Y.reshape(-1))",
        ("test_train_learns_apple",), "CrossEntropyLoss takes raw logits"),
    Bug("char_rnn", "sgd_instead_of_adam", "torch.optim.Adam(", "torch.optim.SGD(",
        ("test_train_learns_apple", "test_train_loop_is_adam_on_mean_cross_entropy"),
        "plain SGD at lr 0.1 does not learn in 100 epochs"),
    Bug("char_rnn", "fixed_learning_rate", "lr=learning_rate", "lr=0.1",
        ("test_train_honours_learning_rate",), "ignores learning_rate"),
    Bug("char_rnn", "fixed_seed", "torch.manual_seed(seed)", "torch.manual_seed(0)",
        ("test_train_different_seeds_differ",), "ignores seed"),
    Bug("char_rnn", "never_seeds", "    torch.manual_seed(seed)\n", "",
        ("test_train_same_seed_same_losses",), "never seeds torch"),
    Bug("char_rnn", "fixed_hidden_size", "Net(len(vocab), hidden_size, len(vocab))", "Net(len(vocab), 5, len(vocab))",
        ("test_train_honours_hidden_size",), "ignores hidden_size"),
    Bug("char_rnn", "fixed_epochs", "for _ in range(epochs):", "for _ in range(100):",
        ("test_train_honours_epochs",), "ignores epochs"),
    Bug("char_rnn", "hard_coded_prediction", "prediction = decode(net(X), index_to_char)", 'prediction = "pple!"',
        ("test_train_prediction_is_the_nets",), "returns the expected answer instead of the net's"),
    Bug("char_rnn", "tensor_losses", "losses.append(loss.item())", "losses.append(loss)",
        ("test_train_returns_net_losses_prediction",), "keeps loss tensors (and their graphs)"),
    # the training loop the contract names, checked by replaying it from the student's own untrained net
    Bug("char_rnn", "adamw_weight_decay", "torch.optim.Adam(", "torch.optim.AdamW(",
        (LOOP,), "AdamW decays the weights (weight_decay=0.01 by default): not the contract's Adam"),
    Bug("char_rnn", "adam_gan_betas", "lr=learning_rate)", "lr=learning_rate, betas=(0.5, 0.999))",
        (LOOP,), "Adam with betas copied from a GAN tutorial: the same first step, different ones after"),
    Bug("char_rnn", "sgd_momentum_converges", "torch.optim.Adam(net.parameters(), lr=learning_rate)",
        "torch.optim.SGD(net.parameters(), lr=10 * learning_rate, momentum=0.9)",
        (LOOP,), "SGD with momentum and a larger step: may converge, but is not Adam(learning_rate)"),
    Bug("char_rnn", "sum_reduction", "nn.CrossEntropyLoss()", 'nn.CrossEntropyLoss(reduction="sum")',
        (LOOP,), "sums the loss over the T steps instead of averaging: losses T times too large"),
    Bug("char_rnn", "loss_after_step", "        optimizer.step()\n        losses.append(loss.item())\n",
        "        optimizer.step()\n        with torch.no_grad():  # the loss of the updated net\n"
        "            losses.append(loss_fn(net(X).reshape(-1, len(vocab)), Y.reshape(-1)).item())\n",
        (LOOP,), "records each epoch's loss after its update (the next epoch's loss)"),
    Bug("char_rnn", "zero_grad_once", "    for _ in range(epochs):\n        optimizer.zero_grad()\n",
        "    optimizer.zero_grad()\n    for _ in range(epochs):\n",
        (LOOP,), "zero_grad once before the loop: gradients still pile up from epoch to epoch"),
    Bug("char_rnn", "epochs_zero_means_default", "for _ in range(epochs):", "for _ in range(epochs or 100):",
        (LOOP,), "epochs=0 trains 100 epochs instead of returning the untrained net"),
    Bug("char_rnn", "learning_rate_or_default", "lr=learning_rate)", "lr=learning_rate or 0.1)",
        ("test_train_honours_learning_rate",), "learning_rate=0 (falsy) silently becomes 0.1"),
    # seeds and defaults: the contract's call forms
    Bug("char_rnn", "seeds_only_truthy", "    torch.manual_seed(seed)\n",
        "    if seed:\n        torch.manual_seed(seed)\n",
        ("test_train_same_seed_same_losses",), "seed=0 is falsy: the default seed never seeds torch"),
    Bug("char_rnn", "default_seed_not_0", "epochs=100, seed=0):", "epochs=100, seed=42):",
        ("test_train_call_forms",), "the default seed is 42, not the contract's 0"),
    Bug("char_rnn", "default_epochs_10", "epochs=100, seed=0):", "epochs=10, seed=0):",
        ("test_train_call_forms",), "the default is 10 epochs, not the contract's 100"),
    Bug("char_rnn", "parameters_in_other_order", "learning_rate=0.1, epochs=100, seed=0):",
        "epochs=100, learning_rate=0.1, seed=0):",
        ("test_train_call_forms",), "keyword calls work, but a positional call in the contract's order does not"),
    # state carried between calls
    Bug("char_rnn", "global_losses_list", "    losses = []\n",
        "    global losses  # kept at module level, to plot it from another cell\n    try:\n"
        "        losses.clear()\n    except NameError:\n        losses = []\n",
        ("test_train_results_do_not_change_later",),
        "every call clears and refills one module-level list: an earlier result's losses change"),
    Bug("char_rnn", "net_keeps_hidden_state", "states, _ = self.rnn(x)",
        'states, h = self.rnn(x, getattr(self, "h", None))\n        self.h = h.detach()  # carried into the next call',
        ("test_net_forward_keeps_no_state", "test_train_honours_learning_rate"),
        "forward starts from the previous call's final state instead of zeros"),
    Bug("char_rnn", "decode_ignores_its_map", "    indices = logits.argmax(dim=-1)[0]\n",
        "    indices = logits.argmax(dim=-1)[0]\n"
        '    index_to_char = dict(enumerate(build_vocab("apple", "pple!")))  # the map given is ignored\n',
        ("test_decode_uses_its_map",), "decodes with apple's vocabulary whatever map it is given"),
]
