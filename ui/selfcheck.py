"""政策体检 tab: the enterprise enters its year once (facts, then each measure's items, generated from the
packs) and gets every measure with its ceiling, reason and 责任单位, and a report it can print on A4.

The form is a small script in a gr.HTML component (ui/selfcheck.js, styles in ui/selfcheck.css): items are
added and removed in the page, and the script calls the self-check in-process through the component's server
functions. The report is the same HTML as POST /v1/selfcheck/report, shown in a sandboxed frame and printed
from it, so the page's print view is the report alone.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent

TEMPLATE = """
<div class="sc-root">
  <p class="sc-intro">一次填写企业的基本情况和当年的各项费用，列出每一项措施：能否申报、最高多少、还缺什么、找哪个部门；同一笔支出填在几项措施下时写相同的“支出名称”，只计一次。金额可写“1200万”。</p>
  <p class="sc-docs"></p>
  <h3>一、企业基本情况</h3>
  <div class="sc-facts"></div>
  <h3>二、当年的费用与事项（按政策分部分，点“＋ 填写”添加；同一措施可填多项）</h3>
  <div class="sc-sections"></div>
  <ul class="sc-errors" role="alert" hidden></ul>
  <div class="sc-actions">
    <button type="button" id="sc-run" class="sc-primary">开始体检</button>
  </div>
  <div class="sc-result" hidden>
    <p class="sc-headline">可申报金额合计最高 <strong id="sc-total"></strong></p>
    <p class="sc-counts"></p>
    <p class="sc-ceiling">所列金额均为政策规定的上限（“不超过/最高”），实际以主管部门评审、认定为准。</p>
    <div class="sc-actions">
      <button type="button" id="sc-print">打印报告 / 另存为 PDF（A4）</button>
      <a id="sc-download" download="政策体检报告.html">下载报告</a>
    </div>
    <iframe id="sc-report" title="政策体检报告" sandbox="allow-same-origin allow-modals"></iframe>
  </div>
</div>
"""


def asset(name: str) -> str:
    return (HERE / name).read_text(encoding="utf-8")


def run_payload(selfcheck: Any, payload: Any) -> dict[str, Any]:
    """The page's call: the report HTML and headline figures, or the Chinese messages of what to fix."""
    from decimal import Decimal

    from bot.selfcheck import SelfCheckError
    from bot.selfcheck.report import report_html
    from calculators.money import format_wan

    try:
        result = selfcheck.run(payload)
    except SelfCheckError as exc:
        return {"ok": False, "errors": [e["message"] for e in exc.errors[:20]]}
    except Exception:  # a bug must reach the page as a message, not as a broken form
        log.exception("政策体检出错")
        return {"ok": False, "errors": ["体检时出错了，请检查填写的内容后重试。"]}
    total = Decimal(result["total_max_subsidy_yuan"])
    return {
        "ok": True,
        "html": report_html(result),
        "total": result["total_max_subsidy_yuan"],
        "total_text": f"{format_wan(total)}（{total:,f} 元）",
        "counts": result["counts"],
    }


def build_selfcheck_tab(selfcheck: Any) -> Any:
    """Inside a gr.Tab: the generated form and the report."""
    import gradio as gr

    from bot.selfcheck.form import form_spec

    def selfcheck_form(_: Any = None) -> dict[str, Any]:
        return form_spec(selfcheck.catalogue)

    def selfcheck_run(payload: Any = None) -> dict[str, Any]:
        return run_payload(selfcheck, payload)

    return gr.HTML(
        TEMPLATE,
        js_on_load=asset("selfcheck.js"),
        css_template=asset("selfcheck.css"),
        server_functions=[selfcheck_form, selfcheck_run],
        apply_default_css=False,
        elem_id="selfcheck",
    )
