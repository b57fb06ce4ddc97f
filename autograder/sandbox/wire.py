"""The data crossing the sandbox boundary: JSON plus raw array bytes, never pickle.

A frame is: 8-byte length, 4-byte JSON length, the JSON document, then the binary blobs it refers
to; an array is its blob's index, dtype and shape in the document, its C-order bytes in the blob.
Values are plain data: None, bool, int, float, str, list, tuple, dict, NumPy arrays and scalars,
torch tensors, nn.Modules (as ModuleData: type, configuration, weights, frozen weights, children)
and Handles to objects kept alive in the sandbox. Anything else arrives as Unsupported, so that a
grader can say "returned a Foo" instead of crashing.

Decoding trusts nothing it reads: values and depth are counted as they are read, an array's dtype
must be a plain number and its shape must fill its blob's length exactly before it is allocated, a
module's configuration may hold only its type's keys and must match its weights' shapes (and a
parameter cap) before a module is built. The limits are in config.py.
"""
from __future__ import annotations

import json
import math
import socket
import struct
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from .. import config as limits

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
    frozen: list[str] = field(default_factory=list)  # its own parameters that no longer require grad
    buffers: list[str] = field(default_factory=list)  # its own tensors that are buffers, not parameters

    def parameters(self, prefix: str = "") -> dict[str, torch.Tensor]:
        """The state_dict without buffers: the weights a module of its base type has."""
        state = {prefix + k: v for k, v in self.tensors.items() if k not in self.buffers}
        for name, child in self.children.items():
            state.update(child.parameters(f"{prefix}{name}."))
        return state

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
        config = checked_config(self.base, {**self.config, **overrides})
        state = self.parameters()  # a subclass's buffers of its own are not the base type's weights
        # Arithmetic first: a configuration claiming 4096 layers must not allocate them.
        expected = parameter_shapes(self.base, config)
        got = {k: tuple(v.shape) for k, v in state.items()}
        if got != expected:
            raise WireError(f"its configuration does not match its weights: {_mismatch(expected, got)}")
        try:
            module = kind(**config)
            module.load_state_dict(state, strict=True)
        except (TypeError, ValueError, RuntimeError) as error:
            raise WireError(f"its weights do not fit a {self.type_name}({_kwargs(config)}): {error}") from None
        return module


_RNN_KEYS = ("input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout", "bidirectional")
_CONFIG_KEYS = {
    "RNN": _RNN_KEYS + ("nonlinearity",),
    "LSTM": _RNN_KEYS,
    "GRU": _RNN_KEYS,
    "Linear": ("in_features", "out_features", "bias"),
}
_BUILDABLE = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU, "Linear": nn.Linear}
_GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}
_FLAGS = ("bias", "batch_first", "bidirectional")


def checked_config(base: str, config: Any) -> dict:
    """config when it holds only keys of base's type, each of its type (as torch requires) and in
    its range."""
    if not isinstance(config, dict):
        raise WireError("a module configuration is not a dict")
    known = _CONFIG_KEYS.get(base, ())
    for key, value in config.items():
        if key not in known:
            raise WireError(f"unknown configuration key {str(key)[:limits.MAX_NAME_CHARS]!r} "
                            f"for a {base or 'module that cannot be rebuilt'}")
        if key in _FLAGS:
            ok = type(value) is bool
        elif key == "dropout":
            ok = type(value) in (int, float) and 0 <= value <= 1
        elif key == "nonlinearity":
            ok = value in ("tanh", "relu")
        else:
            ok = type(value) is int and int(key in ("num_layers", "hidden_size")) <= value <= limits.MAX_SIZE_IN_CONFIG
        if not ok:
            raise WireError(f"its configuration has {key}={value!r:.40}")
    return dict(config)


