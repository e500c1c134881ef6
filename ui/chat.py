"""Enterprise chat tab: answer first, then each cited clause as an expandable verbatim text."""

from __future__ import annotations

from functools import partial
from typing import Any

from bot.http.text import clause_label

EXAMPLES = (
    "首次流片费用800万元，最多能补贴多少？",
    "购买EDA工具花了300万元，有什么补贴？",
    "使用杭州人工智能计算中心算力，合同金额150万元，能补贴多少？",
    "本政策什么时候开始施行？",
    "新引进人才入选人才计划能拿多少奖励？",
)


def answer_messages(result: dict[str, Any], svc: Any) -> list[dict[str, Any]]:
    """One assistant message with the answer, then one collapsed message per citation (verbatim clause)."""
    messages: list[dict[str, Any]] = [{"role": "assistant", "content": str(result.get("answer", ""))}]
    doc_number = svc.corpus.primary.doc_number
    for cite in result.get("citations") or []:
        clause = svc.corpus.clause(str(cite.get("clause_id")))
        label = clause_label(svc.corpus, clause) if clause else str(cite.get("title"))
        body = clause.text if clause else str(cite.get("quote", ""))
        quote = str(cite.get("quote") or "")
        if quote and quote != body and quote in body:
            body = body.replace(quote, f"**{quote}**", 1)  # the sentence the answer relies on
        messages.append(
            {
                "role": "assistant",
                "content": body,
                "metadata": {
                    "title": f"依据：{doc_number} {label} [{cite.get('clause_id')}]",
                    "status": "done",
                },
            }
        )
    return messages


def respond(
    svc: Any, message: str, history: list[dict[str, Any]] | None, session_id: str | None
) -> tuple[str, list[dict[str, Any]], str | None]:
    """Send one message to the engine in this browser session; keep the session id for follow-ups."""
    from bot.http.errors import ApiError

    history = list(history or [])
    text = (message or "").strip()
    if not text:
        return "", history, session_id
    history.append({"role": "user", "content": text})
    try:
        result = svc.ask(text, session_id)
    except ApiError as exc:
        history.append({"role": "assistant", "content": exc.message})
        return "", history, session_id
    history.extend(answer_messages(result, svc))
    return "", history, result.get("session_id") or session_id


def build_chat_tab(svc: Any) -> None:
    """Inside a gr.Tab: chatbot, input box, example questions and a reset button."""
    import gradio as gr

    session = gr.State(None)
    chatbot = gr.Chatbot(
        label="政策问答",
        height=520,
        elem_id="chatbot",
        buttons=["copy"],
        feedback_options=None,
        placeholder="请输入与杭高新〔2024〕7号相关的问题，例如补贴金额、申请条件、责任单位。",
    )
    with gr.Row():
        box = gr.Textbox(show_label=False, placeholder="输入问题后按回车发送", scale=5, elem_id="chat-input")
        send = gr.Button("发送", variant="primary", scale=1, elem_id="chat-send")
    gr.Markdown("**示例问题**（点击直接提问）：")
    with gr.Row():
        example_buttons = [gr.Button(q, size="sm", elem_classes=["example-q"]) for q in EXAMPLES]
    clear = gr.Button("新对话", size="sm", elem_id="chat-clear")
    fn = partial(respond, svc)
    box.submit(fn, inputs=[box, chatbot, session], outputs=[box, chatbot, session])
    send.click(fn, inputs=[box, chatbot, session], outputs=[box, chatbot, session])
    for button, question in zip(example_buttons, EXAMPLES, strict=True):
        button.click(
            partial(respond, svc, question), inputs=[chatbot, session], outputs=[box, chatbot, session]
        )
    clear.click(lambda: ("", [], None), outputs=[box, chatbot, session])
