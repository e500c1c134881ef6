"""运营台 tab for the policy office (admin token): figures, the questions the assistant fell short on, and
marking an answer wrong so it becomes a regression case. Every handler checks the token itself."""

from __future__ import annotations

import base64
import hmac
import io
from datetime import date, timedelta
from typing import Any

from ui.console_view import CSS, EXPORT_CSS, MODE_LABELS, STATUS_LABELS, stats_html

COLUMNS = ["时间", "问题", "状态", "模式", "依据", "金额（元）", "反馈", "回答编号"]
WIDTHS = ["150px", "260px", "70px", "60px", "110px", "100px", "140px", "120px"]  # scrolls sideways on a phone
CASE_COLUMNS = ["编号", "标记时间", "问题", "应有状态", "应引条款", "应有金额", "说明"]
# The last list holds every answer, so any of them can be picked and marked wrong.
LISTS = (
    ("not_covered", "未覆盖的问题"),
    ("need_more_info", "待补充信息"),
    ("negative", "差评"),
    ("all", "全部回答"),
)
STATUS_CHOICES = [(label, key) for key, label in STATUS_LABELS.items()]
DENIED = "管理令牌不正确。"
PAGE = 200


class ConsoleActions:
    """What the tab's buttons do, with the token checked on every call."""

    def __init__(self, workbench: Any) -> None:
        self.wb = workbench
        secret = workbench.settings.admin_token
        self._token = secret.get_secret_value().encode() if secret is not None else b""

    def allowed(self, token: str | None) -> bool:
        return bool(self._token) and hmac.compare_digest((token or "").strip().encode(), self._token)

    def clause_name(self, key: str) -> str:
        clause = self.wb.resolve(key)
        if clause is None:
            return key
        doc = self.wb.selfcheck.packs.corpus.document_of(clause)
        return f"{doc.doc_number} {doc.label(clause, 'cite')}"

    def tool_name(self, tool: str) -> str:
        measure = self.wb.selfcheck.catalogue.measure_for_tool(tool)
        return f"{measure.title}（{tool}）" if measure else tool

    def clause_choices(self) -> list[tuple[str, str]]:
        out = [("（不检查条款）", "")]
        for doc in self.wb.selfcheck.packs.corpus.documents:
            out += [(f"{doc.doc_number} {doc.label(c, 'cite')}", c.key) for c in doc.clauses]
        return out

    def window(self, since: str, until: str) -> Any:
        from bot.records.console import Window

        start = date.fromisoformat(since.strip()) if since and since.strip() else None
        end = date.fromisoformat(until.strip()) if until and until.strip() else None
        if start and end and start > end:
            raise ValueError("起始日期不能晚于截止日期")
        return Window(start, end)

    def rows(self, kind: str, window: Any, search: str) -> list[list[Any]]:
        listed = self.wb.console.questions(kind, window, search or None, PAGE, 0)
        return [_question_row(r) for r in listed["rows"]]

    def case_rows(self) -> list[list[Any]]:
        return [_case_row(c) for c in self.wb.cases.list()]

    def export_link(self) -> str:
        """The cases as a JSONL download inside the page (a data: link: the page serves no files)."""
        buffer = io.StringIO()
        count = self.wb.cases.export(buffer)
        data = base64.b64encode(buffer.getvalue().encode("utf-8")).decode("ascii")
        return (
            f"<a class='cs-export' download='policybot-cases.jsonl' "
            f"href='data:application/x-ndjson;charset=utf-8;base64,{data}'>导出回归用例（JSONL，{count} 条）</a>"
        )


def _question_row(r: dict[str, Any]) -> list[Any]:
    feedback = {True: "有用", False: "无用", None: ""}[r["feedback_helpful"]]
    if r.get("feedback_comment"):
        feedback += f"：{r['feedback_comment']}"
    cite = (
        f"{r['doc_id']}:{r['clause_id']}"
        if r.get("doc_id") and r.get("clause_id")
        else r.get("clause_id") or ""
    )
    return [
        r["time"].replace("T", " "),
        r["question"],
        STATUS_LABELS.get(r["status"], r["status"]),
        MODE_LABELS.get(r.get("mode") or "", r.get("mode") or ""),
        cite,
        r.get("total_max_subsidy_yuan") or "",
        feedback,
        r["answer_id"],
    ]


