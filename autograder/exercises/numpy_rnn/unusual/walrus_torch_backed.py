# Unusual: the arithmetic is done by torch in float64 (torch.from_numpy -> torch.tanh -> .numpy());
# rnn_forward is a list comprehension with the walrus operator; the cell is a small class whose
# instances are called; init draws through torch.Generator seeded from a NumPy seed sequence;
# rnn_weights_from_torch uses getattr on f-string names and .data.
import numpy as np
import torch


class _Cell:
    def __init__(self, Wx, Wh, b):
        self.Wx, self.Wh, self.b = (torch.from_numpy(np.asarray(a, dtype=np.float64)) for a in (Wx, Wh, b))

    def __call__(self, x_t, h_prev):
        x = torch.from_numpy(np.asarray(x_t, dtype=np.float64))
        h = torch.as_tensor(h_prev, dtype=torch.float64)
        return torch.tanh(self.Wx @ x + self.Wh @ h + self.b)


def init_rnn_params(input_size, hidden_size, seed=None):
    entropy = np.random.SeedSequence(seed).generate_state(1)[0]
    g = torch.Generator().manual_seed(int(entropy))
    Wx = (torch.randn(hidden_size, input_size, generator=g, dtype=torch.float64) * 0.2).numpy()
    Wh = (torch.randn(hidden_size, hidden_size, generator=g, dtype=torch.float64) * 0.2).numpy()
    return Wx, Wh, np.zeros(hidden_size)


def rnn_cell_step(x_t, h_prev, Wx, Wh, b):
    return _Cell(Wx, Wh, b)(x_t, h_prev).numpy()


def rnn_forward(inputs, Wx, Wh, b, h0=None):
    cell = _Cell(Wx, Wh, b)
    h = torch.zeros(np.shape(Wh)[0], dtype=torch.float64) if h0 is None else torch.tensor(h0)
    states = [h := cell(x, h) for x in inputs]
    return torch.stack(states).numpy()


def rnn_weights_from_torch(rnn):
    get = lambda name: getattr(rnn, f"{name}_l0").data.to(torch.float64).numpy()
    return get("weight_ih"), get("weight_hh"), get("bias_ih") + get("bias_hh")
