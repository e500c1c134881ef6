"""`policybot log` and `policybot purge`: read and prune the conversation records from the command line."""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from typing import Any

from bot.records.backends import open_records
from bot.records.store import printable
from bot.settings import Settings

UNANSWERED = ("not_covered", "need_more_info")
STATUS_LABELS = {"answered": "已答", "need_more_info": "待补充", "not_covered": "未覆盖"}


def add_record_commands(sub: Any) -> None:
    """Register the `log` and `purge` subcommands on the main parser's subparsers."""
    p = sub.add_parser("log", help="查看问答记录：最近问题、未答/未覆盖问题、反馈，或导出 CSV")
    p.add_argument("-n", "--limit", type=int, default=None, help="条数（默认 20；导出 CSV 时默认全部）")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--unanswered", action="store_true", help="只看未覆盖（not_covered）和待补充的问题")
    group.add_argument("--status", choices=["answered", "need_more_info", "not_covered"], help="按状态筛选")
    group.add_argument("--feedback", action="store_true", help="查看最近的反馈")
    p.add_argument("--since-days", type=float, default=None, help="只看最近 N 天")
    p.add_argument("--csv", metavar="FILE", help="导出为 CSV 文件（UTF-8 带 BOM，Excel/WPS 可直接打开）")
    p.add_argument("--json", action="store_true", help="每行一个 JSON 对象")
    p.set_defaults(handler=cmd_log)

    p = sub.add_parser("purge", help="删除超过保留期的问答记录和反馈")
    p.add_argument(
        "--older-than-days", type=float, default=None, help="删除 N 天以前的记录（默认按配置的保留天数）"
    )
    p.set_defaults(handler=cmd_purge)


def _store(settings: Settings) -> Any:

    return open_records(settings)


def cmd_log(args: argparse.Namespace, settings: Settings) -> int:
    from bot.records.store import export_csv

    store = _store(settings)
    if args.feedback:
        return _print_feedback(store.feedback(args.limit or 20), args.json)
    statuses = UNANSWERED if args.unanswered else ([args.status] if args.status else None)
    limit = args.limit or (10**9 if args.csv else 20)
    rows = store.recent(limit, statuses=statuses, since_days=args.since_days)
    if args.csv:
        with open(args.csv, "w", encoding="utf-8-sig", newline="") as fh:
            n = export_csv(rows, fh)
        print(f"已导出 {n} 条记录到 {args.csv}")
        return 0
    if args.json:
        for row in rows:
            print(_json_line(row))
        return 0
    counts = store.counts()
    summary = "，".join(f"{STATUS_LABELS[s]} {counts.get(s, 0)}" for s in STATUS_LABELS)
    print(f"记录：{summary}；反馈 {counts['feedback']} 条（有用 {counts['feedback_helpful']}）")
    if not rows:
        print("暂无符合条件的记录。")
    for row in rows:
        print(_line(row))
    return 0


def _line(row: dict[str, Any]) -> str:
    when = time.strftime("%m-%d %H:%M", time.localtime(row["ts"]))
    status = STATUS_LABELS.get(row["status"], row["status"])
    amount = (
        f" 上限{row['total_max_subsidy_yuan']}元"
        if row.get("total_max_subsidy_yuan") not in (None, "0")
        else ""
    )
    helpful = row.get("feedback_helpful")
    fb = (
        ""
        if helpful is None
        else (" 👍" if helpful else " 👎")
        + (f"“{printable(row['feedback_comment'])}”" if row.get("feedback_comment") else "")
    )
    question = printable(" ".join(str(row["question"]).split()))
    if len(question) > 60:
        question = question[:60] + "…"
    return f"{when} [{status}/{row.get('mode') or '-'}] {question}{amount}{fb}  ({row['answer_id'][:8]})"


def _print_feedback(rows: list[dict[str, Any]], as_json: bool) -> int:
    if not rows:
        print("暂无反馈。")
    for row in rows:
        if as_json:
            print(_json_line(row))
            continue
        when = time.strftime("%m-%d %H:%M", time.localtime(row["ts"]))
        verdict = "有用" if row["helpful"] else "无用"
        comment = f"：{printable(row['comment'])}" if row.get("comment") else ""
        question = printable(row["question"][:60])
        print(f"{when} {verdict}{comment}  ← {question}（{STATUS_LABELS.get(row['status'], row['status'])}）")
    return 0


def _json_line(row: dict[str, Any]) -> str:
    # json escapes C0 controls but not C1 ones or bidi overrides, which terminals may still act on.
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(row, ensure_ascii=False, default=str))


_UNSAFE = re.compile("[\u007f-\u009f\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]")


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    store = _store(settings)
    days = settings.records_retention_days if args.older_than_days is None else args.older_than_days
    if days < 0:
        print("天数不能为负数。", file=sys.stderr)
        return 2
    result = store.purge(days)
    print(f"已删除 {days:g} 天以前的问答记录 {result.answers} 条、反馈 {result.feedback} 条。")
    return 0


def doctor_section(settings: Settings) -> dict[str, object]:
    """Lines for `policybot doctor`: records database, retention, and which protections are on."""
    from bot.records.store import DB_NAME

    path = settings.data_dir / DB_NAME
    info: dict[str, object] = {"records_db": str(path.resolve())}
    if path.exists():
        counts = _store(settings).counts()
        info["records"] = sum(v for k, v in counts.items() if not k.startswith("feedback"))
        info["feedback"] = counts["feedback"]
    else:
        info["records"] = "尚无记录"
    info["records_retention_days"] = settings.records_retention_days
    limit = settings.rate_limit_per_minute
    info["rate_limit"] = f"每客户端 {limit} 次/分钟，突发 {settings.rate_limit_burst}" if limit else "关闭"
    info["admin_api"] = "已开启（需令牌）" if settings.admin_token else "关闭（未设置令牌）"
    info["cors_origins"] = list(settings.cors_origins) or "不允许跨域"
    info["trusted_proxies"] = list(settings.trusted_proxies) or "无（忽略所有转发请求头）"
    info["sessions"] = (
        f"每客户端最多 {settings.session_max_per_client} 个，共 {settings.session_max} 个、"
        f"{settings.session_max_bytes // (1024 * 1024)} MiB"
    )
    return info