def parameter_shapes(base: str, config: dict) -> dict[str, tuple[int, ...]]:
    """The shape of every weight a torch module of this checked configuration has, by arithmetic."""
    def size(key: str, default: int | None = None) -> int:
        if key not in config and default is None:
            raise WireError(f"its configuration has no {key}")
        return config.get(key, default)

    bias = config.get("bias", True)
    if base == "Linear":
        out, width = size("out_features"), size("in_features")
        _capped(out * (width + bias))
        return {"weight": (out, width), **({"bias": (out,)} if bias else {})}
    gates, hidden, layers = _GATES[base], size("hidden_size"), size("num_layers", 1)
    directions = 2 if config.get("bidirectional", False) else 1
    width = size("input_size")
    rows = gates * hidden  # the gates' weights are stacked
    _capped(directions * rows * (width + hidden + 2 * bias + (layers - 1) * (hidden * directions + hidden + 2 * bias)))
    shapes = {}
    for layer in range(layers):
        for suffix in ("", "_reverse")[:directions]:
            name = f"l{layer}{suffix}"
            shapes[f"weight_ih_{name}"] = (rows, width if layer == 0 else hidden * directions)
            shapes[f"weight_hh_{name}"] = (rows, hidden)
            if bias:
                shapes[f"bias_ih_{name}"] = shapes[f"bias_hh_{name}"] = (rows,)
    return shapes


def _capped(parameters: int) -> None:
    """Refuses a configuration with too many parameters before a single shape is listed."""
    if parameters > limits.MAX_MODULE_PARAMETERS:
        raise WireError(f"its configuration claims {parameters} parameters, over the limit of "
                        f"{limits.MAX_MODULE_PARAMETERS}")


def _mismatch(expected: dict[str, tuple], got: dict[str, tuple]) -> str:
    for name in expected:
        if name not in got:
            return f"it has no {name} (expected shape {expected[name]})"
        if got[name] != expected[name]:
            return f"{name} should have shape {expected[name]}, but has shape {got[name]}"
    return f"it has a weight {next(n for n in got if n not in expected)!r:.80} that its type does not have"


def _kwargs(config: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in config.items())


def module_to_data(module: nn.Module) -> ModuleData:
    type_name = type(module).__name__
    base = next((name for name, kind in _BUILDABLE.items() if isinstance(module, kind)), "")
    config = {}
    if base:
        config = {k: getattr(module, k) for k in _CONFIG_KEYS[base]}
        if base == "Linear":  # its .bias is the tensor
            config["bias"] = module.bias is not None
    tensors = {k: v.detach() for k, v in module.named_parameters(recurse=False)}
    frozen = [k for k, v in module.named_parameters(recurse=False) if not v.requires_grad]
    # What its state_dict holds: a non-persistent buffer (a subclass's constant) is not part of the module's state.
    buffers = {k: v.detach() for k, v in module.named_buffers(recurse=False)
               if v is not None and k not in module._non_persistent_buffers_set}
    tensors.update(buffers)
    children = {k: module_to_data(c) for k, c in module.named_children()}
    return ModuleData(type_name, base, config, tensors, children, frozen, list(buffers))


# ---------------------------------------------------------------- values <-> JSON + blobs

def encode(value: Any, blobs: list[bytes], depth: int = 0) -> Any:
    """A JSON-able document for value; arrays go to blobs."""
    if depth > limits.MAX_WIRE_DEPTH:
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
    blobs.append(array.tobytes())  # C order, whatever the array's own layout
    return {tag: len(blobs) - 1, "dtype": array.dtype.str, "shape": list(array.shape)}


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
        "frozen": data.frozen,
        "buffers": data.buffers,
    }


def decode(doc: Any, blobs: list[bytes], handles: Callable[[int, str], Any] | None = None,
           build_modules: bool = False) -> Any:
    """The value of a document from encode(). Never runs code from the data; WireError for anything
    encode() would not have sent or that is over a limit.

    handles maps a handle reference to the live object (sandbox side); build_modules turns
    ModuleData into real modules (sandbox side, for modules the grader passes in).
    """
    try:
        return _Decoder(blobs, handles, build_modules).value(doc, 0)
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError, IndexError, OverflowError) as error:
        raise WireError(f"malformed value: {error!r:.200}") from None


# The dtypes that cross, by their names on the wire: numbers of their usual sizes in this machine's
# byte order (no structured, void, object, text or dates).
_ITEMSIZES = {"b": (1,), "i": (1, 2, 4, 8), "u": (1, 2, 4, 8), "f": (2, 4, 8), "c": (8, 16)}
_DTYPES = {dtype.str: dtype for dtype in (np.dtype(f"{kind}{size}") for kind, sizes in _ITEMSIZES.items()
                                          for size in sizes)}
_MAX_DIMENSIONS = 32  # numpy's own limit


