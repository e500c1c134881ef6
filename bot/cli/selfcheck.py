"""`policybot selfcheck FILE`: the enterprise's 政策体检 from a JSON file ({"facts": …, "items": […]})."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.settings import Settings

STATUS_LABELS = {
    "eligible": "可申报",
    "not_eligible": "不符合",
    "needs_info": "待补充",
    "no_amount": "未定金额",
}


def add_selfcheck_commands(sub: Any) -> None:
    p = sub.add_parser(
        "selfcheck",
        help="政策体检：policybot selfcheck 文件.json [--json] [--html 报告.html]（文件为 - 时读标准输入）",
    )
    p.add_argument(
        "file", help='JSON 文件：{"facts": {...}, "items": [{"tool": ..., "inputs": {...}}]}；- 为标准输入'
    )
    p.add_argument("--json", action="store_true", help="输出完整结果 JSON")
    p.add_argument("--html", metavar="OUT", help="另存可打印的报告（HTML，浏览器打印为 A4）")
    p.set_defaults(handler=cmd_selfcheck)


def _read(path: str) -> Any:
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    return json.loads(text)


def cmd_selfcheck(args: argparse.Namespace, settings: Settings) -> int:
    from bot.packs.loader import load_packs
    from bot.selfcheck import SelfCheck, SelfCheckError

    try:
        data = _read(args.file)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"无法读取文件 {args.file}：{exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"{args.file} 不是合法的 JSON：{exc}", file=sys.stderr)
        return 2
    try:
        result = SelfCheck(load_packs(settings.corpus_dir, settings.extra_packs)).run(data)
    except SelfCheckError as exc:
        for error in exc.errors:
            print(f"输入有误：{error['message']}", file=sys.stderr)
        return 2
    if args.html:
        from bot.selfcheck.report import report_html

        Path(args.html).write_text(report_html(result), encoding="utf-8")
    if args.json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        _print_summary(result)
    if args.html and not args.json:
        print(f"报告已保存到 {args.html}（用浏览器打开，打印或另存为 PDF，A4 纵向）")
    return 0


def _print_summary(result: dict[str, Any]) -> None:
    from decimal import Decimal

    from calculators.money import format_wan

    for m in result["measures"]:
        amount = format_wan(Decimal(m["max_subsidy_yuan"])) if m["max_subsidy_yuan"] is not None else "—"
        units = "、".join(m["units"]) or "—"
        print(
            f"[{STATUS_LABELS.get(m['status'], m['status'])}] {m['clause_label']} {m['title']}：{amount}（{units}）"
        )
        if m["status"] in ("not_eligible", "needs_info"):
            print(f"    {m['reason']}")
    total = Decimal(result["total_max_subsidy_yuan"])
    print(f"合计最高：{format_wan(total)}（{total:,f} 元）")
    for note in result["notes"]:
        print(f"- {note}")
