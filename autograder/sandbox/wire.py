"""The data crossing the sandbox boundary: JSON plus raw .npy arrays, never pickle.

A frame is: 8-byte length, 4-byte JSON length, the JSON document, then the binary blobs it refers
to. Values are plain data: None, bool, int, float, str, list, tuple, dict, NumPy arrays and scalars,
torch tensors, nn.Modules (as ModuleData: type, configuration, weights, children) and Handles to
objects kept alive in the sandbox. Anything else arrives as Unsupported, so that a grader can say
"returned a Foo" instead of crashing.
"""
from __future__ import annotations

import io
import json
import socket
import struct
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

MAX_DEPTH = 64
MAX_SIZE_IN_CONFIG = 4096  # a module configuration with a larger size is not rebuilt

_HEAD = struct.Struct(">QI")


class WireError(Exception):
    """A frame or value that cannot be read or rebuilt."""


@dataclass(frozen=True)
class Handle:
    """An object that stays in the sandbox (e.g. a student's Net); refer to it in later calls."""

    id: int
    type_name: str


@dataclass(frozen=True)
class Unsupported:
    """A value of a type that does not cross the boundary."""

    type_name: str

    def __repr__(self) -> str:
        return f"<a {self.type_name} object>"


@dataclass
class ModuleData:
    """An nn.Module as data: its own tensors, its known configuration, its child modules."""

    type_name: str
    base: str = ""      # the torch class it is or derives from, when it can be rebuilt
    config: dict = field(default_factory=dict)
    tensors: dict[str, torch.Tensor] = field(default_factory=dict)
    children: dict[str, "ModuleData"] = field(default_factory=dict)

    def state_dict(self, prefix: str = "") -> dict[str, torch.Tensor]:
        state = {prefix + k: v for k, v in self.tensors.items()}
        for name, child in self.children.items():
            state.update(child.state_dict(f"{prefix}{name}."))
        return state

    def build(self, **overrides: Any) -> nn.Module:
        """A real module of a known type (RNN, LSTM, GRU, Linear) with these weights."""
        kind = _BUILDABLE.get(self.base)
        if kind is None:
            raise WireError(f"cannot rebuild a {self.type_name}")
        config = {**self.config, **overrides}
        for key, value in config.items():
            if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= MAX_SIZE_IN_CONFIG:
                raise WireError(f"{self.type_name} has {key}={value}")
        try:
            module = kind(**config)
            module.load_state_dict(self.state_dict(), strict=True)
        except (TypeError, ValueError, RuntimeError) as error:
            raise WireError(f"its weights do not fit a {self.type_name}({_kwargs(config)}): {error}") from None
        return module


_RNN_KEYS = ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional")
_CONFIG_KEYS = {
    "RNN": _RNN_KEYS + ("nonlinearity",),
    "LSTM": _RNN_KEYS,
    "GRU": _RNN_KEYS,
    "Linear": ("in_features", "out_features"),
}
_BUILDABLE = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU, "Linear": nn.Linear}


def _kwargs(config: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in config.items())


def module_to_data(module: nn.Module) -> ModuleData:
    type_name = type(module).__name__
    base = next((name for name, kind in _BUILDABLE.items() if isinstance(module, kind)), "")
    config = {}
    if base:
        config = {k: getattr(module, k) for k in _CONFIG_KEYS[base]}
        if base == "Linear":
            config["bias"] = module.bias is not None
    tensors = {k: v.detach() for k, v in module.named_parameters(recurse=False)}
    tensors.update({k: v.detach() for k, v in module.named_buffers(recurse=False) if v is not None})
    children = {k: module_to_data(c) for k, c in module.named_children()}
    return ModuleData(type_name, base, config, tensors, children)


# ---------------------------------------------------------------- values <-> JSON + blobs

def encode(value: Any, blobs: list[bytes], depth: int = 0) -> Any:
    """A JSON-able document for value; arrays go to blobs."""
    if depth > MAX_DEPTH:
        return {"__unsupported__": "structure nested too deeply"}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if -2**63 <= value < 2**63 else {"__unsupported__": "int too large"}
    if isinstance(value, float):
        return value if np.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, Handle):
        return {"__handle__": value.id, "type": value.type_name}
    if isinstance(value, np.ndarray):
        return _encode_array(value, "__ndarray__", blobs)
    if isinstance(value, np.generic):
        return _encode_array(np.asarray(value), "__npscalar__", blobs)
    if isinstance(value, torch.Tensor):
        return _encode_tensor(value, blobs)
    if isinstance(value, nn.Module):
        return {"__module__": _encode_module(module_to_data(value), blobs, depth)}
    if isinstance(value, ModuleData):
        return {"__module__": _encode_module(value, blobs, depth)}
    if isinstance(value, (list, tuple)):  # torch.Size is a tuple
        items = [encode(v, blobs, depth + 1) for v in value]
        return items if type(value) is list else {"__tuple__": items}
    if isinstance(value, dict):
        return {"__dict__": [[encode(k, blobs, depth + 1), encode(v, blobs, depth + 1)] for k, v in value.items()]}
    return {"__unsupported__": type(value).__name__}


def _encode_array(array: np.ndarray, tag: str, blobs: list[bytes]) -> Any:
    if array.dtype.hasobject or array.dtype.kind not in "biufc":
        return {"__unsupported__": f"array of dtype {array.dtype}"}
    buffer = io.BytesIO()
    # ascontiguousarray makes a 0-d array 1-d: reshape back, so np.int64(3) arrives as np.int64(3)
    np.save(buffer, np.ascontiguousarray(array).reshape(array.shape), allow_pickle=False)
    blobs.append(buffer.getvalue())
    return {tag: len(blobs) - 1}


