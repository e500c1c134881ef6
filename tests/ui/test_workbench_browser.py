"""Real-browser tests of the 政策体检 and 运营台 tabs (Playwright + Debian chromium, desktop and 390 px), with
screenshots, and the report printed to PDF by Chromium on A4."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest

from bot.settings import Settings
from tests.api.live import live_server
from tests.ui.test_browser import (
    DESKTOP,
    PHONE,
    SHOTS,
    open_page,
    pick,
    require_chromium,
    shot,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TOKEN = "browser-console-token-0123456789"
PDFS = SHOTS.parent / "pdf"
A4_PT = (595.28, 841.89)
QUESTIONS = [
    ("首次流片费用800万元，最多能补贴多少？", None),
    ("杭州明天天气怎么样", False),
    ("EDA工具补贴多少", None),
    ("帮我写一首诗", False),
    ("贷款贴息怎么算", True),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app with the web UI and an admin token, its records seeded through the chat API."""
    require_chromium()
    from bot import build_engine
    from bot.http.app import create_app

    data = tmp_path_factory.mktemp("workbench-ui") / "data"
    settings = Settings(
        data_dir=data, embedding_model=None, llm_base_url=None, serve_ui=True, admin_token=TOKEN
    )
    with live_server(create_app(settings, build_engine(settings))) as url:
        for question, helpful in QUESTIONS:
            answer = httpx.post(url + "/v1/chat", json={"message": question}, timeout=60).json()
            if helpful is not None:
                httpx.post(
                    url + "/v1/feedback",
                    json={"answer_id": answer["answer_id"], "helpful": helpful},
                    timeout=30,
                )
        yield url, data / "records.sqlite3"


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def tab_page(request, browser, server):  # type: ignore[no-untyped-def]
    url, _ = server
    page = open_page(browser, url, request.param)
    page.wait_for_selector("#chat-input textarea")
    page.width = request.param["width"]
    yield page
    page.context.close()


def no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.width, f"页面横向溢出：{width}px"


# ---- 政策体检 -------------------------------------------------------------------------------------


def open_selfcheck(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="政策体检").click()
    page.wait_for_selector("#selfcheck .sc-root[data-ready=true]")


