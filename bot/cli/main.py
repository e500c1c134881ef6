"""The `policybot` command line. Each subcommand imports what it needs lazily so start-up stays fast."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from bot.settings import Settings

Handler = Callable[[argparse.Namespace, Settings], int]


def _print_json(obj: object) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def cmd_clause(args: argparse.Namespace, settings: Settings) -> int:
    from bot.packs.corpus import load_corpus

    corpus = load_corpus(settings.corpus_dir, settings.extra_packs)
    clause = corpus.resolve(args.clause_id)
    if clause is None:
        known = "、".join(c.id for c in corpus.primary.clauses)
        others = "；其他文件写成 doc_id:编号（" + "、".join(d.doc_id for d in corpus.documents[1:]) + "）"
        print(
            f"未找到条款“{args.clause_id}”。可用编号：{known}{others if len(corpus.documents) > 1 else ''}",
            file=sys.stderr,
        )
        return 2
    doc = corpus.document_of(clause)
    if args.json:
        from bot.packs.loader import load_packs

        repealer = load_packs(settings.corpus_dir, settings.extra_packs).repeal_of(doc.doc_id)
        _print_json(
            {
                **clause.to_dict(),
                "doc_number": doc.doc_number,
                "repealed_by": repealer.doc_number if repealer else None,
            }
        )
        return 0
    units = "、".join(clause.units) or "—"
    print(f"【{clause.id}】{clause.title}  （{doc.doc_number}）")
    from bot.packs.loader import load_packs

    repealer = load_packs(settings.corpus_dir, settings.extra_packs).repeal_of(doc.doc_id)
    if repealer is not None:
        print(f"注意：本文件已废止（{repealer.doc_number}规定同时废止），以下原文仅供查阅。")
    if clause.section:
        print(f"所属部分：{clause.section}")
    print(f"责任单位：{units}" + (f"（牵头：{clause.lead_unit}）" if clause.lead_unit else ""))
    print()
    print(clause.text)
    return 0


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    import platform
    from importlib import metadata

    from bot.packs.corpus import load_corpus

    report: dict[str, object] = {"python": platform.python_version()}
    for pkg in (
        "policybot",
        "chromadb",
        "bm25s",
        "jieba",
        "sentence-transformers",
        "torch",
        "langchain-core",
        "gradio",
        "fastapi",
    ):
        try:
            report[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            report[pkg] = "未安装"
    corpus = load_corpus(settings.corpus_dir, settings.extra_packs)
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


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import os

    # Set before gradio is imported: no telemetry, no version check, no model hub.
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    update: dict[str, object] = {"host": args.host or settings.host, "port": args.port or settings.port}
    if args.no_ui:
        update["serve_ui"] = False
    settings = settings.model_copy(update=update)
    workers = _workers(args, settings)
    if workers is None:
        return 2
    from bot.http.logs import log_config

    options: dict[str, object] = {
        "http": "httptools",
        "log_level": args.log_level,
        "access_log": args.access_log,
    }
    config = log_config(settings.log_format, args.log_level)
    if config is not None:
        options["log_config"] = config
    where = f"http://{settings.host}:{settings.port}"
    print("正在加载问答引擎和检索索引（首次运行会建立索引）…", file=sys.stderr)
    if workers > 1:
        from bot.http.server import serve_workers

        # Each worker reads its settings from the environment: carry the command line's choices there.
        os.environ.update(POLICYBOT_HOST=settings.host, POLICYBOT_PORT=str(settings.port))
        os.environ["POLICYBOT_SERVE_UI"] = "true" if settings.serve_ui else "false"
        print(f"政策通以 {workers} 个工作进程启动：{where}", file=sys.stderr)
        serve_workers(workers, settings.host, settings.port, **options)
        return 0
    from bot import build_engine
    from bot.http.app import create_app
    from bot.http.server import serve

    app = create_app(settings, build_engine(settings))
    print(f"政策通已启动：网页 {where}/ui/ ，接口文档 {where}/docs", file=sys.stderr)
    serve(app, settings.host, settings.port, **options)
    return 0


def _workers(args: argparse.Namespace, settings: Settings) -> int | None:
    """--workers, else WEB_CONCURRENCY, else POLICYBOT_WORKERS; None (after saying why) when unusable."""
    import os

    raw = args.workers if args.workers is not None else os.environ.get("WEB_CONCURRENCY", "").strip()
    try:
        workers = int(raw) if raw not in ("", None) else settings.workers
    except ValueError:
        print(f"WEB_CONCURRENCY 应为正整数（现为“{raw}”）", file=sys.stderr)
        return None
    if not 1 <= workers <= 64:
        print(f"工作进程数应在 1 到 64 之间（现为 {workers}）", file=sys.stderr)
        return None
    if workers > 1 and settings.redis_url is None:
        print(
            "多个工作进程需要共享会话和限流状态：请设置 POLICYBOT_REDIS_URL（如 redis://127.0.0.1:6379/0）",
            file=sys.stderr,
        )
        return None
    return workers


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    """Answer one question, or every line of stdin in turn (one conversation, one process)."""
    from bot import build_engine

    engine = build_engine(settings)
    questions = [args.question] if args.question is not None else (line.rstrip("\r\n") for line in sys.stdin)
    session_id = args.session
    for question in questions:
        if args.question is None and not question.strip():
            continue
        answer = engine.ask(question, session_id=session_id)
        session_id = answer.session_id  # later lines continue the same conversation
        if args.json:
            _print_json(answer.to_dict())
        else:
            _print_answer(answer.to_dict())
    return 0


def _print_answer(data: dict[str, object]) -> None:
    print(data["answer"])
    cited = data["citations"]
    if isinstance(cited, list) and cited:
        print("依据：" + "；".join(f"{c['clause_id']} {c['title']}" for c in cited))
    if data["total_max_subsidy_yuan"] is not None:
        print(f"最高补贴合计（元）：{data['total_max_subsidy_yuan']}")
    print(f"[{data['status']}] 会话 {data['session_id']}")
    sys.stdout.flush()


# Other modules add sections to `policybot doctor` (index state, retrieval modes, LLM) here.
DOCTOR_SECTIONS: list[Callable[[Settings], dict[str, object]]] = []


def _retrieval_doctor(settings: Settings) -> dict[str, object]:
    from bot.cli.search import doctor_section

    return doctor_section(settings)


DOCTOR_SECTIONS.append(_retrieval_doctor)


def _calculators_doctor(settings: Settings) -> dict[str, object]:
    from calculators.cli import doctor_section

    return doctor_section(settings)


DOCTOR_SECTIONS.append(_calculators_doctor)


def _records_doctor(settings: Settings) -> dict[str, object]:
    from bot.cli.records import doctor_section

    return doctor_section(settings)


DOCTOR_SECTIONS.append(_records_doctor)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policybot", description="政策通：政策问答助手（条款查询、资格判断、补贴测算）"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _add_engine_commands(sub)
    from bot.cli.cases import add_case_commands  # cases (regression cases marked in the console)
    from bot.cli.records import add_record_commands  # log, purge (conversation records)
    from bot.cli.search import add_search_commands  # index, search (retrieval)
    from bot.cli.selfcheck import add_selfcheck_commands  # selfcheck (the enterprise's 政策体检)
    from calculators.cli import add_calc_commands  # calc (subsidy calculators)

    for add in (
        add_search_commands,
        add_record_commands,
        add_calc_commands,
        add_selfcheck_commands,
        add_case_commands,
        _add_pack_commands,
    ):
        add(sub)
    return parser


def _add_engine_commands(sub: Any) -> None:
    """clause, doctor, serve, ask."""
    p = sub.add_parser("clause", help="按编号打印条款原文及元数据，如 m3、a2、goals、header")
    p.add_argument("clause_id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_clause)

    p = sub.add_parser("doctor", help="报告版本、数据目录、索引状态和检索模式")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_doctor)
    _add_serve_command(sub)

    p = sub.add_parser(
        "ask", help='提问：policybot ask "问题" [--json] [--session ID]；不带问题时逐行读取标准输入'
    )
    p.add_argument(
        "question", nargs="?", default=None, help="问题；省略时从标准输入逐行读取，同一会话依次回答"
    )
    p.add_argument("--json", action="store_true", help="每个回答输出一行 JSON")
    p.add_argument("--session", default=None, help="会话 ID（同一进程内延续多轮对话）")
    p.set_defaults(handler=cmd_ask)


def _add_serve_command(sub: Any) -> None:
    p = sub.add_parser("serve", help="启动 HTTP 服务：/v1 接口、/wechat、网页 /ui、/metrics")
    p.add_argument("--host", default=None, help="监听地址（默认 127.0.0.1，可用 POLICYBOT_HOST 设置）")
    p.add_argument("--port", type=int, default=None, help="端口（默认 7860）")
    p.add_argument("--no-ui", action="store_true", help="只提供接口，不挂载 Gradio 网页")
    p.add_argument("--access-log", action="store_true", help="输出每个请求的访问日志")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="工作进程数（默认读 WEB_CONCURRENCY，再默认 1；大于 1 需 Redis）",
    )
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(handler=cmd_serve)


def _add_pack_commands(sub: Any) -> None:
    p = sub.add_parser("pack", help="政策包工具：policybot pack check 目录")
    pack_sub = p.add_subparsers(dest="pack_command", required=True)
    check = pack_sub.add_parser(
        "check", help="检查一个政策包目录（编号唯一、引文为原文、数字出自条款、参数与槽位已声明）"
    )
    check.add_argument("folder", help="政策包目录，含 document.json")
    check.set_defaults(handler=cmd_pack_check)


def cmd_pack_check(args: argparse.Namespace, settings: Settings) -> int:
    """Print every problem of a pack folder; exit 1 when there is any."""
    from pathlib import Path

    from bot.packs.check import check_pack

    folder = Path(args.folder)
    problems = check_pack(folder)
    for line in problems:
        print(line)
    print(f"{folder}：{'发现 ' + str(len(problems)) + ' 处问题' if problems else '检查通过'}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    from bot.packs.corpus import PackError

    args = build_parser().parse_args(argv)
    try:
        settings = Settings()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError: a bad POLICYBOT_* value
        print(f"配置有误，无法启动：{exc}", file=sys.stderr)
        return 2
    handler: Handler = args.handler
    try:
        return handler(args, settings)
    except PackError as exc:  # a bad pack stops start-up with what to fix, never a traceback
        print(f"政策包有误，无法启动：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
