"""A session as JSON and back, exactly: Decimal, dates and tuples keep their types, `last` stays the same
object as its entry in `batch`. Used by the persisted stores (SQLite snapshot, Redis)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import orjson

from bot.sessions.store import Pending, Session

FORMAT = 1


class SessionDecodeError(ValueError):
    """Stored session data that cannot be read back (another version, damaged): treated as no session."""


def _tagged(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$t": [_tagged(v) for v in value]}
    if isinstance(value, list):
        return [_tagged(v) for v in value]
    if isinstance(value, dict):
        return {"$m": [[_tagged(k), _tagged(v)] for k, v in value.items()]}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"会话中有无法保存的值：{type(value).__name__}")


_UNTAG: dict[str, Callable[[Any], Any]] = {
    "$d": Decimal,
    "$dt": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$t": lambda items: tuple(_untagged(v) for v in items),
    "$m": lambda pairs: {_untagged(k): _untagged(v) for k, v in pairs},
}


def _untagged(value: Any) -> Any:
    if isinstance(value, list):
        return [_untagged(v) for v in value]
    if isinstance(value, dict):
        ((tag, inner),) = value.items()
        return _UNTAG[tag](inner)
    return value


def _pending(p: Pending) -> dict[str, Any]:
    return {
        "tool": p.tool,
        "args": _tagged(p.args),
        "missing": list(p.missing),
        "clause": p.clause_id,
        "year": p.year,
    }


def _unpending(d: dict[str, Any]) -> Pending:
    return Pending(
        str(d["tool"]), _untagged(d["args"]), [str(m) for m in d["missing"]], str(d["clause"]), d["year"]
    )


def encode_session(session: Session) -> bytes:
    """The session's conversation state as JSON bytes (its lock is not state)."""
    batch_index = next((i for i, p in enumerate(session.batch) if p is session.last), None)
    last: Any = None
    if batch_index is not None:
        last = {"$batch": batch_index}
    elif session.last is not None:
        last = _pending(session.last)
    data = {
        "v": FORMAT,
        "id": session.id,
        "pending": None if session.pending is None else _pending(session.pending),
        "last": last,
        "batch": [_pending(p) for p in session.batch],
        "history": [list(turn) for turn in session.history],
        "doc_id": session.doc_id,
        "clause": session.clause,
    }
    return orjson.dumps(data)


def decode_session(raw: bytes | str, last_seen: float) -> Session:
    """The session encode_session wrote; SessionDecodeError when the data is not one."""
    try:
        data = orjson.loads(raw)
        if data.get("v") != FORMAT:
            raise SessionDecodeError(f"unknown session format {data.get('v')!r}")
        batch = [_unpending(p) for p in data["batch"]]
        last_data = data["last"]
        last = batch[last_data["$batch"]] if isinstance(last_data, dict) and "$batch" in last_data else None
        if last is None and last_data is not None:
            last = _unpending(last_data)
        return Session(
            id=str(data["id"]),
            last_seen=last_seen,
            pending=None if data["pending"] is None else _unpending(data["pending"]),
            last=last,
            batch=batch,
            history=[(str(q), str(s)) for q, s in data["history"]],
            doc_id=data["doc_id"],
            clause=data.get("clause"),  # absent from sessions stored before it was kept
        )
    except SessionDecodeError:
        raise
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, ArithmeticError) as exc:
        raise SessionDecodeError(str(exc)) from exc