def _case_row(c: dict[str, Any]) -> list[Any]:
    exp = c["expected"]
    return [c["id"], c["marked_at"].replace("T", " "), c["question"], STATUS_LABELS.get(exp["status"], exp["status"]),
            exp["cite"] or "", exp["total"] or "", c.get("comment") or ""]  # fmt: skip


def _frame(rows: list[list[Any]], columns: list[str]) -> Any:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def load(actions: ConsoleActions, token: str, since: str, until: str, search: str) -> list[Any]:
    """Enter or refresh: the figures and every list, or why not."""
    import gradio as gr

    hidden = [gr.update()] * (len(LISTS) + 3)
    if not actions.allowed(token):
        return [DENIED, gr.update(visible=False), *hidden]
    try:
        window = actions.window(since, until)
    except ValueError as exc:
        text = str(exc) if "不能晚于" in str(exc) else "日期应写成 2025-01-31 这样的格式。"
        return [f"**请检查日期**：{text}", gr.update(visible=True), *hidden]
    stats = actions.wb.console.summary(window)
    lists = [_frame(actions.rows(kind, window, search), COLUMNS) for kind, _ in LISTS]
    html = stats_html(stats, actions.clause_name, actions.tool_name)
    cases = _frame(actions.case_rows(), CASE_COLUMNS)
    return ["", gr.update(visible=True), html, *lists, cases, actions.export_link()]


def pick(actions: ConsoleActions, token: str, evt: Any) -> tuple[str, str]:
    """A row clicked in a list: its answer id and the recorded answer, to mark it."""
    row = getattr(evt, "row_value", None) or []
    if not actions.allowed(token) or not row:
        return "", ""
    return str(row[-1]), preview(actions, str(row[-1]))


def preview(actions: ConsoleActions, answer_id: str) -> str:
    found = actions.wb.console.answer(answer_id.strip()) if answer_id and answer_id.strip() else None
    if found is None:
        return "未找到该回答编号。" if answer_id and answer_id.strip() else ""
    status = STATUS_LABELS.get(found["status"], found["status"])
    total = found.get("total_max_subsidy_yuan") or "无"
    answer = found["answer"].replace("\n", "  \n> ")
    return f"**问题**：{found['question']}  \n**状态**：{status}；**依据**：{found.get('clause_id') or '无'}；**金额**：{total}\n\n> {answer}"


def mark(
    actions: ConsoleActions, token: str, answer_id: str, status: str, clause: str, amount: str, comment: str
) -> list[Any]:
    """Save the mark as a case; the Chinese reason when it cannot be kept."""
    import gradio as gr
    from pydantic import ValidationError

    from bot.records.cases import CaseError, CaseIn

    if not actions.allowed(token):
        return [DENIED, gr.update(), gr.update()]
    body = {"answer_id": (answer_id or "").strip(), "expected": {"status": status, "clause_id": clause or None,
            "amount": amount or None}, "comment": comment or None}  # fmt: skip
    try:
        case = actions.wb.cases.add(CaseIn.model_validate(body), actions.wb.resolve)
    except ValidationError:
        return [
            "**未保存**：请先在上面的表格中点选一条回答（或填入正确的回答编号），并选择应有的状态。",
            gr.update(),
            gr.update(),
        ]
    except CaseError as exc:
        return [f"**未保存**：{exc}", gr.update(), gr.update()]
    cases = _frame(actions.case_rows(), CASE_COLUMNS)
    return [
        f"已保存为回归用例 #{case['id']}：导出后放入 tests/data/cases/，测试会一直检查它。",
        cases,
        actions.export_link(),
    ]


