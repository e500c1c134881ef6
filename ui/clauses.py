"""Clause browser for hotline staff: instant search, filter by section and 责任单位, copy with 文号."""

from __future__ import annotations

from functools import partial
from typing import Any

from bot.http.text import clause_label, copy_text
from bot.nlu.normalize import normalize
from bot.packs.corpus import Clause, Corpus

ALL = "全部"


def _matches_filters(clause: Clause, section: str | None, unit: str | None) -> bool:
    return (not section or section == ALL or clause.section == section) and (
        not unit or unit == ALL or unit in clause.units
    )


def search_clauses(
    corpus: Corpus, retriever: Any, query: str, section: str | None, unit: str | None
) -> list[Clause]:
    """Clauses passing the filters: a direct reference first, then literal matches, else ranked hits."""
    pool = [c for c in corpus.clauses if _matches_filters(c, section, unit)]
    q = normalize(query or "")
    if not q:
        return pool
    allowed = {c.key for c in pool}
    found: list[str] = []
    ref = retriever.direct_reference(q) if retriever is not None else None
    named = corpus.clause(ref) if ref else None
    if named is not None and named.key in allowed:
        found.append(named.key)
    terms = q.split()
    for c in pool:
        hay = normalize(f"{c.title} {c.text} {' '.join(c.units)}")
        if all(t in hay for t in terms):
            found.append(c.key)
    # Literal hits are what staff typed; ranked retrieval only helps when nothing matches literally.
    if retriever is not None and not found:
        found.extend(h.key for h in retriever.search(q, k=8) if h.key in allowed)
    return [c for c in (corpus.resolve(key) for key in dict.fromkeys(found)) if c is not None]


def choice_label(corpus: Corpus, clause: Clause) -> str:
    doc = f"{corpus.document_of(clause).doc_number} " if len(corpus.documents) > 1 else ""
    return f"{doc}{clause_label(corpus, clause)}  ·  {clause.section or '文件'}"


def browse(svc: Any, query: str, section: str | None, unit: str | None) -> tuple[Any, str, str]:
    """Event handler: new radio choices (first one selected), the count line and the first clause's text."""
    import gradio as gr

    retriever = svc.engine().retriever if svc.engine_ready else None
    hits = search_clauses(svc.corpus, retriever, query, section, unit)
    choices = [(choice_label(svc.corpus, c), c.key) for c in hits]
    first = hits[0].key if hits else None
    count = f"找到 {len(hits)} 条" if hits else "没有匹配的条款，请换个关键词或放宽筛选。"
    return gr.update(choices=choices, value=first), count, show_clause(svc, first)


def show_clause(svc: Any, clause_key: str | None) -> str:
    clause = svc.corpus.resolve(clause_key) if clause_key else None
    return copy_text(svc.corpus, clause) if clause else ""


def build_clause_tab(svc: Any) -> None:
    """Inside a gr.Tab: search box, two filters, result list and the copyable verbatim text."""
    import gradio as gr

    corpus: Corpus = svc.corpus
    sections = [ALL, *dict.fromkeys(c.section for c in corpus.clauses if c.section)]
    units = [ALL, *dict.fromkeys(u for c in corpus.clauses for u in c.units)]
    with gr.Row():
        query = gr.Textbox(
            label="搜索条款", placeholder="关键词、条号（如“第3条”）或问题", scale=3, elem_id="clause-q"
        )
        section = gr.Dropdown(sections, value=ALL, label="所属部分", scale=2, elem_id="clause-section")
        unit = gr.Dropdown(units, value=ALL, label="责任单位", scale=1, elem_id="clause-unit")
    count = gr.Markdown(f"共 {len(corpus.clauses)} 条", elem_id="clause-count")
    with gr.Row():
        hits = gr.Radio(
            [(choice_label(corpus, c), c.key) for c in corpus.clauses],
            value=corpus.clauses[0].key,
            label="条款",
            scale=2,
            elem_id="clause-hits",
        )
        text = gr.Textbox(
            value=show_clause(svc, corpus.clauses[0].key),
            label="条款原文（含文号，点右上角复制）",
            lines=14,
            max_lines=30,
            interactive=False,
            buttons=["copy"],
            scale=3,
            elem_id="clause-text",
        )
    inputs = [query, section, unit]
    for trigger in (query.change, section.change, unit.change):
        trigger(
            partial(browse, svc),
            inputs=inputs,
            outputs=[hits, count, text],
            show_progress="hidden",
            trigger_mode="always_last",
        )
    hits.change(partial(show_clause, svc), inputs=hits, outputs=text, show_progress="hidden")
