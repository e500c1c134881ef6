"""Enterprise chat tab: the amount first and large, then the explanation, then each cited clause, expandable."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any

from bot.http.text import clause_label
from ui.chart import wan

# The browser's conversation outlived the server's session (restart, expiry): say so instead of guessing.
SESSION_LOST = (
    "会话已过期，请重新描述您的问题：之前的对话已失效（服务重启或长时间未操作），请把问题完整地再说一遍。"
)
SESSION_RESTARTED = "会话已过期，已为您开启新的会话。\n"
# Autoscroll would jump to the end of a long answer; instead the new question goes to the top of the chat,
# so the amount right under it is what the reader sees first, on a phone too.
SCROLL_TO_QUESTION_JS = """() => { setTimeout(() => {
  const wrap = document.querySelector('#chatbot .bubble-wrap');
  const rows = wrap ? wrap.querySelectorAll('.message-row.user-row') : [];
  const last = rows[rows.length - 1];
  if (last) wrap.scrollTop += last.getBoundingClientRect().top - wrap.getBoundingClientRect().top - 4;
}, 60); }"""


def amount_html(result: dict[str, Any]) -> str:
    """The headline: the ceiling in 万元, large; empty for answers without an amount."""
    try:
        total = Decimal(str(result.get("total_max_subsidy_yuan")))
    except InvalidOperation:
        return ""
    if result.get("status") != "answered" or not total.is_finite():
        return ""
    if total <= 0:
        return '<div class="pb-amount pb-none">按所述情况不符合补贴条件</div>\n\n'
    several = len(result.get("calculations") or []) > 1
    label = "合计最高可获" if several else "最高可获"
    return (
        f'<div class="pb-amount">{label} <strong>{wan(total)}</strong>'
        f'<span class="pb-yuan">（{total:,f} 元，政策上限）</span></div>\n\n'
    )


def citation_html(cite: dict[str, Any], svc: Any) -> str:
    """One cited clause as a <details> block: its label as the summary, the whole clause inside."""
    clause = svc.corpus.clause(str(cite.get("clause_id")), cite.get("doc_id") or None)
    label = clause_label(svc.corpus, clause) if clause else str(cite.get("title"))
    doc_number = svc.corpus.document_of(clause).doc_number if clause else svc.corpus.primary.doc_number
    body = escape(clause.text if clause else str(cite.get("quote", "")))
    quote = escape(str(cite.get("quote") or ""))
    if quote and quote != body and quote in body:
        body = body.replace(quote, f"<strong>{quote}</strong>", 1)  # the sentence the answer relies on
    summary = f"依据：{escape(doc_number)} {escape(label)} [{escape(str(cite.get('clause_id')))}]"
    return f'<details class="pb-cite"><summary>{summary}</summary><div class="pb-cite-text">{body}</div></details>'


def answer_messages(result: dict[str, Any], svc: Any) -> list[dict[str, Any]]:
    """One assistant message: the amount, the answer text (formula, conditions, caps), the cited clauses."""
    text = amount_html(result) + str(result.get("answer", ""))
    cites = [citation_html(c, svc) for c in result.get("citations") or []]
    if cites:
        text += "\n\n" + "\n".join(cites)
    return [{"role": "assistant", "content": text}]


def _lost_session(result: dict[str, Any]) -> dict[str, Any]:
    if result.get("status") in ("not_covered", "need_more_info"):
        # A follow-up ("那如果是1500万呢") means nothing without the lost context: ask for the whole question.
        return {
            **result,
            "status": "need_more_info",
            "answer": SESSION_LOST,
            "citations": [],
            "calculations": [],
        }
    return {**result, "answer": SESSION_RESTARTED + str(result.get("answer", ""))}


def respond(
    svc: Any, message: str, history: list[dict[str, Any]] | None, session_id: str | None, request: Any = None
) -> tuple[str, list[dict[str, Any]], str | None]:
    """Send one message to the engine in this browser session; keep the session id for follow-ups.

    The id lives in gr.State on the server, in the web channel's own namespace: no client can name it."""
    from bot.http.clients import client_key
    from bot.http.errors import ApiError

    history = list(history or [])
    text = (message or "").strip()
    if not text:
        return "", history, session_id
    # The page still shows a conversation but the server no longer holds its session (it restarted).
    lost = session_id is None and any(m.get("role") == "assistant" for m in history)
    history.append({"role": "user", "content": text})
    try:
        # The guards put the real client address into the request scope (behind proxies too).
        client = getattr(request, "client", None)
        result = svc.ask(text, session_id, channel="web", client=client_key(getattr(client, "host", None)))
    except ApiError as exc:
        history.append({"role": "assistant", "content": exc.message})
        return "", history, session_id
    if lost:
        result = _lost_session(result)
    history.extend(answer_messages(result, svc))
    return "", history, result.get("session_id") or session_id


def new_conversation() -> tuple[str, list[dict[str, Any]], None]:
    """What 新对话 and the chat's trash icon both do: empty screen, empty box, no session."""
    return "", [], None


def build_chat_tab(svc: Any) -> None:
    """Inside a gr.Tab: chatbot, input box, example questions and a reset button."""
    import gradio as gr

    examples = svc.examples
    session = gr.State(None)
    chatbot = gr.Chatbot(
        show_label=False,  # the tab already says 政策问答; the floating label covered the first line
        height="min(640px, 68vh)",
        autoscroll=False,
        elem_id="chatbot",
        buttons=["copy"],
        feedback_options=None,
        placeholder=f"请输入与{svc.corpus.primary.doc_number}相关的问题，例如补贴金额、申请条件、责任单位。",
    )
    with gr.Row():
        box = gr.Textbox(
            show_label=False, placeholder="输入问题后按回车发送", scale=5, min_width=200, elem_id="chat-input"
        )
        send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="chat-send")
    gr.Markdown("**示例问题**（点击直接提问）：")
    with gr.Row():
        example_buttons = [gr.Button(q, size="sm", elem_classes=["example-q"]) for q in examples]
    clear = gr.Button("新对话", size="sm", elem_id="chat-clear")

    def ask(message: str, history: Any, session_id: str | None, request: gr.Request) -> Any:
        return respond(svc, message, history, session_id, request)

    def ask_example(question: str) -> Any:
        def ask_it(history: Any, session_id: str | None, request: gr.Request) -> Any:
            return respond(svc, question, history, session_id, request)

        return _with_request(ask_it, gr)

    fn = _with_request(ask, gr)
    outputs = [box, chatbot, session]
    box.submit(fn, inputs=[box, chatbot, session], outputs=outputs).then(None, js=SCROLL_TO_QUESTION_JS)
    send.click(fn, inputs=[box, chatbot, session], outputs=outputs).then(None, js=SCROLL_TO_QUESTION_JS)
    for button, question in zip(example_buttons, examples, strict=True):
        button.click(ask_example(question), inputs=[chatbot, session], outputs=outputs).then(
            None, js=SCROLL_TO_QUESTION_JS
        )
    clear.click(new_conversation, outputs=outputs)
    # The trash icon clears the screen on its own; the session must go with it, exactly like 新对话.
    chatbot.clear(new_conversation, outputs=outputs)


def _with_request(fn: Any, gr: Any) -> Any:
    # Gradio passes gr.Request to a parameter annotated with it; the annotation is a string here
    # (postponed annotations) and gradio is imported lazily, so give it the class itself.
    fn.__annotations__["request"] = gr.Request
    return fn
