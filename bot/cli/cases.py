"""`policybot cases export FILE` / `policybot cases list`: the answers marked wrong in the console, as a
JSONL regression set in the golden format (tests/data/cases/*.jsonl are run by the test suite)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.records.backends import open_records
from bot.settings import Settings


def add_case_commands(sub: Any) -> None:
    p = sub.add_parser("cases", help="回归用例：policybot cases export 文件.jsonl | policybot cases list")
    cases_sub = p.add_subparsers(dest="cases_command", required=True)
    export = cases_sub.add_parser(
        "export", help="把运营台标记的错误回答导出为 JSONL（黄金集格式）；文件为 - 时输出到标准输出"
    )
    export.add_argument("file", help="输出文件，如 tests/data/cases/2025-01.jsonl")
    export.set_defaults(handler=cmd_cases_export)
    listing = cases_sub.add_parser("list", help="列出已标记的用例")
    listing.set_defaults(handler=cmd_cases_list)


def _cases(settings: Settings) -> Any:
    from bot.records.cases import open_cases
    from bot.records.console import open_console

    store = open_records(settings)
    return open_cases(store, open_console(store))


def cmd_cases_export(args: argparse.Namespace, settings: Settings) -> int:
    cases = _cases(settings)
    if args.file == "-":
        cases.export(sys.stdout)
        return 0
    path = Path(args.file)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as fh:
            count = cases.export(fh)
    except OSError as exc:
        print(f"无法写入 {path}：{exc}", file=sys.stderr)
        return 2
    print(f"已导出 {count} 条回归用例到 {path}（测试集会运行 tests/data/ 下的每个用例文件）")
    return 0


def cmd_cases_list(args: argparse.Namespace, settings: Settings) -> int:
    rows = _cases(settings).list()
    if not rows:
        print("暂无回归用例：在运营台把错误的回答标记出来即可。")
    for case in rows:
        exp = case["expected"]
        amount = exp["total"] if exp["total"] is not None else "无金额"
        comment = f"；{case['comment']}" if case.get("comment") else ""
        print(
            f"#{case['id']} {case['marked_at']} {case['question'][:50]} → {exp['status']} {exp['cite'] or '-'} {amount}{comment}"
        )
    return 0
