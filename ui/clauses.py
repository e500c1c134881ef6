"""Clause browser for hotline staff: instant search with the pack's synonyms, filters, highlighted text, copy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from html import escape
from typing import Any

from bot.http.text import clause_label, copy_text
from bot.nlu.normalize import normalize
from bot.packs.corpus import Clause, Corpus
from bot.retrieval.lexicon import LEXICON_FILE, Lexicon, parse_lexicon

ALL = "全部"
# Copies the clause shown (文号, number, title and verbatim text) and says so on the button for a moment.
COPY_JS = """() => {
  const source = document.querySelector('#clause-view .pb-copy');
  const button = document.querySelector('#clause-copy');
  if (!source) return;
  navigator.clipboard.writeText(source.value).then(() => {
    const label = button.textContent;
    button.textContent = '已复制';
    setTimeout(() => { button.textContent = label; }, 1500);
  });
}"""


@dataclass(frozen=True)
class Hit:
    """A clause found by the browser and the words of it to highlight."""

    clause: Clause
    words: tuple[str, ...] = ()


def pack_lexicon(corpus: Corpus) -> Lexicon:
    """The lexicons of every loaded policy pack (each document folder's lexicon file), as one."""
    texts = []
    for doc in corpus.documents:
        path = doc.folder / str(doc.meta.get("lexicon_file", LEXICON_FILE)) if doc.folder else None
        if path is not None and path.is_file():
            texts.append(path.read_text(encoding="utf-8"))
    return parse_lexicon("\n".join(texts))


def _matches_filters(clause: Clause, section: str | None, unit: str | None) -> bool:
    return (not section or section == ALL or clause.section == section) and (
        not unit or unit == ALL or unit in clause.units
    )


def query_terms(query: str, lexicon: Lexicon | None) -> list[tuple[str, ...]]:
    """Each space-separated term of the query with the policy words the lexicon gives for it (term first)."""
    terms = []
    for term in normalize(query).lower().split():
        synonyms = lexicon.expand(term) if lexicon is not None else []
        terms.append(tuple(dict.fromkeys([term, *(s.lower() for s in synonyms)])))
    return terms


def _haystack(clause: Clause) -> str:
    return normalize(f"{clause.title} {clause.text} {' '.join(clause.units)}").lower()


def search_clauses(
    corpus: Corpus,
    retriever: Any,
    query: str,
    section: str | None,
    unit: str | None,
    lexicon: Lexicon | None = None,
) -> list[Hit]:
    """Clauses passing the filters: a direct reference, then the typed words, then their synonyms, else ranked."""
    pool = [c for c in corpus.clauses if _matches_filters(c, section, unit)]
    q = normalize(query or "")
    if not q.strip():
        return [Hit(c) for c in pool]
    terms = query_terms(q, lexicon)
    ref = retriever.direct_reference(q) if retriever is not None else None
    named = corpus.resolve(ref) if ref else None
    found: dict[str, Hit] = {named.key: Hit(named)} if named is not None and named in pool else {}
    literal: list[Hit] = []
    synonym: list[Hit] = []
    for clause in pool:
        hay = _haystack(clause)
        present = [[w for w in alternatives if w in hay] for alternatives in terms]
        if all(present):
            hit = Hit(clause, tuple(dict.fromkeys(w for words in present for w in words)))
            (literal if all(alts[0] in hay for alts in terms) else synonym).append(hit)
    found.update((h.clause.key, h) for h in [*literal, *synonym] if h.clause.key not in found)
    # Typed words and their synonyms are what staff asked for; ranked retrieval helps only when neither matches.
    if retriever is not None and not found:
        words = tuple(w for alternatives in terms for w in alternatives)
        for h in retriever.search(q, k=8):
            ranked = corpus.resolve(getattr(h, "key", h.clause_id))
            if ranked is not None and ranked in pool:
                found.setdefault(ranked.key, Hit(ranked, words))
    return list(found.values())


def highlight(text: str, words: tuple[str, ...]) -> str:
    """Text as HTML with every occurrence of the words in <mark> (longest first, case-insensitive)."""
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)), re.I)
    out, end = [], 0
    for m in pattern.finditer(text):
        out += [escape(text[end : m.start()]), f"<mark>{escape(m.group())}</mark>"]
        end = m.end()
    return "".join(out) + escape(text[end:])