def build_console_tab(workbench: Any) -> None:
    """Inside a gr.Tab: the token, then the figures, the lists and the marking form."""
    import gradio as gr

    if workbench is None or workbench.settings.admin_token is None:
        gr.Markdown(
            "运营台未开启：设置管理令牌 `POLICYBOT_ADMIN_TOKEN` 并重启服务后，用该令牌进入。",
            elem_id="console-off",
        )
        return
    actions = ConsoleActions(workbench)
    with gr.Row():
        token = gr.Textbox(label="管理令牌", type="password", elem_id="console-token", scale=3)
        enter = gr.Button("进入运营台", variant="primary", elem_id="console-enter", scale=1)
    message = gr.Markdown(elem_id="console-msg")
    with gr.Column(visible=False, elem_id="console-body") as body:
        outputs, inputs = _figures_and_lists(gr, actions)
        marked = _marking_form(gr, actions, token, outputs)
    run = [token, *inputs]
    for trigger in (enter.click, token.submit, inputs[-1].submit, outputs["refresh"].click):
        trigger(
            lambda *a: load(actions, *a),
            inputs=run,
            outputs=[message, body, outputs["stats"], *outputs["lists"], *marked],
        )


def _figures_and_lists(gr: Any, actions: ConsoleActions) -> tuple[dict[str, Any], list[Any]]:
    today = date.today()
    with gr.Row():
        since = gr.Textbox(
            label="起始日期（含）", value=(today - timedelta(days=29)).isoformat(), elem_id="console-since"
        )
        until = gr.Textbox(label="截止日期（含）", value=today.isoformat(), elem_id="console-until")
        search = gr.Textbox(label="搜索问题、回答或反馈", elem_id="console-search")
        refresh = gr.Button("刷新", elem_id="console-refresh")
    stats = gr.HTML(elem_id="console-stats", css_template=CSS, apply_default_css=False)
    lists = []
    with gr.Tabs(overflow_behavior="wrap"):  # four lists: all tabs shown on a phone too
        for kind, label in LISTS:
            with gr.Tab(label):
                lists.append(gr.Dataframe(headers=COLUMNS, interactive=False, wrap=True, elem_id=f"console-{kind}",
                                          max_height=420, column_widths=WIDTHS))  # fmt: skip
    return {"stats": stats, "lists": lists, "refresh": refresh}, [since, until, search]


def _marking_form(gr: Any, actions: ConsoleActions, token: Any, outputs: dict[str, Any]) -> list[Any]:
    gr.Markdown("### 标记错误回答（成为回归用例）\n点上面表格中的一行，写明它本应是什么。")
    answer_id = gr.Textbox(label="回答编号", elem_id="console-answer-id")
    shown = gr.Markdown(elem_id="console-preview")
    with gr.Row():
        status = gr.Dropdown(
            choices=STATUS_CHOICES, value="answered", label="应有的状态", elem_id="console-status"
        )
        clause = gr.Dropdown(
            choices=actions.clause_choices(), value="", label="应首先引用的条款", elem_id="console-clause"
        )
        amount = gr.Textbox(label="应有的金额（可写“240万”；没有金额留空）", elem_id="console-amount")
    comment = gr.Textbox(label="说明（选填）", elem_id="console-comment")
    save = gr.Button("标为错误并保存为回归用例", variant="primary", elem_id="console-mark")
    saved = gr.Markdown(elem_id="console-mark-msg")
    widths = ["60px", "150px", "240px", "80px", "100px", "100px", "200px"]
    cases = gr.Dataframe(
        headers=CASE_COLUMNS,
        interactive=False,
        wrap=True,
        elem_id="console-cases",
        max_height=300,
        column_widths=widths,
    )
    export = gr.HTML(elem_id="console-export", css_template=EXPORT_CSS, apply_default_css=False)

    def on_select(t: str, evt: Any) -> tuple[str, str]:
        return pick(actions, t, evt)

    on_select.__annotations__ = {"t": str, "evt": gr.SelectData, "return": tuple}  # Gradio injects the row
    for table in outputs["lists"]:
        table.select(on_select, inputs=[token], outputs=[answer_id, shown])
    answer_id.submit(
        lambda t, a: preview(actions, a) if actions.allowed(t) else "",
        inputs=[token, answer_id],
        outputs=shown,
    )
    form = [token, answer_id, status, clause, amount, comment]
    save.click(lambda *a: mark(actions, *a), inputs=form, outputs=[saved, cases, export])
    return [cases, export]