class _Decoder:
    """Reads one document, counting its values, depth and array elements as it goes."""

    def __init__(self, blobs: list[bytes], handles: Callable[[int, str], Any] | None, build_modules: bool):
        self.blobs, self.handles, self.build_modules = blobs, handles, build_modules
        self.values = self.elements = 0

    def _count(self, depth: int) -> None:
        self.values += 1
        if self.values > limits.MAX_REPLY_VALUES:
            raise WireError(f"it holds more than {limits.MAX_REPLY_VALUES} values (return arrays, not long lists)")
        if depth > limits.MAX_WIRE_DEPTH + 1:  # + 1: the marker encode() puts where it cut
            raise WireError(f"it is nested more than {limits.MAX_WIRE_DEPTH} levels deep")

    def value(self, d: Any, depth: int) -> Any:
        self._count(depth)
        if isinstance(d, list):
            return [self.value(v, depth + 1) for v in d]
        if not isinstance(d, dict):
            return d
        if "__tuple__" in d:
            return tuple(self.value(v, depth + 1) for v in _list(d["__tuple__"]))
        if "__dict__" in d:
            return {_hashable(self.value(k, depth + 1)): self.value(v, depth + 1) for k, v in _list(d["__dict__"])}
        if "__ndarray__" in d:
            return self.array(d, "__ndarray__")
        if "__npscalar__" in d:
            scalar = self.array(d, "__npscalar__")
            if scalar.size != 1:
                raise WireError("a NumPy scalar that is not one value")
            return scalar.reshape(())[()]
        if "__tensor__" in d:
            return self.tensor(d)
        if "__float__" in d:
            return float(str(d["__float__"])[:40])
        if "__handle__" in d:
            if type(d["__handle__"]) is not int:
                raise WireError(f"bad object handle {str(d['__handle__'])[:40]}")
            handle = Handle(d["__handle__"], _text(d.get("type", "")))
            return self.handles(handle.id, handle.type_name) if self.handles else handle
        if "__module__" in d:
            data = self.module(d["__module__"], depth)
            return data.build() if self.build_modules else data
        if "__unsupported__" in d:
            return Unsupported(_text(d["__unsupported__"]))
        raise WireError(f"unknown value {_text(sorted(map(str, d))[:3])}")

    def array(self, d: dict, tag: str) -> np.ndarray:
        """The array d describes, read only once its dtype is a plain number and its shape fills
        its blob's length exactly."""
        index, name, shape = d[tag], d.get("dtype"), d.get("shape")
        if type(index) is not int or not 0 <= index < len(self.blobs):
            raise WireError(f"bad array: no blob {index!r:.20}")
        dtype = _DTYPES.get(name) if type(name) is str else None
        if dtype is None:
            raise WireError(f"bad array: dtype {str(name)[:80]} is not a plain number type in this "
                            "machine's byte order")
        if (type(shape) is not list or len(shape) > _MAX_DIMENSIONS
                or not all(type(n) is int and n >= 0 for n in shape)):
            raise WireError(f"bad array: shape {str(shape)[:80]}")
        blob = self.blobs[index]
        count = math.prod(shape)  # exact: Python ints do not overflow
        if count * dtype.itemsize != len(blob):
            claimed = count if count < 10**18 else "over 10**18"  # str() of a huge int is refused
            raise WireError(f"bad array: it claims {claimed} elements of {dtype} in {len(blob)} bytes")
        self.elements += count
        if self.elements > limits.MAX_REPLY_ELEMENTS:
            raise WireError(f"its arrays hold more than {limits.MAX_REPLY_ELEMENTS} elements")
        return np.frombuffer(blob, dtype=dtype, count=count).reshape(shape).copy()

    def tensor(self, d: Any) -> torch.Tensor:
        if not isinstance(d, dict) or "__tensor__" not in d:
            raise WireError(f"a module weight is not a tensor: {d!r:.80}")
        return torch.from_numpy(self.array(d, "__tensor__"))

    def module(self, d: Any, depth: int) -> ModuleData:
        if not isinstance(d, dict):
            raise WireError("bad module")
        base = d.get("base", "")
        if base != "" and base not in _BUILDABLE:
            raise WireError(f"bad module base {_text(base)!r}")
        config = checked_config(base, d.get("config") or {})
        tensors, children = d.get("tensors") or {}, d.get("children") or {}
        if not (isinstance(tensors, dict) and isinstance(children, dict)):
            raise WireError("bad module")
        data = ModuleData(type_name=_text(d.get("type", "?")), base=base, config=config)
        for name, tensor in tensors.items():
            self._count(depth + 1)
            data.tensors[_name(name)] = self.tensor(tensor)
        for name, child in children.items():
            self._count(depth + 1)
            data.children[_name(name)] = self.module(child, depth + 1)
        frozen = d.get("frozen") or []
        if not isinstance(frozen, list):
            raise WireError("bad module")
        for name in frozen:
            self._count(depth + 1)
            if _name(name) not in data.tensors or name in data.frozen:
                raise WireError(f"a frozen parameter {name!r:.80} that the module does not have, or names twice")
            data.frozen.append(name)
        buffers = d.get("buffers") or []
        if not isinstance(buffers, list):
            raise WireError("bad module")
        for name in buffers:
            self._count(depth + 1)
            if _name(name) not in data.tensors or name in data.buffers or name in data.frozen:
                raise WireError(f"a buffer {name!r:.80} that the module does not have, names twice, or "
                                "says is a frozen parameter")
            data.buffers.append(name)
        return data