def choice_label(corpus: Corpus, clause: Clause) -> str:
    doc = f"{corpus.document_of(clause).doc_number} " if len(corpus.documents) > 1 else ""
    return f"{doc}{clause_label(corpus, clause)}  ·  {clause.section or '文件'}"


def clause_html(corpus: Corpus, hit: Hit | None) -> str:
    """The clause as readable HTML (matched words highlighted) with its copy text hidden beside it."""
    if hit is None:
        return '<div class="pb-clause pb-empty">没有可显示的条款。</div>'
    clause = hit.clause
    doc_number = corpus.document_of(clause).doc_number
    meta = " · ".join(x for x in (clause.section, "责任单位：" + "、".join(clause.units)) if x)
    return (
        f'<div class="pb-clause" data-clause="{escape(clause.key)}">'
        f'<div class="pb-clause-head">{escape(doc_number)} {escape(clause_label(corpus, clause))}</div>'
        f'<div class="pb-clause-meta">{escape(meta)}</div>'
        f'<div class="pb-clause-text">{highlight(clause.text, hit.words)}</div>'
        f'<textarea class="pb-copy" hidden readonly>{escape(copy_text(corpus, clause))}</textarea>'
        "</div>"
    )


def browse(
    svc: Any, lexicon: Lexicon | None, query: str, section: str | None, unit: str | None
) -> tuple[Any, ...]:
    """Event handler: new radio choices (first one selected), the count line, the first clause, the hits."""
    import gradio as gr

    retriever = svc.engine().retriever if svc.engine_ready else None
    hits = search_clauses(svc.corpus, retriever, query, section, unit, lexicon)
    choices = [(choice_label(svc.corpus, h.clause), h.clause.key) for h in hits]
    first = hits[0] if hits else None
    count = f"找到 {len(hits)} 条" if hits else "没有匹配的条款，请换个关键词或放宽筛选。"
    state = {h.clause.key: list(h.words) for h in hits}
    value = first.clause.key if first else None
    return gr.update(choices=choices, value=value), count, clause_html(svc.corpus, first), state


def show_clause(svc: Any, key: str | None, words: dict[str, list[str]] | None) -> str:
    clause = svc.corpus.resolve(key) if key else None
    return clause_html(svc.corpus, Hit(clause, tuple((words or {}).get(clause.key, ()))) if clause else None)


def build_clause_tab(svc: Any, lexicon: Lexicon | None = None) -> None:
    """Inside a gr.Tab: search box, two filters, result list and the highlighted clause with a copy button."""
    import gradio as gr

    corpus: Corpus = svc.corpus
    sections = [ALL, *dict.fromkeys(c.section for c in corpus.clauses if c.section)]
    units = [ALL, *dict.fromkeys(u for c in corpus.clauses for u in c.units)]
    # min_width makes each row fold into one column on a phone instead of squeezing three boxes side by side.
    with gr.Row():
        query = gr.Textbox(
            label="搜索条款",
            placeholder="关键词、条号（如“第3条”）或问题",
            scale=3,
            min_width=240,
            elem_id="clause-q",
        )
        section = gr.Dropdown(
            sections, value=ALL, label="所属部分", scale=2, min_width=240, elem_id="clause-section"
        )
        unit = gr.Dropdown(units, value=ALL, label="责任单位", scale=1, min_width=160, elem_id="clause-unit")
    count = gr.Markdown(f"共 {len(corpus.clauses)} 条", elem_id="clause-count")
    matched = gr.State({})
    with gr.Row(elem_id="clause-row"):
        hits = gr.Radio(
            [(choice_label(corpus, c), c.key) for c in corpus.clauses],
            value=corpus.clauses[0].key,
            label="条款",
            scale=2,
            min_width=300,
            elem_id="clause-hits",
        )
        with gr.Column(scale=3, min_width=300):
            view = gr.HTML(clause_html(corpus, Hit(corpus.clauses[0])), elem_id="clause-view")
            copy = gr.Button("复制条款原文（含文号）", size="sm", elem_id="clause-copy")
    inputs = [query, section, unit]
    for trigger in (query.change, section.change, unit.change):
        trigger(
            partial(browse, svc, lexicon),
            inputs=inputs,
            outputs=[hits, count, view, matched],
            show_progress="hidden",
            trigger_mode="always_last",
        )
    # .input, not .change: a new search already shows its first clause.
    hits.input(partial(show_clause, svc), inputs=[hits, matched], outputs=view, show_progress="hidden")
    copy.click(None, js=COPY_JS)
