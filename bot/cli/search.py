"""`policybot index`, `policybot search` and the retrieval section of `policybot doctor`."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable

from bot.settings import Settings


def _setup_logging() -> None:
    # Rebuild notices and "lexical-only" warnings go to stderr once; stdout stays machine-readable.
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)


def run_index(args: argparse.Namespace, settings: Settings) -> int:
    """Build (or with --if-missing, only build when missing or stale) the retrieval index."""
    _setup_logging()
    from bot.packs.corpus import load_corpus
    from bot.retrieval.retriever import Retriever, index_status

    corpus = load_corpus(settings.corpus_dir, settings.extra_packs)
    if args.if_missing:
        status = index_status(settings, corpus)
        if status["ok"]:
            print(f"索引已存在且为最新：{settings.index_dir}（模式：{'+'.join(status['modes'])}）")
            return 0
        # The state's hint ("运行 policybot index") would tell the user to do what happens right now.
        print(f"{status.get('reason') or status['state']}，正在构建索引…", file=sys.stderr)
    try:
        retriever = Retriever.build(settings, corpus, progress=True)
    except (OSError, ValueError) as exc:  # unreadable lexicon or an unwritable data directory
        print(f"无法构建检索索引：{exc}", file=sys.stderr)
        return 1
    print(
        f"索引已构建：{settings.index_dir}（{len(corpus.clauses)} 条条款，模式：{'+'.join(retriever.modes)}）"
    )
    if retriever.note and "dense" not in retriever.modes:
        print(retriever.note, file=sys.stderr)
    return 0


def _queries(args: argparse.Namespace) -> Iterable[str]:
    if args.query:
        yield " ".join(args.query)
        return
    for line in sys.stdin:
        if line.strip():
            yield line.strip()


def run_search(args: argparse.Namespace, settings: Settings) -> int:
    """Print ranked clauses for a question, or for each stdin line (JSON lines with --json)."""
    _setup_logging()
    from bot.packs.corpus import load_corpus
    from bot.retrieval.retriever import Retriever

    if args.k < 1:
        print("参数 -k 必须是正整数", file=sys.stderr)
        return 2
    try:
        retriever = Retriever.load(settings, load_corpus(settings.corpus_dir, settings.extra_packs))
    except (OSError, ValueError) as exc:  # unreadable corpus/lexicon or an unwritable data directory
        print(f"无法加载检索索引：{exc}", file=sys.stderr)
        return 1
    for query in _queries(args):
        hits = retriever.search(query, k=args.k)
        if args.json:
            row = {"query": query, "results": [h.to_dict() for h in hits]}
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            sys.stdout.flush()
            continue
        print(f"问题：{query}")
        if not hits:
            print("  （没有找到相关条款）")
        for rank, hit in enumerate(hits, 1):
            doc = f"{hit.doc_id}:" if hit.doc_id and hit.doc_id != retriever.primary_doc else ""
            print(f"  {rank}. [{doc}{hit.clause_id}] {hit.title}  {hit.score:.2f}")
    return 0


def add_search_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `index` and `search` on the policybot sub-command parser."""
    p = sub.add_parser("index", help="构建或重建检索索引（BM25 + 可选向量）")
    p.add_argument("--if-missing", action="store_true", help="索引已存在且为最新时不重建")
    p.set_defaults(handler=run_index)

    p = sub.add_parser("search", help="检索相关条款；不给问题时从标准输入逐行读取")
    p.add_argument("query", nargs="*", help="问题或关键词")
    p.add_argument("--json", action="store_true", help="每行输出一个 JSON 对象")
    p.add_argument("-k", type=int, default=5, help="返回条款数（默认 5）")
    p.set_defaults(handler=run_search)


def doctor_section(settings: Settings) -> dict[str, object]:
    """Index state and retrieval modes for `policybot doctor`, without loading a model or building."""
    from bot.packs.corpus import load_corpus
    from bot.retrieval.retriever import index_status

    status = index_status(settings, load_corpus(settings.corpus_dir, settings.extra_packs))
    return {
        "index_dir": str(settings.index_dir.resolve()),
        "index": status["state"],
        "retrieval_modes": "+".join(status["modes"]) if status["modes"] else "—",
        "embedding_model": settings.embedding_model or "未配置",
        "retrieval_note": status["note"],
    }
