"""Realistic bugs of char_rnn: each is the reference with ONE edit a student could make.

See autograder/exercises/__init__.py (Bug) for what an entry is; `autograder audit` runs them.
"""
from autograder.exercises import Bug

LOOP = "test_train_loop_is_adam_on_mean_cross_entropy"
# The reference's training loop as it reads: an edit around it must quote it whole.
EPOCH = ("    for _ in range(epochs):\n        optimizer.zero_grad()\n        logits = net(X)\n"
         "        # CrossEntropyLoss wants (N, V) scores and (N,) targets: flatten batch and time.\n"
         "        loss = loss_fn(logits.reshape(-1, len(vocab)), Y.reshape(-1))\n"
         "        loss.backward()\n        optimizer.step()\n        losses.append(loss.item())\n")

BUGS = [
    Bug("vocab_lowercased", "return sorted(set(input_str + label_str))",
        "return sorted(set((input_str + label_str).lower()))", ("test_build_vocab_other_words",),
        "lower-cases the text: 'H' is not in the vocabulary, so encoding 'Hi' fails",
        says="build_vocab lower-cases the strings; every character, capitals too, belongs in the vocabulary"),
    Bug("vocab_without_spaces", "return sorted(set(input_str + label_str))",
        'return sorted(set(input_str + label_str) - {" "})', ("test_build_vocab_other_words",),
        "leaves the space out of the vocabulary",
        says="build_vocab leaves out the space; every character, spaces too, belongs in the vocabulary"),
    Bug("vocab_in_order_of_appearance", "sorted(set(input_str + label_str))",
        "list(dict.fromkeys(input_str + label_str))", ("test_build_vocab_apple",), "not sorted"),
    Bug("vocab_of_input_only", "sorted(set(input_str + label_str))", "sorted(set(input_str))",
        ("test_build_vocab_apple",), "misses '!', which only the label has"),
    Bug("maps_from_one", "char_to_index = {c: i for i, c in enumerate(vocab)}",
        "char_to_index = {c: i + 1 for i, c in enumerate(vocab)}", ("test_make_char_maps",), "counts from 1"),
    Bug("one_hot_float64", "X = torch.zeros(1, len(input_str), V)",
        "X = torch.zeros(1, len(input_str), V, dtype=torch.float64)", ("test_encode_pair_one_hot_inputs",),
        "float64 inputs (nn.RNN's weights are float32)"),
    Bug("no_batch_axis", "    return X, Y\n", "    return X[0], Y[0]\n",
        ("test_encode_pair_one_hot_inputs", "test_encode_pair_targets"), "drops the batch axis"),
    Bug("float_targets", "Y = torch.tensor([[char_to_index[c] for c in label_str]])",
        "Y = torch.tensor([[float(char_to_index[c]) for c in label_str]])", ("test_encode_pair_targets",),
        "CrossEntropyLoss wants int64 class indices"),
    Bug("targets_from_input", "for c in label_str]])", "for c in input_str]])",
        ("test_encode_pair_targets",), "encodes the input as the targets"),
    Bug("net_without_batch_first", "nn.RNN(input_size, hidden_size, batch_first=True)",
        "nn.RNN(input_size, hidden_size)",
        ("test_net_has_rnn_and_fc", "test_net_forward_uses_recurrence", "test_train_learns_apple"),
        "reads (1, T, V) as T=1 with a batch of T: no recurrence at all"),
    Bug("linear_only_net", "states, _ = self.rnn(x)", "states = x",
        ("test_net_forward_uses_recurrence", "test_train_learns_apple"), "forward skips the RNN"),
    Bug("uses_h_n", "states, _ = self.rnn(x)", "_, states = self.rnn(x)",
        ("test_net_forward_shape", "test_train_returns_net_losses_prediction"),
        "uses the last state h_n instead of the state at every step"),
    Bug("softmax_in_forward", "return self.fc(states)", "return torch.softmax(self.fc(states), dim=-1)",
        ("test_net_forward_uses_recurrence", "test_train_learns_apple", "test_train_loop_is_adam_on_mean_cross_entropy"),
        "returns probabilities, and CrossEntropyLoss applies softmax again"),
    Bug("decode_squeezes", "indices = logits.argmax(dim=-1)[0]",
        "indices = logits.squeeze().argmax(dim=-1)", ("test_decode_single_step",),
        "squeeze() also drops the time axis when T = 1"),
    Bug("decode_wrong_axis", "logits.argmax(dim=-1)[0]", "logits.argmax(dim=1)[0]",
        ("test_decode_argmax",), "argmax over time instead of over the vocabulary"),
    Bug("no_zero_grad", "        optimizer.zero_grad()\n", "",
        ("test_train_learns_apple", "test_train_loop_is_adam_on_mean_cross_entropy"),
        "gradients pile up from epoch to epoch"),
    Bug("softmax_before_loss", "loss = loss_fn(logits.reshape(-1, len(vocab)), Y.reshape(-1))",
        "loss = loss_fn(torch.softmax(logits, dim=-1).reshape(-1, len(vocab)), Y.reshape(-1))",
        ("test_train_learns_apple",), "CrossEntropyLoss takes raw logits"),
    Bug("sgd_instead_of_adam", "torch.optim.Adam(", "torch.optim.SGD(",
        ("test_train_learns_apple", "test_train_loop_is_adam_on_mean_cross_entropy"),
        "plain SGD at lr 0.1 does not learn in 100 epochs"),
    Bug("fixed_learning_rate", "lr=learning_rate", "lr=0.1",
        ("test_train_honours_learning_rate",), "ignores learning_rate"),
    Bug("fixed_seed", "torch.manual_seed(seed)", "torch.manual_seed(0)",
        ("test_train_different_seeds_differ",), "ignores seed"),
    Bug("never_seeds", "    torch.manual_seed(seed)\n", "",
        ("test_train_same_seed_same_losses",), "never seeds torch"),
    Bug("fixed_hidden_size", "Net(len(vocab), hidden_size, len(vocab))", "Net(len(vocab), 5, len(vocab))",
        ("test_train_honours_hidden_size",), "ignores hidden_size"),
    Bug("fixed_epochs", "for _ in range(epochs):", "for _ in range(100):",
        ("test_train_honours_epochs",), "ignores epochs"),
    Bug("hard_coded_prediction", "prediction = decode(net(X), index_to_char)", 'prediction = "pple!"',
        ("test_train_prediction_is_the_nets",), "returns the expected answer instead of the net's"),
    Bug("tensor_losses", "losses.append(loss.item())", "losses.append(loss)",
        ("test_train_returns_net_losses_prediction",), "keeps loss tensors (and their graphs)"),
    # the training loop the contract names, checked by replaying it from the student's own untrained net
    Bug("adamw_weight_decay", "torch.optim.Adam(", "torch.optim.AdamW(",
        (LOOP,), "AdamW decays the weights (weight_decay=0.01 by default): not the contract's Adam"),
    Bug("adam_gan_betas", "lr=learning_rate)", "lr=learning_rate, betas=(0.5, 0.999))",
        (LOOP,), "Adam with betas copied from a GAN tutorial: the same first step, different ones after"),
    # before the others of the loop: only the 100-epoch run shows it, whose replays cost the most to name
    Bug("adam_amsgrad", "lr=learning_rate)", "lr=learning_rate, amsgrad=True)",
        (LOOP,), "Adam's amsgrad variant: the losses agree to 1e-5, the trained weights do not",
        says="Adam(..., amsgrad=True): the contract's Adam is the default one, without amsgrad"),
    Bug("sgd_momentum_converges", "torch.optim.Adam(net.parameters(), lr=learning_rate)",
        "torch.optim.SGD(net.parameters(), lr=10 * learning_rate, momentum=0.9)",
        (LOOP,), "SGD with momentum and a larger step: may converge, but is not Adam(learning_rate)"),
    Bug("step_lr_schedule", "lr=learning_rate)\n\n    losses = []\n" + EPOCH,
        "lr=learning_rate)\n    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=30, gamma=0.1)\n"
        "\n    losses = []\n" + EPOCH + "        scheduler.step()\n",
        (LOOP,), "a StepLR schedule: the rate drops tenfold after 30 epochs, long after the first ones",
        says="the learning rate changes during training (a schedule); the contract's Adam keeps "
             "lr=learning_rate for every epoch"),
    Bug("rate_halved_every_10_epochs", "        losses.append(loss.item())\n",
        "        losses.append(loss.item())\n        if len(losses) % 10 == 0:  # decay the rate\n"
        "            for group in optimizer.param_groups:\n                group[\"lr\"] /= 2\n",
        (LOOP,), "halves the learning rate by hand every 10 epochs",
        says="the learning rate changes during training (a schedule); the contract's Adam keeps "
             "lr=learning_rate for every epoch"),
    Bug("sum_reduction", "nn.CrossEntropyLoss()", 'nn.CrossEntropyLoss(reduction="sum")',
        (LOOP,), "sums the loss over the T steps instead of averaging: losses T times too large"),
    Bug("loss_after_step", "        optimizer.step()\n        losses.append(loss.item())\n",
        "        optimizer.step()\n        with torch.no_grad():  # the loss of the updated net\n"
        "            losses.append(loss_fn(net(X).reshape(-1, len(vocab)), Y.reshape(-1)).item())\n",
        (LOOP,), "records each epoch's loss after its update (the next epoch's loss)"),
    Bug("zero_grad_once", "    for _ in range(epochs):\n        optimizer.zero_grad()\n",
        "    optimizer.zero_grad()\n    for _ in range(epochs):\n",
        (LOOP,), "zero_grad once before the loop: gradients still pile up from epoch to epoch"),
    Bug("epochs_zero_means_default", "for _ in range(epochs):", "for _ in range(epochs or 100):",
        (LOOP,), "epochs=0 trains 100 epochs instead of returning the untrained net"),
    Bug("learning_rate_or_default", "lr=learning_rate)", "lr=learning_rate or 0.1)",
        ("test_train_honours_learning_rate",), "learning_rate=0 (falsy) silently becomes 0.1"),
    # seeds and defaults: the contract's call forms
    Bug("seeds_only_truthy", "    torch.manual_seed(seed)\n",
        "    if seed:\n        torch.manual_seed(seed)\n",
        ("test_train_same_seed_same_losses",), "seed=0 is falsy: the default seed never seeds torch"),
    Bug("default_seed_not_0", "epochs=100, seed=0):", "epochs=100, seed=42):",
        ("test_train_call_forms",), "the default seed is 42, not the contract's 0"),
    Bug("default_epochs_10", "epochs=100, seed=0):", "epochs=10, seed=0):",
        ("test_train_call_forms",), "the default is 10 epochs, not the contract's 100"),
    Bug("parameters_in_other_order", "learning_rate=0.1, epochs=100, seed=0):",
        "epochs=100, learning_rate=0.1, seed=0):",
        ("test_train_call_forms",), "keyword calls work, but a positional call in the contract's order does not"),
    # state carried between calls
    Bug("global_losses_list", "    losses = []\n",
        "    global losses  # kept at module level, to plot it from another cell\n    try:\n"
        "        losses.clear()\n    except NameError:\n        losses = []\n",
        ("test_train_results_do_not_change_later",),
        "every call clears and refills one module-level list: an earlier result's losses change"),
    Bug("net_keeps_hidden_state", "states, _ = self.rnn(x)",
        'states, h = self.rnn(x, getattr(self, "h", None))\n        self.h = h.detach()  # carried into the next call',
        ("test_net_forward_keeps_no_state", "test_train_honours_learning_rate"),
        "forward starts from the previous call's final state instead of zeros"),
    Bug("decode_ignores_its_map", "    indices = logits.argmax(dim=-1)[0]\n",
        "    indices = logits.argmax(dim=-1)[0]\n"
        '    index_to_char = dict(enumerate(build_vocab("apple", "pple!")))  # the map given is ignored\n',
        ("test_decode_uses_its_map",), "decodes with apple's vocabulary whatever map it is given"),
    # the contract's arguments, read as given
    Bug("encode_rebuilds_its_map", "    V = len(char_to_index)\n",
        "    char_to_index, _ = make_char_maps(build_vocab(input_str, label_str))  # the pair's own map\n"
        "    V = len(char_to_index)\n",
        ("test_encode_pair_one_hot_inputs", "test_encode_pair_targets"),
        "encode_pair rebuilds the pair's own map instead of using the char_to_index it is given",
        says="encode_pair ignores the char_to_index passed in and builds its own from the two strings"),
    Bug("maps_of_sorted_vocab", "    char_to_index = {c: i for i, c in enumerate(vocab)}\n",
        "    vocab = sorted(set(vocab))  # sorted, to be safe\n"
        "    char_to_index = {c: i for i, c in enumerate(vocab)}\n",
        ("test_make_char_maps",), "make_char_maps re-sorts its vocabulary: the maps no longer follow vocab's order",
        says="make_char_maps sorts the vocabulary again instead of using the positions in the vocab given"),
    Bug("rnn_relu", "nn.RNN(input_size, hidden_size, batch_first=True)",
        'nn.RNN(input_size, hidden_size, batch_first=True, nonlinearity="relu")',
        ("test_net_has_rnn_and_fc",), "an RNN with relu instead of the contract's tanh",
        says='nn.RNN(..., nonlinearity="relu"): the contract\'s h_t is tanh(...)'),
    Bug("rnn_two_layers", "nn.RNN(input_size, hidden_size, batch_first=True)",
        "nn.RNN(input_size, hidden_size, num_layers=2, batch_first=True)",
        ("test_net_has_rnn_and_fc",), "two stacked RNN layers instead of the contract's one",
        says="nn.RNN(..., num_layers=2): two stacked layers where the contract has one"),
    Bug("rnn_without_bias", "nn.RNN(input_size, hidden_size, batch_first=True)",
        "nn.RNN(input_size, hidden_size, batch_first=True, bias=False)",
        ("test_net_has_rnn_and_fc",), "an RNN without the biases b_ih and b_hh of the contract's h_t",
        says="nn.RNN(..., bias=False): the RNN has no b_ih and b_hh"),
    Bug("fc_without_bias", "self.fc = nn.Linear(hidden_size, output_size)",
        "self.fc = nn.Linear(hidden_size, output_size, bias=False)",
        ("test_net_has_rnn_and_fc",), "an fc without the bias b_fc of the contract's z_t",
        says="nn.Linear(..., bias=False): fc has no bias b_fc"),
    Bug("prediction_only_in_loop",
        "    losses = []\n" + EPOCH + "\n    with torch.no_grad():\n"
        "        prediction = decode(net(X), index_to_char)\n",
        '    losses, prediction = [], ""\n' + EPOCH + "        if len(losses) == epochs:  # decode the trained net\n"
        "            with torch.no_grad():\n                prediction = decode(net(X), index_to_char)\n",
        ("test_train_prediction_is_the_nets",), "decodes only inside the loop: epochs=0 returns '' as its prediction",
        says="the prediction is decoded inside the loop, on its last epoch, so epochs=0 returns an empty prediction"),
    Bug("renamed_parameters",
        'def train_char_rnn(input_str="apple", label_str="pple!", hidden_size=5,\n'
        "                   learning_rate=0.1, epochs=100, seed=0):\n",
        'def train_char_rnn(word="apple", target="pple!", hidden_size=5,\n'
        "                   learning_rate=0.1, epochs=100, seed=0):\n    input_str, label_str = word, target\n",
        ("test_train_learns_unseen_words",), "the strings are called word and target: input_str= and label_str= fail",
        says="train_char_rnn's first parameters are renamed, so a call with input_str= and label_str= fails"),
    Bug("clip_grad_norm_1", "        optimizer.step()\n",
        "        nn.utils.clip_grad_norm_(net.parameters(), 1.0)  # RNNs: clip exploding gradients\n"
        "        optimizer.step()\n",
        (LOOP,), "clips the gradient norm at 1.0 before each step: apple's gradients stay below 1, a pair whose "
        "gradients exceed 1 shows it",
        says="the gradients are clipped (clip_grad_norm_) before optimizer.step(); the contract's Adam steps on "
             "the gradients as loss.backward() leaves them"),
    Bug("losses_rounded", "losses.append(loss.item())", "losses.append(round(loss.item(), 4))  # 4 decimals are plenty",
        (LOOP,), "rounds each reported loss to 4 decimals: off by up to 5e-5",
        says="the losses are rounded (round(loss.item(), 4)); report loss.item() as it is"),
    Bug("net_cached_by_size", "    net = Net(len(vocab), hidden_size, len(vocab))\n",
        '    nets, key = globals().setdefault("_NETS", {}), (len(vocab), hidden_size)\n'
        "    if key not in nets:  # build each size once, re-initialise it on later calls\n"
        "        nets[key] = Net(len(vocab), hidden_size, len(vocab))\n"
        "    else:\n        nets[key].rnn.reset_parameters()\n        nets[key].fc.reset_parameters()\n"
        "    net = nets[key]\n",
        ("test_train_results_do_not_change_later",),
        "one module-level net per (vocabulary, hidden) size, re-initialised by later calls: an earlier result's net "
        "changes",
        says="train_char_rnn reuses one module-level Net per size, so a later call of the same sizes retrains the "
             "net an earlier call returned"),
    Bug("vocab_sorted_case_insensitively", "return sorted(set(input_str + label_str))",
        "return sorted(set(input_str + label_str), key=str.lower)  # alphabetical, whatever the case",
        ("test_build_vocab_other_words",), "sorts alphabetically ignoring case: 'e' before 'Z'",
        says="build_vocab sorts ignoring case (key=str.lower); the contract's order is sorted()'s, capitals first"),
    Bug("apple_prediction_hard_coded", "        prediction = decode(net(X), index_to_char)\n",
        "        prediction = decode(net(X), index_to_char)\n"
        '    if (input_str, label_str) == ("apple", "pple!"):\n'
        '        prediction = "pple!"  # the notebook\'s check wants this\n',
        ("test_train_prediction_is_the_nets",), "returns 'pple!' for apple whatever the net predicts",
        says="the prediction for apple is hard-coded as 'pple!' instead of what the returned net predicts"),
    Bug("output_size_is_hidden", "Net(len(vocab), hidden_size, len(vocab))", "Net(len(vocab), hidden_size, hidden_size)",
        ("test_train_honours_hidden_size", LOOP),
        "fc gives hidden_size scores instead of one per character: works only while hidden_size == V",
        says="the Net is built as Net(V, hidden_size, hidden_size): its fc must give one score per character, "
             "Net(V, hidden_size, V)"),
    Bug("trains_on_shifted_input", "X, Y = encode_pair(input_str, label_str, char_to_index)",
        'X, Y = encode_pair(input_str, input_str[1:] + "!", char_to_index)  # the next character',
        (LOOP,), "trains on the input shifted by one instead of label_str",
        says='the targets are input_str[1:] + "!" instead of label_str'),
]