def _encode_tensor(tensor: torch.Tensor, blobs: list[bytes]) -> Any:
    try:
        array = tensor.detach().cpu().numpy()
    except (TypeError, RuntimeError):
        return {"__unsupported__": f"tensor of dtype {tensor.dtype}"}
    return _encode_array(array, "__tensor__", blobs)


def _encode_module(data: ModuleData, blobs: list[bytes], depth: int) -> dict:
    return {
        "type": data.type_name,
        "base": data.base,
        "config": data.config,
        "tensors": {k: _encode_tensor(v, blobs) for k, v in data.tensors.items()},
        "children": {k: _encode_module(c, blobs, depth + 1) for k, c in data.children.items()},
    }


def decode(doc: Any, blobs: list[bytes], handles: Callable[[int, str], Any] | None = None,
           build_modules: bool = False) -> Any:
    """The value of a document from encode(). Never runs code from the data.

    handles maps a handle reference to the live object (sandbox side); build_modules turns
    ModuleData into real modules (sandbox side, for modules the grader passes in).
    """
    def walk(d: Any) -> Any:
        if isinstance(d, list):
            return [walk(v) for v in d]
        if not isinstance(d, dict):
            return d
        if "__tuple__" in d:
            return tuple(walk(v) for v in d["__tuple__"])
        if "__dict__" in d:
            return {_hashable(walk(k)): walk(v) for k, v in d["__dict__"]}
        if "__ndarray__" in d:
            return _array(blobs, d["__ndarray__"])
        if "__npscalar__" in d:
            scalar = _array(blobs, d["__npscalar__"])
            if scalar.size != 1:
                raise WireError("a NumPy scalar that is not one value")
            return scalar.reshape(())[()]
        if "__tensor__" in d:
            return torch.from_numpy(_array(blobs, d["__tensor__"]).copy())
        if "__float__" in d:
            return float(d["__float__"])
        if "__handle__" in d:
            handle = Handle(int(d["__handle__"]), str(d.get("type", "")))
            return handles(handle.id, handle.type_name) if handles else handle
        if "__module__" in d:
            data = _module(d["__module__"], blobs)
            return data.build() if build_modules else data
        if "__unsupported__" in d:
            return Unsupported(str(d["__unsupported__"])[:80])
        raise WireError(f"unknown value {sorted(d)[:3]}")
    try:
        return walk(doc)
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as error:
        raise WireError(f"malformed value: {error!r}") from None


def _hashable(key: Any) -> Any:
    try:
        hash(key)
    except TypeError:
        return repr(key)
    return key


def _array(blobs: list[bytes], index: Any) -> np.ndarray:
    try:
        return np.load(io.BytesIO(blobs[int(index)]), allow_pickle=False)
    except (IndexError, ValueError, OSError) as error:
        raise WireError(f"bad array: {error}") from None


def _module_tensor(d: Any, blobs: list[bytes]) -> torch.Tensor:
    if not isinstance(d, dict) or "__tensor__" not in d:
        raise WireError(f"a module weight is not a tensor: {d!r:.80}")
    return torch.from_numpy(_array(blobs, d["__tensor__"]).copy())


def _module(d: dict, blobs: list[bytes]) -> ModuleData:
    if not isinstance(d, dict):
        raise WireError("bad module")
    return ModuleData(
        type_name=str(d.get("type", "?"))[:80],
        base=str(d.get("base", ""))[:80],
        config=dict(d.get("config") or {}),
        tensors={str(k): _module_tensor(v, blobs) for k, v in (d.get("tensors") or {}).items()},
        children={str(k): _module(v, blobs) for k, v in (d.get("children") or {}).items()},
    )


# ---------------------------------------------------------------- frames on a socket

def send(sock: socket.socket, message: dict, blobs: list[bytes] = ()) -> None:
    """Send one frame: a JSON message and the blobs its values refer to."""
    doc = json.dumps({**message, "blob_sizes": [len(b) for b in blobs]}).encode()
    sock.sendall(_HEAD.pack(len(doc) + sum(len(b) for b in blobs), len(doc)) + doc + b"".join(blobs))


def split(frame: bytes, doc_len: int) -> tuple[dict, list[bytes]]:
    """The message and blobs of a frame body (the bytes after the 12-byte head)."""
    try:
        message = json.loads(frame[:doc_len])
        sizes = [int(s) for s in message.pop("blob_sizes")]
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:  # e.g. [[[[...]]]]
        raise WireError(f"bad frame: {error}") from None
    blobs, offset = [], doc_len
    for size in sizes:
        if size < 0 or offset + size > len(frame):
            raise WireError("bad frame: blob sizes do not add up")
        blobs.append(frame[offset:offset + size])
        offset += size
    return message, blobs


HEAD_SIZE = _HEAD.size


def read_head(head: bytes, max_bytes: int) -> tuple[int, int]:
    """(body length, JSON length) of a frame head; refuses frames over max_bytes."""
    body_len, doc_len = _HEAD.unpack(head)
    if body_len > max_bytes or doc_len > body_len:
        raise WireError(f"a reply of {body_len} bytes is over the limit of {max_bytes}")
    return body_len, doc_len


def recv_blocking(sock: socket.socket, max_bytes: int) -> tuple[dict, list[bytes]] | None:
    """One frame, waiting as long as it takes (sandbox side); None at end of stream."""
    head = _read_exactly(sock, HEAD_SIZE)
    if head is None:
        return None
    body_len, doc_len = read_head(head, max_bytes)
    body = _read_exactly(sock, body_len)
    if body is None:
        return None
    return split(body, doc_len)


def _read_exactly(sock: socket.socket, n: int) -> bytes | None:
    chunks, got = [], 0
    while got < n:
        chunk = sock.recv(min(n - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)
