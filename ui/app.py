"""The Gradio web app (mounted at /ui by bot.http.app): enterprise chat, calculator panel, clause browser."""

from __future__ import annotations

from typing import Any

# System CJK fonts only: nothing is fetched from a font CDN. Servers need fonts-wqy-microhei (see README).
CJK_FONTS = (
    "PingFang SC",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "sans-serif",
)
MONO_FONTS = ("ui-monospace", "Consolas", "WenQuanYi Micro Hei Mono", "monospace")

CSS = """
.example-q { white-space: normal !important; text-align: left !important; }
#clause-hits .wrap { max-height: 420px; overflow-y: auto; }
"""


def ui_theme() -> Any:
    import gradio as gr

    return gr.themes.Default(primary_hue="blue", font=list(CJK_FONTS), font_mono=list(MONO_FONTS))


def build_ui(svc: Any) -> Any:
    """Three tabs calling the engine, calculators and corpus in-process."""
    import gradio as gr

    from ui.calculator import build_calculator_tab
    from ui.chat import build_chat_tab
    from ui.clauses import build_clause_tab

    doc = svc.corpus.primary
    with gr.Blocks(title="政策通 · " + doc.doc_number, analytics_enabled=False) as blocks:
        gr.Markdown(
            f"## 政策通：{doc.doc_number}\n{doc.meta.get('title', '')}"
            f"（{doc.meta.get('issued_date', '')} 印发，{doc.meta.get('effective_date', '')} 起施行）"
        )
        with gr.Tabs():
            with gr.Tab("政策问答", id="chat"):
                build_chat_tab(svc)
            with gr.Tab("补贴测算", id="calculator"):
                build_calculator_tab()
            with gr.Tab("条款查询", id="clauses"):
                build_clause_tab(svc)
        gr.Markdown("本助手依据政策原文作答；所列金额均为上限，实际以主管部门评审、认定为准。")
    # Gradio runs one call per event at a time by default; let several visitors be answered together,
    # and bound the waiting line so an overload gets a clear "queue full" instead of endless waiting.
    blocks.queue(default_concurrency_limit=8, max_size=256, api_open=False)
    return blocks
