"""Realistic bugs of rnn_shapes: each is the reference with ONE edit a student could make.

See autograder/exercises/__init__.py (Bug) for what an entry is; `autograder audit` runs them.
"""
from autograder.exercises import Bug

BUGS = [
    Bug("no_batch_first", "bidirectional=bidirectional, batch_first=True)",
        "bidirectional=bidirectional)",
        ("test_make_rnn_defaults", "test_rnn_output_shapes_many_configurations"),
        "forgets batch_first=True: batch and time axes are swapped",
        says='nn.RNN is built without batch_first=True, so the batch and time axes are swapped'),
    Bug("ignores_bidirectional", "bidirectional=bidirectional, batch_first", "batch_first",
        ("test_make_rnn_configuration", "test_rnn_output_shapes_keywords"), "drops bidirectional",
        says='bidirectional is not passed on to nn.RNN'),
    Bug("ignores_num_layers", "num_layers=num_layers,\n", "\n",
        ("test_make_rnn_configuration", "test_rnn_output_shapes_keywords"), "always one layer",
        says='num_layers is not passed on to nn.RNN: always one layer'),
    Bug("hard_coded_batch_of_one", "return tuple(output.shape), tuple(h_n.shape)",
        "directions = 2 if bidirectional else 1\n"
        "    return (1, time_steps, directions * hidden_size), (num_layers * directions, 1, hidden_size)",
        ("test_rnn_output_shapes_many_configurations",), "copies the tutorial's batch size of 1",
        says="the tutorial's batch size of 1 is written in instead of batch_size"),
    Bug("h_n_ignores_directions", "return tuple(output.shape), tuple(h_n.shape)",
        "directions = 2 if bidirectional else 1\n"
        "    return (batch_size, time_steps, directions * hidden_size), (num_layers, batch_size, hidden_size)",
        ("test_rnn_output_shapes_keywords",), "h_n has layers * directions entries, not layers",
        says="h_n's first axis is num_layers; it is num_layers * num_directions"),
    Bug("swapped_results", "return tuple(output.shape), tuple(h_n.shape)",
        "return tuple(h_n.shape), tuple(output.shape)", ("test_rnn_output_shapes_defaults",),
        "returns (h_n shape, output shape)",
        says='the two shapes are returned the other way round: (output shape, h_n shape) is expected'),
    Bug("returns_lists", "return tuple(output.shape), tuple(h_n.shape)",
        "return list(output.shape), list(h_n.shape)", ("test_rnn_output_shapes_are_tuples_of_ints",),
        "lists instead of tuples",
        says='the shapes are lists; return tuples (tuple(t.shape))'),
    # --- call forms: positional make_rnn, defaults omitted, keywords
    Bug("make_rnn_parameters_swapped",
        "def make_rnn(input_size: int, hidden_size: int, num_layers: int = 1, bidirectional: bool = False)",
        "def make_rnn(input_size: int, hidden_size: int, bidirectional: bool = False, num_layers: int = 1)",
        ("test_make_rnn_positional",), "bidirectional before num_layers: make_rnn(5, 8, 2, True) is wrong",
        says='make_rnn takes bidirectional before num_layers, so make_rnn(5, 8, 2, True) builds the wrong network'),
    Bug("make_rnn_partial_of_nn_rnn",
        "def make_rnn(input_size: int, hidden_size: int, num_layers: int = 1, bidirectional: bool = False) -> nn.RNN:\n"
        "    return nn.RNN(input_size, hidden_size, num_layers=num_layers,\n"
        "                  bidirectional=bidirectional, batch_first=True)",
        "import functools\n\nmake_rnn = functools.partial(nn.RNN, batch_first=True)",
        ("test_make_rnn_positional",),
        "functools.partial(nn.RNN, batch_first=True): nn.RNN's third and fourth parameters are num_layers "
        "and nonlinearity, so make_rnn(5, 8, 2, True) asks for nonlinearity True",
        says="functools.partial(nn.RNN, batch_first=True) passes make_rnn's third and fourth arguments to nn.RNN's num_layers and nonlinearity"),
    Bug("make_rnn_default_two_layers", "num_layers: int = 1, bidirectional: bool = False) -> nn.RNN:",
        "num_layers: int = 2, bidirectional: bool = False) -> nn.RNN:", ("test_make_rnn_defaults",),
        "make_rnn defaults to the tutorial's second configuration, two layers",
        says="make_rnn defaults to two layers; the contract's default is one"),
    Bug("relu_cells", "nn.RNN(input_size, hidden_size, num_layers=num_layers,",
        'nn.RNN(input_size, hidden_size, num_layers=num_layers, nonlinearity="relu",',
        ("test_make_rnn_defaults",), "ReLU cells instead of tanh",
        says="the cells use ReLU (nonlinearity='relu'); the contract's nn.RNN uses tanh"),
    Bug("no_bias", "bidirectional=bidirectional, batch_first=True)",
        "bidirectional=bidirectional, batch_first=True, bias=False)", ("test_make_rnn_defaults",),
        "bias=False: the cells lose their biases b_ih and b_hh",
        says="nn.RNN is built with bias=False; the contract's nn.RNN keeps its biases"),
    Bug("dropout_between_layers", "bidirectional=bidirectional, batch_first=True)",
        "bidirectional=bidirectional, batch_first=True, dropout=0.2)", ("test_make_rnn_defaults",),
        "dropout=0.2 between stacked layers: a deep net's output is random while training",
        says="nn.RNN is built with dropout; the contract's nn.RNN has none"),
    Bug("dropout_when_stacked", "bidirectional=bidirectional, batch_first=True)",
        "bidirectional=bidirectional, batch_first=True,\n"
        "                  dropout=0.2 if num_layers > 1 else 0.0)", ("test_make_rnn_defaults",),
        "dropout only where torch does not warn about it, between stacked layers",
        says="stacked layers get dropout=0.2; the contract's nn.RNN has none, at any number of layers"),
    Bug("frozen_weights", "bidirectional=bidirectional, batch_first=True)",
        "bidirectional=bidirectional, batch_first=True).requires_grad_(False)", ("test_make_rnn_defaults",),
        "the module's weights no longer require grad: an optimiser would never train them",
        says="the nn.RNN's weights are frozen (requires_grad_(False)); they must stay trainable"),
    Bug("double_precision", "bidirectional=bidirectional, batch_first=True)",
        "bidirectional=bidirectional, batch_first=True).double()",
        ("test_make_rnn_defaults", "test_rnn_output_shapes_defaults"),
        ".double(): float64 weights, which a float32 input (torch.randn) cannot pass through",
        says="the nn.RNN's weights are float64 (.double()); torch's default, float32, is expected"),
    Bug("shapes_default_two_layers", "                      num_layers: int = 1,",
        "                      num_layers: int = 2,", ("test_rnn_output_shapes_defaults",),
        "rnn_output_shapes defaults to two layers",
        says="rnn_output_shapes defaults to two layers; the contract's default is one"),
    Bug("shapes_keyword_renamed", "num_layers: int = 1, bidirectional: bool = False):\n"
        '    """Run a real nn.RNN on random data and report (output.shape, h_n.shape) as tuples."""\n'
        "    rnn = make_rnn(input_size, hidden_size, num_layers, bidirectional)",
        "layers: int = 1, bidirectional: bool = False):\n"
        "    rnn = make_rnn(input_size, hidden_size, layers, bidirectional)",
        ("test_rnn_output_shapes_keywords",), "calls its parameter layers: num_layers=2 raises TypeError",
        says='the parameter is not called num_layers, so rnn_output_shapes(..., num_layers=2) raises TypeError'),
    # --- hard-coded answers, NumPy ints, state between calls
    Bug("make_rnn_cached", "from torch import nn\n\n\ndef make_rnn(",
        "from torch import nn\nfrom functools import lru_cache\n\n\n"
        "@lru_cache(maxsize=None)  # builds each configuration once\ndef make_rnn(",
        ("test_make_rnn_returns_a_new_module_each_call",),
        "memoises make_rnn: two networks of the same sizes are one module and train each other's weights",
        says='make_rnn returns the same module for the same sizes: two networks would share their weights'),
    Bug("tutorial_sizes_hard_coded", "return tuple(output.shape), tuple(h_n.shape)",
        "directions = 2 if bidirectional else 1\n"
        "    return (1, 10, directions * 8), (num_layers * directions, 1, 8)",
        ("test_rnn_output_shapes_defaults", "test_rnn_output_shapes_keywords",
         "test_rnn_output_shapes_many_configurations"),
        "the tutorial's batch 1, 10 steps and 8 hidden units written in: passes the public checks only",
        says="the tutorial's sizes (batch 1, 10 steps, 8 hidden units) are written in instead of the arguments"),
    Bug("numpy_int_shapes", "return tuple(output.shape), tuple(h_n.shape)",
        "return tuple(torch.tensor(output.shape).numpy()), tuple(torch.tensor(h_n.shape).numpy())",
        ("test_rnn_output_shapes_are_tuples_of_ints",), "the shapes go through a NumPy array: np.int64 items",
        says='the shapes hold np.int64 values; give Python ints (tuple(t.shape) does)'),
    Bug("rnn_cached_by_sizes", "num_layers: int = 1, bidirectional: bool = False):\n"
        '    """Run a real nn.RNN on random data and report (output.shape, h_n.shape) as tuples."""\n'
        "    rnn = make_rnn(input_size, hidden_size, num_layers, bidirectional)\n",
        "num_layers: int = 1, bidirectional: bool = False, _built={}):\n"
        "    key = (input_size, hidden_size)  # forgets num_layers and bidirectional\n"
        "    if key not in _built:\n"
        "        _built[key] = make_rnn(input_size, hidden_size, num_layers, bidirectional)\n"
        "    rnn = _built[key]\n",
        ("test_rnn_output_shapes_keywords",),
        "a cache (a mutable default) of built modules keyed on the sizes only: a later call with other "
        "layers or directions reuses the first module",
        says='built modules are cached by their sizes only: a later call with other layers or directions gets the first module'),
    Bug("shapes_as_tensors", "return tuple(output.shape), tuple(h_n.shape)",
        "return torch.tensor(output.shape), torch.tensor(h_n.shape)",
        ("test_rnn_output_shapes_are_tuples_of_ints",), "each shape as a tensor of its numbers",
        says='each shape comes back as a tensor; return tuples of ints (tuple(t.shape))'),
    Bug("shapes_as_a_list", "return tuple(output.shape), tuple(h_n.shape)",
        "return [tuple(output.shape), tuple(h_n.shape)]",
        ("test_rnn_output_shapes_are_tuples_of_ints",), "returns the pair as a list, not the contract's tuple",
        says='the two shapes come back in a list; return them as a tuple: (output_shape, h_n_shape)'),
]