def _list(value: Any) -> list:
    if not isinstance(value, list):
        raise WireError(f"malformed value: expected a list, got {type(value).__name__}")
    return value


def _text(value: Any) -> str:
    return str(value)[:limits.MAX_NAME_CHARS]


def _name(value: Any) -> str:
    """An attribute name of a module: a string of a sensible length, never cut (names must match)."""
    if not isinstance(value, str) or len(value) > limits.MAX_NAME_CHARS:
        raise WireError(f"bad module attribute name {value!r:.80}")
    return value


def _hashable(key: Any) -> Any:
    try:
        hash(key)
    except TypeError:
        return repr(key)
    return key


# ---------------------------------------------------------------- frames on a socket

def frame(message: dict, blobs: list[bytes] = ()) -> bytes:
    """One frame: a JSON message and the blobs its values refer to."""
    doc = json.dumps({**message, "blob_sizes": [len(b) for b in blobs]}).encode()
    return _HEAD.pack(len(doc) + sum(len(b) for b in blobs), len(doc)) + doc + b"".join(blobs)


def send(sock: socket.socket, message: dict, blobs: list[bytes] = ()) -> None:
    sock.sendall(frame(message, blobs))


def unframe(data: bytes, max_bytes: int) -> tuple[dict, list[bytes]]:
    """The message and blobs of a whole frame read from a file (WireError if it is not one)."""
    if len(data) < HEAD_SIZE:
        raise WireError("bad frame: it is cut short")
    body_len, doc_len = read_head(data[:HEAD_SIZE], max_bytes)
    if body_len != len(data) - HEAD_SIZE:
        raise WireError("bad frame: its length is not the file's")
    return split(data[HEAD_SIZE:], doc_len)


def split(frame: bytes | bytearray, doc_len: int) -> tuple[dict, list[bytes]]:
    """The message and blobs of a frame body (the bytes after the 12-byte head); blobs are views
    into the frame, not copies."""
    frame = memoryview(frame)
    try:
        message = json.loads(bytes(frame[:doc_len]), parse_constant=_no_constant, parse_float=_finite)
        sizes = message.pop("blob_sizes")
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:  # e.g. [[[[...]]]]
        raise WireError(f"bad frame: {error}") from None
    if type(sizes) is not list or not all(type(s) is int for s in sizes):
        raise WireError("bad frame: its blob sizes are not whole numbers")
    blobs, offset = [], doc_len
    for size in sizes:
        if size < 0 or offset + size > len(frame):
            raise WireError("bad frame: blob sizes do not add up")
        blobs.append(frame[offset:offset + size])
        offset += size
    return message, blobs


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")  # encode() sends a non-finite float as {"__float__": ...}


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999: Python's json reads it as infinity
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


HEAD_SIZE = _HEAD.size


def read_head(head: bytes, max_bytes: int, max_json: int | None = None) -> tuple[int, int]:
    """(body length, JSON length) of a frame head; refuses frames over max_bytes, or whose JSON
    part is over max_json (the trusted side caps replies: their arrays travel as blobs)."""
    body_len, doc_len = _HEAD.unpack(head)
    if body_len > max_bytes or doc_len > body_len:
        raise WireError(f"a reply of {body_len} bytes is over the limit of {max_bytes}")
    if max_json is not None and doc_len > max_json:
        raise WireError(f"the JSON part of its reply, {doc_len} bytes, is over the limit of {max_json} "
                        "(return arrays, not long lists or strings)")
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
