# Unusual: the arithmetic is done by torch in float64: each function turns its arrays into tensors
# (torch.from_numpy / torch.as_tensor), computes there and returns ndarrays with .numpy();
# rnn_backward collects the step gradients in lists and stacks / sums them at the end with torch;
# numerical_gradient evaluates f on NumPy copies and sums the differences in a Python list.
import numpy as np
import torch


def _t(a):
    return torch.as_tensor(np.asarray(a, dtype=np.float64))


def numerical_gradient(f, x, eps=1e-5):
    base = np.array(x, dtype=np.float64)
    values = []
    for index in np.ndindex(base.shape):
        up, down = base.copy(), base.copy()
        up[index] += eps
        down[index] -= eps
        values.append((float(f(up)) - float(f(down))) / (2 * eps))
    return torch.tensor(values, dtype=torch.float64).reshape(base.shape).numpy()


def rnn_cell_step_backward(dh, x_t, h_prev, h_t, Wx, Wh):
    dz = _t(dh) * (1 - _t(h_t) ** 2)
    grads = (_t(Wx).T @ dz, _t(Wh).T @ dz, torch.outer(dz, _t(x_t)), torch.outer(dz, _t(h_prev)), dz)
    return tuple(g.numpy() for g in grads)


def rnn_backward(dstates, inputs, states, Wx, Wh, h0=None):
    S, X, D, WX, WH = map(_t, (states, inputs, dstates, Wx, Wh))
    h_start = torch.zeros(S.shape[1], dtype=torch.float64) if h0 is None else _t(h0)
    dx_rows, dwx, dwh, dbs = [], [], [], []
    dh = torch.zeros_like(h_start)
    for t in range(S.shape[0] - 1, -1, -1):
        dz = (D[t] + dh) * (1 - S[t] ** 2)
        dx_rows.insert(0, WX.T @ dz)
        dwx.append(torch.outer(dz, X[t]))
        dwh.append(torch.outer(dz, S[t - 1] if t > 0 else h_start))
        dbs.append(dz)
        dh = WH.T @ dz
    return (torch.stack(dx_rows).numpy(), dh.numpy(), torch.stack(dwx).sum(0).numpy(),
            torch.stack(dwh).sum(0).numpy(), torch.stack(dbs).sum(0).numpy())
