"""Checks with messages a student can act on: what was expected, what came back, where it differs."""
from __future__ import annotations

from typing import Any, NoReturn

import numpy as np
import pytest
import torch

from autograder import config
from autograder.sandbox.wire import ModuleData, Unsupported, WireError


def fail(message: str) -> NoReturn:
    pytest.fail(message, pytrace=False)


def same(got: Any, expected: Any) -> bool:
    """got == expected, for expected plain data (str, numbers, None; lists, tuples and dicts of them),
    as == says it, except that it never raises: a part of got that is not plain data (an array,
    whose == is elementwise and whose truth is an error) is never equal."""
    if isinstance(expected, dict):
        return (isinstance(got, dict) and len(got) == len(expected)
                and all(k in got and same(got[k], v) for k, v in expected.items()))
    if isinstance(expected, (list, tuple)):
        return type(got) is type(expected) and len(got) == len(expected) and all(map(same, got, expected))
    plain = (str, int, float, type(None))
    got = got.item() if isinstance(got, np.generic) else got  # a NumPy scalar is a number
    return isinstance(got, plain) and isinstance(expected, plain) and got == expected


def kind(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an np.ndarray of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)} and dtype {value.dtype}"
    if isinstance(value, ModuleData):
        return f"a {value.type_name} module"
    if isinstance(value, Unsupported):
        return f"a value the grader cannot receive ({value.type_name})"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"{type(value).__name__} {value!r:.60}" if value is not None else "None"


def unpack(value: Any, n: int, what: str) -> tuple:
    if not isinstance(value, (tuple, list)) or len(value) != n:
        fail(f"{what} should return {n} values as a tuple, but returned {kind(value)}")
    return tuple(value)


def array(value: Any, what: str, shape: tuple | None = None, dtype: Any = None) -> np.ndarray:
    """value as an np.ndarray of the given shape and dtype, or a failure saying what it is."""
    if not isinstance(value, np.ndarray):
        hint = " (convert it with .detach().numpy())" if isinstance(value, torch.Tensor) else ""
        fail(f"{what} should be an np.ndarray, but is {kind(value)}{hint}")
    if shape is not None and value.shape != tuple(shape):
        fail(f"{what} should have shape {tuple(shape)}, but has shape {value.shape}")
    if dtype is not None and value.dtype != np.dtype(dtype):
        fail(f"{what} should have dtype {np.dtype(dtype)}, but has dtype {value.dtype}")
    return value


def tensor(value: Any, what: str, shape: tuple | None = None, dtype: torch.dtype | None = None) -> torch.Tensor:
    if not isinstance(value, torch.Tensor):
        fail(f"{what} should be a torch tensor, but is {kind(value)}")
    if shape is not None and tuple(value.shape) != tuple(shape):
        fail(f"{what} should have shape {tuple(shape)}, but has shape {tuple(value.shape)}")
    if dtype is not None and value.dtype != dtype:
        fail(f"{what} should have dtype {dtype}, but has dtype {value.dtype}")
    return value


def _vector(v: np.ndarray) -> str:
    return np.array2string(np.asarray(v), precision=4, suppress_small=True, max_line_width=200)


def close(got: np.ndarray, expected: np.ndarray, what: str, atol: float = config.FLOAT64_ATOL,
          rtol: float = config.FLOAT64_RTOL, rows: str = "") -> None:
    """Values agree; for a stack of states, name the first row (time step) that differs."""
    got = np.asarray(got, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    ok = np.isclose(got, expected, atol=atol, rtol=rtol)
    if ok.all():
        return
    worst = float(np.nanmax(np.abs(got - expected))) if np.isfinite(got).all() else float("nan")
    if rows and got.ndim >= 2:
        row = int(np.argmin(ok.reshape(len(ok), -1).all(axis=1)))
        fail(f"{what}: row {row} ({rows} {row + 1}) is the first that differs\n  expected {_vector(expected[row])}\n"
             f"  got      {_vector(got[row])}\n  (largest difference {worst:.3g})")
    fail(f"{what} differs from the expected values\n  expected {_vector(expected)}\n  got      {_vector(got)}\n"
         f"  (largest difference {worst:.3g})")


def module(value: Any, what: str, base: str) -> ModuleData:
    """value as the data of a module that is (or derives from) torch's `base` class."""
    if not isinstance(value, ModuleData):
        fail(f"{what} should be an nn.{base}, but is {kind(value)}")
    if value.base != base:
        fail(f"{what} should be an nn.{base}, but is a {value.type_name}")
    return value


def build(data: ModuleData, what: str, **overrides: Any) -> torch.nn.Module:
    """A trusted copy of a student's module, rebuilt from its configuration and weights."""
    try:
        return data.build(**overrides)
    except WireError as error:
        fail(f"{what} cannot be rebuilt: {error}")