def add_item(page, tool: str, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    page.click(f"#selfcheck [data-add={tool}]")
    card = page.locator(f"#selfcheck .sc-item[data-tool={tool}]").last
    for name, value in values.items():
        field = card.locator(f"[data-field={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def fill_profile(page) -> None:  # type: ignore[no-untyped-def]
    """An IC design firm: two chips, one EDA licence entered under both EDA rules, a loan."""
    page.fill("#selfcheck [name=fact-company]", "杭州示例芯片科技有限公司")
    page.select_option("#selfcheck [name=fact-in_zone]", "true")
    page.select_option("#selfcheck [name=fact-industry]", "集成电路")
    page.fill("#selfcheck [name=fact-established_date]", "2023-03-01")
    page.fill("#selfcheck [name=fact-year]", "2025")
    add_item(page, "first_tapeout_subsidy", {"fees_yuan": "800万"})
    add_item(page, "first_tapeout_subsidy", {"fees_yuan": "1200万"})
    page.locator("#selfcheck details.sc-section").nth(0).evaluate("d => d.open = true")
    add_item(page, "eda_purchase_subsidy", {"ordinary_costs_yuan": "300万", "expense": "签核EDA许可"})
    add_item(page, "eda_purchase_subsidy", {"signoff_center_costs_yuan": "300万", "expense": "签核EDA许可"})
    page.locator("#selfcheck details.sc-section").nth(4).evaluate("d => d.open = true")
    add_item(
        page,
        "lpr_interest_subsidy",
        {"principal_yuan": "400万", "loan_date": "2024-08-01", "term_months": "12"},
    )


def test_selfcheck_form_to_report(tab_page) -> None:  # type: ignore[no-untyped-def]
    page = tab_page
    open_selfcheck(page)
    sections = page.locator("#selfcheck details.sc-section > summary").all_inner_texts()
    assert len(sections) == 5 and sections[0].startswith("（一）支持关键芯片突破")
    fill_profile(page)
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('#selfcheck .sc-item [data-field]')].filter(e => {
            const box = e.getBoundingClientRect(), section = e.closest('details').getBoundingClientRect();
            return box.width > 0 && (box.left < section.left || box.right > section.right); }).length"""
    )
    assert overflowing == 0  # every input inside its section's box, at 390 px too
    labels = page.locator("#selfcheck .sc-item .sc-label").all_inner_texts()
    assert labels and not [t for t in labels if t.count("选填") > 1 or re.search(r"[a-z]+_[a-z]+", t)], labels
    layout = "phone" if page.width < 640 else "desktop"
    shot(page, f"selfcheck_form_{layout}", full_page=False)
    page.click("#sc-run")
    # 240万 + 180万 (two tiers) + 150万 (the licence once, under the 50% rule) + 4,000,000 × 3.35% = 13.4万
    page.wait_for_selector("#sc-total >> text=583.4万元")
    report = page.frame_locator("#sc-report")
    report.locator("text=可申报金额合计最高").wait_for()
    assert "杭高新〔2024〕7号" in report.locator("body").inner_text()
    rows = report.locator(".measures tbody tr:not(.sec)")
    assert rows.count() == 29
    eda = report.locator(".measures tr", has_text="EDA 工具购买补贴").inner_text()
    assert "150万元" in eda and "可申报" in eda
    page.wait_for_timeout(300)
    frame_box = page.locator("#sc-report").bounding_box()
    inner = page.locator("#sc-report").evaluate("f => f.contentDocument.documentElement.scrollHeight")
    assert frame_box and frame_box["height"] >= inner  # the frame grows with its report: no inner scrollbar
    if page.width < 640:  # one card per measure on a phone, in reading size
        size = report.locator(".measures td").first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 12
    no_sideways_scroll(page)
    page.locator(".sc-result").scroll_into_view_if_needed()
    shot(page, f"selfcheck_result_{layout}", full_page=False)


def test_selfcheck_bad_input_is_explained_in_chinese(tab_page) -> None:  # type: ignore[no-untyped-def]
    page = tab_page
    open_selfcheck(page)
    add_item(page, "first_tapeout_subsidy", {"fees_yuan": "很多万"})
    page.click("#sc-run")
    page.wait_for_selector("#selfcheck .sc-errors:not([hidden])")
    text = page.locator("#selfcheck .sc-errors").inner_text()
    assert "第1项（首次流片补贴）" in text
    assert page.locator("#selfcheck .sc-result").is_hidden()
    shot(page, f"selfcheck_error_{'phone' if page.width < 640 else 'desktop'}", full_page=False)


def test_print_button_prints_the_report_frame_only(browser, server) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, server[0], DESKTOP)
    page.wait_for_selector("#chat-input textarea")
    open_selfcheck(page)
    add_item(page, "first_tapeout_subsidy", {"fees_yuan": "800万"})
    page.click("#sc-run")
    page.wait_for_selector("#sc-total >> text=240万元")
    page.evaluate(
        "() => { window.__pagePrinted = false; window.print = () => { window.__pagePrinted = true; }; }"
    )
    page.locator("#sc-report").evaluate(
        "f => { f.contentWindow.print = () => { window.__reportPrinted = true; }; }"
    )
    page.click("#sc-print")
    assert page.evaluate("() => window.__reportPrinted === true && window.__pagePrinted === false")
    page.context.close()


def _pdf_pages(data: bytes) -> list[tuple[float, float]]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    return [(float(w), float(h)) for w, h in boxes]


def test_report_printed_to_pdf_by_chromium_fits_a4(browser, server) -> None:  # type: ignore[no-untyped-def]
    page = open_page(browser, server[0], DESKTOP)
    page.wait_for_selector("#chat-input textarea")
    open_selfcheck(page)
    fill_profile(page)
    page.click("#sc-run")
    page.wait_for_selector("#sc-total >> text=583.4万元")
    html = page.locator("#sc-report").get_attribute("srcdoc")
    assert html and "@page" in html
    printed = browser.new_page(viewport={"width": 703, "height": 1000})  # 186 mm: A4 less the 12 mm margins
    printed.set_content(html)
    printed.emulate_media(media="print")
    assert (
        printed.evaluate("() => document.documentElement.scrollWidth") <= 703
    )  # nothing wider than the page
    PDFS.mkdir(parents=True, exist_ok=True)
    pdf = printed.pdf(
        path=str(PDFS / "selfcheck_report.pdf"), prefer_css_page_size=True, print_background=True
    )
    pages = _pdf_pages(pdf)
    assert 1 <= len(pages) <= 8, len(pages)
    for width, height in pages:
        assert abs(width - A4_PT[0]) < 2 and abs(height - A4_PT[1]) < 2, (width, height)
    printed.screenshot(path=str(SHOTS / "selfcheck_print_view.png"), full_page=False)
    printed.close()
    page.context.close()


# ---- 运营台 -------------------------------------------------------------------------------------------


def enter_console(page, token: str = TOKEN) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="运营台").click()
    page.fill("#console-token input", token)
    page.click("#console-enter")


def test_console_needs_the_token(tab_page) -> None:  # type: ignore[no-untyped-def]
    page = tab_page
    enter_console(page, "wrong-token")
    page.wait_for_selector("#console-msg >> text=管理令牌不正确")
    assert page.locator("#console-stats .cs-cards").count() == 0


def _sql_figures(db: Path) -> dict[str, int]:
    """The console's headline figures counted straight from the records database (last 30 days)."""
    since = time.mktime((date.today() - timedelta(days=29)).timetuple())
    conn = sqlite3.connect(db)
    one = lambda sql: conn.execute(sql, (since,)).fetchone()[0]  # noqa: E731
    figures = {"questions": one("SELECT COUNT(*) FROM answers WHERE ts >= ?")}
    for status in ("answered", "need_more_info", "not_covered"):
        figures[status] = one(f"SELECT COUNT(*) FROM answers WHERE ts >= ? AND status = '{status}'")
    figures["fallbacks"] = one("SELECT COUNT(*) FROM answers WHERE ts >= ? AND fallback_reason IS NOT NULL")
    figures["rules"] = one("SELECT COUNT(*) FROM answers WHERE ts >= ? AND mode = 'deterministic'")
    for name, helpful in (("helpful", 1), ("unhelpful", 0)):
        figures[name] = one(f"SELECT COUNT(*) FROM feedback WHERE ts >= ? AND helpful = {helpful}")
    today = time.mktime(date.today().timetuple())
    figures["today"] = conn.execute("SELECT COUNT(*) FROM answers WHERE ts >= ?", (today,)).fetchone()[0]
    conn.close()
    return figures


def test_console_figures_equal_the_records_and_a_case_is_marked(tab_page, server) -> None:  # type: ignore[no-untyped-def]
    page = tab_page
    enter_console(page)
    page.wait_for_selector("#console-stats .cs-cards")
    sql = _sql_figures(server[1])
    assert sql["questions"] == len(QUESTIONS) and sql["not_covered"] == 2  # the seeding reached the database
    cards = [c.split("\n")[0] for c in page.locator("#console-stats .cs-card").all_inner_texts()]
    expected = [sql[k] for k in ("questions", "answered", "need_more_info", "not_covered", "fallbacks")]
    assert cards[:5] == [str(n) for n in expected]
    assert cards[6] == f"{sql['helpful']} / {sql['unhelpful']}"
    modes = page.locator("#console-stats table", has_text="按模式").inner_text()
    assert re.search(rf"规则\s+{sql['rules']}\b", modes), modes
    today = page.locator(f"#console-stats .cs-wide rect.cs-bar title >> text={date.today().isoformat()}")
    assert today.first.text_content() == f"{date.today().isoformat()}：{sql['today']} 个问题"
    uncovered = sql["not_covered"]
    rows = page.locator("#console-not_covered .virtual-row[role=row]")  # Gradio's virtual table rows
    rows.first.wait_for()
    assert rows.count() == uncovered
    layout = "phone" if page.width < 640 else "desktop"
    shot(page, f"console_{layout}")
    no_sideways_scroll(page)
    rows.first.locator("[role=gridcell]").nth(1).click()  # a question cell
    page.wait_for_function(
        "() => document.querySelector('#console-answer-id input, #console-answer-id textarea').value.length > 8"
    )
    page.wait_for_selector("#console-preview >> text=问题")
    pick(page, "console-status", "未覆盖")
    page.fill("#console-comment input, #console-comment textarea", "浏览器测试：范围外问题")
    page.click("#console-mark")
    page.wait_for_selector("#console-mark-msg >> text=已保存为回归用例")
    page.wait_for_selector("#console-cases .virtual-row >> text=浏览器测试：范围外问题")
    with page.expect_download() as download:
        page.click("#console-export a[download]")
    lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert any(json.loads(line)["turns"][-1]["status"] == "not_covered" for line in lines)
    shot(page, f"console_marked_{layout}", full_page=False)
    pick_an_answered_one(page, sql["answered"])
    search_and_dates(page, rows)


def pick_an_answered_one(page, answered: int) -> None:  # type: ignore[no-untyped-def]
    """An answer nobody complained about can be marked too: the 全部回答 list holds every one."""
    page.locator("#console-body button[role=tab]", has_text="全部回答").click()
    every = page.locator("#console-all .virtual-row[role=row]")
    every.first.wait_for()
    assert every.count() == len(QUESTIONS)
    done = page.locator("#console-all .virtual-row[role=row]", has_text="已答")
    assert done.count() == answered >= 1
    done.first.locator("[role=gridcell]").nth(1).click()
    page.wait_for_selector("#console-preview >> text=状态：已答")


def search_and_dates(page, rows) -> None:  # type: ignore[no-untyped-def]
    """The lists follow the search words and the date window; a window with no records says so."""
    page.locator("#console-body button[role=tab]", has_text="未覆盖的问题").click()
    page.fill("#console-search input, #console-search textarea", "天气")
    page.press("#console-search input, #console-search textarea", "Enter")
    page.wait_for_function(
        "() => document.querySelectorAll('#console-not_covered .virtual-row[role=row]').length === 1"
    )
    assert "杭州明天天气怎么样" in rows.first.inner_text()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    page.fill("#console-since input, #console-since textarea", tomorrow)
    page.fill("#console-until input, #console-until textarea", tomorrow)
    page.click("#console-refresh")
    page.wait_for_selector("#console-stats p >> text=所选日期内没有问题记录 >> visible=true")
    assert page.locator("#console-stats .cs-card").first.inner_text().split("\n")[0] == "0"
    page.fill("#console-since input, #console-since textarea", "2025-13-01")
    page.click("#console-refresh")
    page.wait_for_selector("#console-msg >> text=日期应写成 2025-01-31 这样的格式")
