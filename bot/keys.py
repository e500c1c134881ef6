"""Secrets the server keeps in its data directory (IP hash salt, session id key): created once, mode 0600."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def persistent_key(data_dir: Path, name: str) -> bytes:
    """A random 32-byte secret kept in data_dir/name, created on first use and reused after restarts."""
    path = data_dir / name
    try:
        return bytes.fromhex(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex())
    return key
