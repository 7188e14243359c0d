"""soaplens frame wire protocol, version 1: encoding and decoding with NumPy.

This is the Python implementation of ``docs/wire-protocol.md`` (the Swift daemon holds the
other one). A frame is one ZeroMQ multipart message::

    [b"frame", header JSON (UTF-8), ids bytes, types bytes, positions bytes, (velocities bytes)]

and a control message is ``[b"control", JSON]``. ``encode_*`` build the list of parts;
``decode_message`` validates the parts the way the specification says a receiver must and
raises :class:`WireError` carrying the specification's reason code (``topic``,
``part-count``, ``header-json``, ...). Units: positions Å, velocities Å/ps, time ps,
``sent_at`` seconds since 1970-01-01 UTC.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np

PROTOCOL_FRAME = "soaplens-frame"
PROTOCOL_CONTROL = "soaplens-control"
VERSION = 1
TOPIC_FRAME = b"frame"
TOPIC_CONTROL = b"control"
CONTROL_KINDS = ("segment-start", "end")

#: Array names allowed in version 1 → (allowed dtypes, trailing shape after N, required).
ARRAY_SPECS = {
    "ids": (("<i8",), (), True),
    "types": (("<i4",), (), True),
    "positions": (("<f8", "<f4"), (3,), True),
    "velocities": (("<f8", "<f4"), (3,), False),
}


class WireError(ValueError):
    """A message that violates the wire protocol; ``reason`` is the specification's code."""

    def __init__(self, reason: str, message: str):
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.detail = message


@dataclass
class Frame:
    """One decoded (or to-be-encoded) MD frame.

    ``box`` holds the cell vectors as rows (Å) or is ``None`` when no axis is periodic;
    ``types`` index into ``species``; ``positions`` are absolute Cartesian Å.
    """

    run_id: str
    seq: int
    step: int
    time: Optional[float]
    ids: np.ndarray
    types: np.ndarray
    positions: np.ndarray
    species: list
    box: Optional[np.ndarray]
    pbc: tuple
    origin: tuple = (0.0, 0.0, 0.0)
    velocities: Optional[np.ndarray] = None
    sent_at: float = 0.0
    provenance: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def natoms(self) -> int:
        return int(self.ids.shape[0])


@dataclass
class Control:
    """A decoded control message (``segment-start`` or ``end``)."""

    kind: str
    run_id: str
    sent_at: float
    frames: Optional[int] = None
    source: Optional[str] = None


def _finite_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _le_array(a: np.ndarray, dtype: str) -> np.ndarray:
    """C-contiguous copy (only if needed) of ``a`` in the little-endian wire ``dtype``."""
    return np.ascontiguousarray(a, dtype=np.dtype(dtype))


def encode_frame(
    *,
    run_id: str,
    seq: int,
    step: int,
    time_ps: Optional[float],
    ids: np.ndarray,
    types: np.ndarray,
    positions: np.ndarray,
    species: Sequence[str],
    box: Optional[np.ndarray],
    pbc: Sequence[bool],
    origin: Optional[Sequence[float]] = None,
    velocities: Optional[np.ndarray] = None,
    provenance: Optional[dict] = None,
    sent_at: Optional[float] = None,
) -> list:
    """Build the parts of a frame message.

    ``positions``/``velocities`` keep their dtype when it is float32 or float64 (sent as
    ``<f4``/``<f8``); ``ids`` are sent as ``<i8`` and ``types`` as ``<i4``. ``box`` is a 3×3
    array of cell vectors as rows (Å) or ``None``. Raises ``ValueError`` on inconsistent
    shapes so that a publisher never emits a message the specification forbids.
    """
    if not run_id:
        raise ValueError("run_id must be a non-empty string")
    if seq < 0:
        raise ValueError(f"seq must be >= 0, got {seq}")
    ids = np.asarray(ids)
    n = int(ids.shape[0]) if ids.ndim == 1 else -1
    if n < 0:
        raise ValueError(f"ids must be 1-D, got shape {ids.shape}")
    types = np.asarray(types)
    positions = np.asarray(positions)
    if types.shape != (n,):
        raise ValueError(f"types shape {types.shape} != ({n},)")
    if positions.shape != (n, 3):
        raise ValueError(f"positions shape {positions.shape} != ({n}, 3)")
    pos_dtype = "<f4" if positions.dtype == np.float32 else "<f8"
    arrays = [("ids", "<i8", _le_array(ids, "<i8")), ("types", "<i4", _le_array(types, "<i4")),
              ("positions", pos_dtype, _le_array(positions, pos_dtype))]
    if velocities is not None:
        velocities = np.asarray(velocities)
        if velocities.shape != (n, 3):
            raise ValueError(f"velocities shape {velocities.shape} != ({n}, 3)")
        vel_dtype = "<f4" if velocities.dtype == np.float32 else "<f8"
        arrays.append(("velocities", vel_dtype, _le_array(velocities, vel_dtype)))
    if box is not None:
        box_list = np.asarray(box, dtype=np.float64).reshape(3, 3).tolist()
    else:
        box_list = None
    header = {
        "protocol": PROTOCOL_FRAME,
        "version": VERSION,
        "run_id": run_id,
        "seq": int(seq),
        "sent_at": float(time.time() if sent_at is None else sent_at),
        "step": int(step),
        "time": None if time_ps is None else float(time_ps),
        "natoms": n,
        "box": box_list,
        "pbc": [bool(p) for p in pbc],
        "species": [str(s) for s in species],
        "arrays": [{"name": name, "dtype": dtype, "shape": list(a.shape)} for name, dtype, a in arrays],
    }
    if origin is not None:
        header["origin"] = [float(v) for v in origin]
    if provenance:
        header["provenance"] = dict(provenance)
    parts = [TOPIC_FRAME, json.dumps(header, separators=(",", ":"), allow_nan=False).encode("utf-8")]
    parts.extend(a.tobytes(order="C") for _, _, a in arrays)
    return parts


