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
/* The amount is the answer: first and large, in the chat and in the calculator. */
#chatbot .pb-amount { font-size: 1.35rem; font-weight: 600; color: #1e3a8a; margin: 0 0 .4em; line-height: 1.4; }
#chatbot .pb-amount strong { font-size: 1.9rem; color: #1d4ed8; }
#chatbot .pb-amount .pb-yuan { font-size: .95rem; font-weight: 400; color: #374151; margin-left: .3em; }
#chatbot .pb-amount.pb-none { color: #92400e; }
#calc-result h3 { font-size: 1.7rem; color: #1d4ed8; }
/* Cited clauses in reading size, never cut off: they flow with the conversation. */
#chatbot .pb-cite { margin: .6em 0 0; padding: .35em .8em; border-left: 3px solid #93c5fd; background: #f8fafc; }
#chatbot .pb-cite summary { font-size: 15px; font-weight: 600; color: #1f2937; cursor: pointer; }
#chatbot .pb-cite-text { font-size: 15px; line-height: 1.75; color: #111827; white-space: pre-wrap;
  margin-top: .4em; }
#clause-hits .wrap { max-height: 420px; overflow-y: auto; }
#clause-view .pb-clause { font-size: 16px; line-height: 1.8; color: #111827; }
#clause-view .pb-clause-head { font-weight: 600; font-size: 17px; }
#clause-view .pb-clause-meta { color: #4b5563; font-size: 14px; margin-bottom: .4em; }
#clause-view .pb-clause-text { white-space: pre-wrap; }
#clause-view mark { background: #fde68a; color: inherit; padding: 0 1px; }
/* The chart comes in two layouts; the narrow one keeps its labels readable on a phone. */
#calc-chart .pb-chart-narrow { display: none; }
#calc-chart .pb-legend { font-size: 14px; line-height: 1.7; color: #1f2937; margin: .3em 0 0; padding: 0;
  list-style: none; }
@media (max-width: 640px) {
  #calc-chart .pb-chart-wide { display: none; }
  #calc-chart .pb-chart-narrow { display: block; }
  #clause-hits .wrap { max-height: 36vh; }
  /* Five tabs in one row on a 390 px phone, so the chat's input stays on the first screen. */
  .tab-container[role=tablist] > button[role=tab] { padding: 0 6px; }
  #selfcheck > .html-container { padding-left: 0; padding-right: 0; }  /* the form gets the full width */
}
"""


def ui_theme() -> Any:
    import gradio as gr

    return gr.themes.Default(primary_hue="blue", font=list(CJK_FONTS), font_mono=list(MONO_FONTS))


def _selfcheck(svc: Any, workbench: Any) -> Any:
    if workbench is not None:
        return workbench.selfcheck
    from bot.selfcheck import SelfCheck

    return SelfCheck(svc.packs)


def build_ui(svc: Any, workbench: Any = None) -> Any:
    """The tabs, calling the engine, calculators, corpus, self-check and console in-process."""
    import gradio as gr

    from ui.calculator import build_calculator_tab
    from ui.chat import build_chat_tab
    from ui.clauses import build_clause_tab, pack_lexicon
    from ui.console import build_console_tab
    from ui.selfcheck import build_selfcheck_tab

    doc = svc.corpus.primary
    with gr.Blocks(title="政策通 · " + doc.doc_number, analytics_enabled=False) as blocks:
        gr.Markdown(
            f"## 政策通：{doc.doc_number}\n{doc.meta.get('title', '')}"
            f"（{doc.meta.get('issued_date', '')} 印发，{doc.meta.get('effective_date', '')} 起施行）"
        )
        with gr.Tabs(
            overflow_behavior="wrap"
        ):  # five tabs: one row at 390 px (CSS), wrapping below that instead of hiding some in a menu
            with gr.Tab("政策问答", id="chat"):
                build_chat_tab(svc)
            with gr.Tab("补贴测算", id="calculator"):
                build_calculator_tab()
            with gr.Tab("条款查询", id="clauses"):
                build_clause_tab(svc, pack_lexicon(svc.corpus))
            with gr.Tab("政策体检", id="selfcheck"):
                build_selfcheck_tab(_selfcheck(svc, workbench))
            with gr.Tab("运营台", id="console"):
                build_console_tab(workbench)
        gr.Markdown("本助手依据政策原文作答；所列金额均为上限，实际以主管部门评审、认定为准。")
    # Gradio runs one call per event at a time by default; let several visitors be answered together,
    # and bound the waiting line so an overload gets a clear "queue full" instead of endless waiting.
    blocks.queue(default_concurrency_limit=8, max_size=256, api_open=False)
    return blocks
