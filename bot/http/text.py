"""How serving front-ends (web UI, WeChat, streaming) label clauses and cut text into pieces."""

from __future__ import annotations

import re

from bot.packs.corpus import Clause

# Pieces end after Chinese sentence punctuation or a newline, so streamed text arrives in readable units.
_PIECE = re.compile(r"[^。；！？\n]*[。；！？\n]+|[^。；！？\n]+")


def clause_label(clause: Clause) -> str:
    """How people cite a clause: 第3条（加大流片支持）, 附则第1条（适用范围）, 发展目标."""
    if clause.id.startswith("m"):
        return f"第{clause.number}条（{clause.title}）"
    if clause.id.startswith("a"):
        return f"附则第{clause.number}条（{clause.title}）"
    return clause.title


def copy_text(clause: Clause, doc_number: str) -> str:
    """A clause as hotline staff paste it: 文号, number and title, then the verbatim text."""
    return f"{doc_number} {clause_label(clause)}\n{clause.text}"


def text_pieces(text: str) -> list[str]:
    """Split an answer into sentence-sized pieces for streaming; joined they give back the text."""
    return _PIECE.findall(text) or [text]
