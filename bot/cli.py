"""The `policybot` command line. Each subcommand imports what it needs lazily so start-up stays fast."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from bot.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def cmd_clause(args: argparse.Namespace, settings: Settings) -> int:
    from bot.corpus import load_corpus

    corpus = load_corpus(settings.corpus_dir)
    clause = corpus.clause(args.clause_id.strip().lower())
    if clause is None:
        known = "、".join(c.id for c in corpus.clauses)
        print(f"未找到条款“{args.clause_id}”。可用编号：{known}", file=sys.stderr)
        return 2
    doc = corpus.document_of(clause)
    if args.json:
        _print_json({**clause.to_dict(), "doc_number": doc.doc_number})
        return 0
    units = "、".join(clause.units) or "—"
    print(f"【{clause.id}】{clause.title}  （{doc.doc_number}）")
    if clause.section:
        print(f"所属部分：{clause.section}")
    print(f"责任单位：{units}" + (f"（牵头：{clause.lead_unit}）" if clause.lead_unit else ""))
    print()
    print(clause.text)
    return 0


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    import platform
    from importlib import metadata

    from bot.corpus import load_corpus

    report: dict[str, object] = {"python": platform.python_version()}
    for pkg in ("policybot", "chromadb", "bm25s", "jieba", "sentence-transformers", "torch", "langchain-core",
                "gradio", "fastapi"):
        try:
            report[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            report[pkg] = "未安装"
    corpus = load_corpus(settings.corpus_dir)
    report["corpus_dir"] = str(settings.corpus_dir)
    report["documents"] = [d.doc_number for d in corpus.documents]
    report["clauses"] = len(corpus.clauses)
    report["data_dir"] = str(settings.data_dir.resolve())
    for extra in DOCTOR_SECTIONS:
        report.update(extra(settings))
    if args.json:
        _print_json(report)
    else:
        for key, value in report.items():
            print(f"{key}: {value}")
    return 0


# Other modules add sections to `policybot doctor` (index state, retrieval modes, LLM) here.
DOCTOR_SECTIONS: list[Callable[[Settings], dict[str, object]]] = []


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="policybot", description="政策通：杭高新〔2024〕7号政策问答助手")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("clause", help="按编号打印条款原文及元数据，如 m3、a2、goals、header")
    p.add_argument("clause_id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_clause)

    p = sub.add_parser("doctor", help="报告版本、数据目录、索引状态和检索模式")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_doctor)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    handler: Handler = args.handler
    return handler(args, settings)


if __name__ == "__main__":
    sys.exit(main())
