"""How serving front-ends (web UI, WeChat, streaming) label clauses and cut text into pieces."""

from __future__ import annotations

import re

from bot.packs.corpus import Clause, Corpus

# Pieces end after Chinese sentence punctuation or a newline, so streamed text arrives in readable units.
_PIECE = re.compile(r"[^。；！？\n]*[。；！？\n]+|[^。；！？\n]+")


def clause_label(corpus: Corpus, clause: Clause) -> str:
    """How people cite a clause (from its document's label templates): 第3条（加大流片支持）, 发展目标."""
    return corpus.label(clause, "cite")


def copy_text(corpus: Corpus, clause: Clause) -> str:
    """A clause as hotline staff paste it: 文号, number and title, then the verbatim text."""
    return f"{corpus.document_of(clause).doc_number} {clause_label(corpus, clause)}\n{clause.text}"


def text_pieces(text: str) -> list[str]:
    """Split an answer into sentence-sized pieces for streaming; joined they give back the text."""
    return _PIECE.findall(text) or [text]