def encode_control(kind: str, run_id: str, *, frames: Optional[int] = None,
                   source: Optional[str] = None, sent_at: Optional[float] = None) -> list:
    """Build the parts of a control message; ``frames`` is required for ``kind="end"``."""
    if kind not in CONTROL_KINDS:
        raise ValueError(f"unknown control kind {kind!r}")
    if kind == "end" and frames is None:
        raise ValueError("an 'end' control message needs the frame count")
    body = {"protocol": PROTOCOL_CONTROL, "version": VERSION, "kind": kind, "run_id": run_id,
            "sent_at": float(time.time() if sent_at is None else sent_at)}
    if frames is not None:
        body["frames"] = int(frames)
    if source is not None:
        body["source"] = source
    return [TOPIC_CONTROL, json.dumps(body, separators=(",", ":")).encode("utf-8")]


def _parse_json_object(raw: bytes) -> dict:
    try:
        obj = json.loads(bytes(raw).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise WireError("header-json", f"not UTF-8 JSON ({exc})") from None
    if not isinstance(obj, dict):
        raise WireError("header-json", f"JSON is a {type(obj).__name__}, not an object")
    return obj


def _check_version(obj: dict, protocol: str) -> None:
    if "protocol" not in obj or "version" not in obj:
        raise WireError("header-field", "missing 'protocol' or 'version'")
    if obj["protocol"] != protocol or not _is_int(obj["version"]) or obj["version"] != VERSION:
        raise WireError("version", f"protocol {obj['protocol']!r} version {obj['version']!r}")


def _require(obj: dict, key: str, check, what: str):
    if key not in obj:
        raise WireError("header-field", f"missing '{key}'")
    value = obj[key]
    if not check(value):
        raise WireError("header-field", f"'{key}' must be {what}, got {value!r}")
    return value


def decode_control(parts: Sequence[bytes]) -> Control:
    """Validate and decode a control message (parts including the topic)."""
    if len(parts) != 2:
        raise WireError("part-count", f"control message has {len(parts)} parts, expected 2")
    obj = _parse_json_object(parts[1])
    _check_version(obj, PROTOCOL_CONTROL)
    kind = _require(obj, "kind", lambda v: v in CONTROL_KINDS, "'segment-start' or 'end'")
    run_id = _require(obj, "run_id", lambda v: isinstance(v, str) and v != "", "a non-empty string")
    sent_at = _require(obj, "sent_at", _finite_number, "a number")
    frames = None
    if kind == "end":
        frames = _require(obj, "frames", lambda v: _is_int(v) and v >= 0, "an integer >= 0")
    source = obj.get("source")
    return Control(kind=kind, run_id=run_id, sent_at=float(sent_at), frames=frames,
                   source=source if isinstance(source, str) else None)


def _cell_ok(box: np.ndarray, pbc: Sequence[bool]) -> None:
    if not np.all(np.isfinite(box)):
        raise WireError("non-finite-cell", "box holds NaN or infinity")
    periodic = [i for i in range(3) if pbc[i]]
    vecs = box[periodic]
    if any(float(np.dot(v, v)) == 0.0 for v in vecs):
        raise WireError("degenerate-cell", "a periodic axis has a zero cell vector")
    if len(periodic) > 0:
        sv = np.linalg.svd(vecs, compute_uv=False)
        if sv[-1] <= 1e-9 * sv[0]:
            raise WireError("degenerate-cell", "periodic cell vectors are linearly dependent")


def decode_frame(parts: Sequence[bytes]) -> Frame:
    """Validate and decode a frame message (parts including the topic).

    Arrays are copied out of the message buffers (parts need not be aligned). Raises
    :class:`WireError` with the reason code of the first violation found.
    """
    if len(parts) < 2:
        raise WireError("part-count", f"frame message has {len(parts)} parts")
    h = _parse_json_object(parts[1])
    _check_version(h, PROTOCOL_FRAME)
    run_id = _require(h, "run_id", lambda v: isinstance(v, str) and v != "", "a non-empty string")
    seq = _require(h, "seq", lambda v: _is_int(v) and v >= 0, "an integer >= 0")
    sent_at = _require(h, "sent_at", lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
                       "a number")
    step = _require(h, "step", lambda v: _is_int(v) and -2**63 <= v < 2**63, "an int64")
    t = _require(h, "time", lambda v: v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)),
                 "a number or null")
    natoms = _require(h, "natoms", lambda v: _is_int(v) and v >= 0, "an integer >= 0")
    box = _require(h, "box", lambda v: v is None or (
        isinstance(v, list) and len(v) == 3 and all(
            isinstance(r, list) and len(r) == 3 and all(
                isinstance(x, (int, float)) and not isinstance(x, bool) for x in r) for r in v)),
        "a 3x3 array of numbers or null")
    pbc = _require(h, "pbc", lambda v: isinstance(v, list) and len(v) == 3 and all(
        isinstance(x, bool) for x in v), "an array of 3 booleans")
    species = _require(h, "species", lambda v: isinstance(v, list) and all(isinstance(s, str) for s in v),
                       "an array of strings")
    arrays = _require(h, "arrays", lambda v: isinstance(v, list) and all(
        isinstance(a, dict) for a in v), "an array of objects")
    origin = h.get("origin", [0.0, 0.0, 0.0])
    if not (isinstance(origin, list) and len(origin) == 3 and all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in origin)):
        raise WireError("header-field", f"'origin' must be 3 numbers, got {origin!r}")
    provenance = h.get("provenance", {})
    if not isinstance(provenance, dict):
        raise WireError("header-field", "'provenance' must be an object")
    if t is not None and not math.isfinite(t):
        raise WireError("non-finite-time", f"time = {t}")

    if len(parts) != 2 + len(arrays):
        raise WireError("part-count", f"{len(parts)} parts for {len(arrays)} arrays (expected {2 + len(arrays)})")
    decoded = {}
    for index, spec in enumerate(arrays):
        name, dtype, shape = spec.get("name"), spec.get("dtype"), spec.get("shape")
        if name not in ARRAY_SPECS:
            raise WireError("array-spec", f"unknown array name {name!r}")
        if name in decoded:
            raise WireError("array-spec", f"array {name!r} listed twice")
        dtypes, trailing, _ = ARRAY_SPECS[name]
        if dtype not in dtypes:
            raise WireError("array-spec", f"array {name!r} has dtype {dtype!r}, allowed {list(dtypes)}")
        expected = [natoms, *trailing]
        if not (isinstance(shape, list) and all(_is_int(s) for s in shape) and shape == expected):
            raise WireError("array-spec", f"array {name!r} has shape {shape!r}, expected {expected}")
        dt = np.dtype(dtype)
        nbytes = int(np.prod(expected)) * dt.itemsize
        raw = bytes(parts[2 + index])
        if len(raw) != nbytes:
            raise WireError("array-size", f"array {name!r} has {len(raw)} bytes, expected {nbytes}")
        decoded[name] = np.frombuffer(raw, dtype=dt).reshape(expected).copy()
    for name, (_, _, required) in ARRAY_SPECS.items():
        if required and name not in decoded:
            raise WireError("array-spec", f"required array {name!r} missing")

    for name in ("positions", "velocities"):
        if name in decoded and not np.all(np.isfinite(decoded[name])):
            raise WireError("non-finite", f"{name} hold NaN or infinity")
    ids = decoded["ids"]
    if np.unique(ids).shape[0] != ids.shape[0]:
        raise WireError("duplicate-id", "two atoms share an id")
    types = decoded["types"]
    if types.size and (types.min() < 0 or types.max() >= len(species)):
        raise WireError("type-range", f"type index outside 0..<{len(species)}")
    box_arr = None
    if box is None:
        if any(pbc):
            raise WireError("missing-cell", "periodic axes but box is null")
    else:
        box_arr = np.asarray(box, dtype=np.float64)
        _cell_ok(box_arr, pbc)

    known = {"protocol", "version", "run_id", "seq", "sent_at", "step", "time", "natoms", "box",
             "origin", "pbc", "species", "arrays", "provenance"}
    return Frame(run_id=run_id, seq=seq, step=step, time=None if t is None else float(t),
                 ids=ids, types=types, positions=decoded["positions"], species=list(species),
                 box=box_arr, pbc=tuple(pbc), origin=tuple(float(x) for x in origin),
                 velocities=decoded.get("velocities"), sent_at=float(sent_at),
                 provenance=dict(provenance), extra={k: v for k, v in h.items() if k not in known})


def decode_message(parts: Sequence[bytes]):
    """Decode any soaplens message: returns a :class:`Frame` or a :class:`Control`."""
    if not parts:
        raise WireError("part-count", "empty message")
    topic = bytes(parts[0])
    if topic == TOPIC_FRAME:
        return decode_frame(parts)
    if topic == TOPIC_CONTROL:
        return decode_control(parts)
    raise WireError("topic", f"unknown topic {topic[:32]!r}")
