"""Real-browser tests: Playwright driving Debian's chromium against the served app, at desktop and phone width."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.api.live import live_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
TIMEOUT_MS = 30_000
DESKTOP = {"width": 1280, "height": 1000}
PHONE = {"width": 390, "height": 844}
CLEAR_ICON = "#chatbot .top-panel button"  # the chat's own trash icon


def require_chromium() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI 环境缺少 /usr/bin/chromium（应由 .ci/run 安装）")
        pytest.skip("本机没有 /usr/bin/chromium：apt-get install chromium fonts-wqy-microhei")


def ui_settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, embedding_model=None, llm_base_url=None, serve_ui=True)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    from bot import build_engine
    from bot.http.app import create_app

    settings = ui_settings(tmp_path_factory.mktemp("ui-data"))
    with live_server(create_app(settings, build_engine(settings))) as url:
        yield url


def open_page(browser, base_url: str, viewport: dict[str, int], path: str = "/"):
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.hosts = set()
    page.on("request", lambda r: page.hosts.add(r.url.split("/")[2]))
    page.goto(base_url + path)  # "/" redirects to the web UI
    return page


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def any_page(request, browser, base_url: str):
    page = open_page(browser, base_url, request.param)
    page.wait_for_selector("#chat-input textarea")
    page.width = request.param["width"]
    yield page
    page.context.close()


@pytest.fixture
def page(browser, base_url: str):
    page = open_page(browser, base_url, DESKTOP)
    page.wait_for_selector("#chat-input textarea")
    yield page
    page.context.close()


@pytest.fixture
def phone(browser, base_url: str):
    page = open_page(browser, base_url, PHONE)
    page.wait_for_selector("#chat-input textarea")
    yield page
    page.context.close()


def shot(page, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def ask(page, question: str) -> None:
    page.fill("#chat-input textarea", question)
    page.click("#chat-send")


def bot_text(page) -> str:
    return page.locator("#chatbot").inner_text()


def box(page, selector: str) -> dict[str, float]:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


def test_docs_render_the_operations(browser, base_url: str) -> None:
    page = open_page(browser, base_url, DESKTOP, "/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=TIMEOUT_MS)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    for path in ("/v1/chat", "/v1/chat/completions", "/v1/search", "/v1/calculators/{name}", "/wechat"):
        assert any(p.replace("\u200b", "") == path for p in paths), paths
    assert "Unable to render" not in page.content()
    shot(page, "docs", full_page=False)
    assert page.hosts == {base_url.split("/")[2]}  # Swagger UI's files come from this server
    page.context.close()


def test_chat_numeric_answer_with_citation(page, base_url: str) -> None:
    ask(page, "首次流片费用800万元，最多能补贴多少？")
    page.wait_for_selector("#chatbot .pb-amount >> text=240万元")
    citation = page.locator("#chatbot summary").get_by_text(
        re.compile("依据：杭高新〔2024〕7号 第3条（加大流片支持）")
    )
    citation.first.click()  # expand the verbatim clause
    page.wait_for_selector("#chatbot .pb-cite-text >> text=首次流片费用 1000 万元以上的")
    size = page.locator("#chatbot .pb-cite-text").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 14  # citations in reading size
    shot(page, "chat_numeric")
    assert "240万元" in bot_text(page)
    # Everything the page loaded came from our own server: no CDN, no telemetry.
    assert page.hosts == {base_url.split("/")[2]}


def test_chat_follow_up_keeps_session(page) -> None:
    ask(page, "首次流片费用800万元，最多能补贴多少？")
    page.wait_for_selector("#chatbot >> text=240万元")
    ask(page, "那如果是1500万呢？")
    # Only the remembered tape-out question makes "1500万" mean 15% × 1500万 = 225万.
    page.wait_for_selector("#chatbot >> text=225万元")
    shot(page, "chat_follow_up")


@pytest.mark.parametrize("how", ["trash-icon", "new-conversation-button"])
def test_clearing_the_chat_starts_a_new_session(page, how: str) -> None:
    ask(page, "首次流片费用800万元，最多能补贴多少？")
    page.wait_for_selector("#chatbot >> text=240万元")
    page.click(CLEAR_ICON if how == "trash-icon" else "#chat-clear")
    page.wait_for_function("() => !document.querySelector('#chatbot .bot-row')")
    ask(page, "那如果是1500万呢？")
    page.wait_for_selector("#chatbot .bot-row")
    page.wait_for_timeout(300)
    text = bot_text(page)
    assert "225万元" not in text  # not answered from the conversation that was cleared
    shot(page, f"chat_cleared_{how}")


def test_amount_is_visible_without_scrolling_on_a_phone(phone) -> None:
    ask(phone, "首次流片费用800万元，最多能补贴多少？")
    phone.wait_for_selector("#chatbot .pb-amount")
    phone.wait_for_timeout(400)  # the scroll that brings the new question to the top of the chat
    amount = box(phone, "#chatbot .pb-amount")
    chat = box(phone, "#chatbot .bubble-wrap")
    assert 0 <= amount["y"] and amount["y"] + amount["height"] <= PHONE["height"]
    assert chat["y"] <= amount["y"] and amount["y"] + amount["height"] <= chat["y"] + chat["height"]
    assert phone.evaluate("() => window.scrollY") == 0
    size = phone.locator("#chatbot .pb-amount strong").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 24  # large: the amount is the answer
    shot(phone, "phone_chat_amount", full_page=False)


def pick(page, elem_id: str, option: str) -> None:
    page.click(f"#{elem_id} input")
    page.get_by_role("option", name=option).click()


def test_calculator_chart_scales_to_the_input(any_page) -> None:
    page = any_page
    page.get_by_role("tab", name="补贴测算").click()
    pick(page, "calc-picker", "首次流片补贴（m3）")
    form = page.locator("#calc-form-first_tapeout_subsidy")
    form.locator("textarea, input[type=text]").first.fill("800万")
    page.click("#calc-run-first_tapeout_subsidy")
    page.wait_for_selector("#calc-result >> text=补贴上限：240万元")
    layout = "narrow" if page.width < 640 else "wide"
    chart = page.locator(f"#calc-chart svg.pb-chart-{layout}")
    chart.wait_for(state="visible")
    point, axis = (
        box(page, f"#calc-chart .pb-chart-{layout} .user-point"),
        box(page, f"#calc-chart .pb-chart-{layout} .x-axis"),
    )
    centre = point["x"] + point["width"] / 2
    share = (centre - axis["x"]) / axis["width"]
    assert 0.2 <= share <= 0.85, share  # the user's point well inside the plotted range, not in the first 3%
    chart_box = box(page, f"#calc-chart svg.pb-chart-{layout}")
    assert chart_box["x"] >= 0 and chart_box["x"] + chart_box["width"] <= page.width  # nothing clipped
    # Tick labels stay readable: the SVG's 13 px text scaled to the drawn width.
    scale = chart.evaluate("s => s.getBoundingClientRect().width / s.viewBox.baseVal.width")
    assert 13 * scale >= 11, scale
    legend = page.locator("#calc-chart .pb-legend").inner_text()
    assert "门槛/分档 1000万元" in legend and "补贴上限 240万元" in legend and "2000万元" in legend
    page.locator("#calc-chart").scroll_into_view_if_needed()
    shot(page, f"calculator_{layout}")


def test_clause_browser_synonyms_highlight_and_copy(any_page) -> None:
    page = any_page
    page.get_by_role("tab", name="条款查询").click()
    page.fill("#clause-q input, #clause-q textarea", "房租")
    page.wait_for_selector("#clause-count >> text=找到")
    page.wait_for_selector("#clause-hits >> text=第16条（鼓励荣誉创建）")
    choices = page.locator("#clause-hits label").all_inner_texts()
    assert choices[0].startswith("第10条")
    assert page.locator("#clause-view mark").first.inner_text() in ("房租", "房租补贴")
    page.get_by_text(re.compile("第16条（鼓励荣誉创建）")).first.click()
    page.wait_for_selector("#clause-view mark >> text=场租费")
    page.click("#clause-copy")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("杭高新〔2024〕7号 第16条（鼓励荣誉创建）\n16. ")
    hits, view = box(page, "#clause-hits"), box(page, "#clause-view")
    if page.width < 640:  # one column on a phone: the list above the clause, both full width
        assert view["y"] >= hits["y"] + hits["height"] - 1 and view["width"] >= page.width * 0.8
        section = box(page, "#clause-section")
        assert section["width"] >= page.width * 0.8  # the dropdown has room for 所属部分 values
    else:
        assert view["x"] >= hits["x"] + hits["width"] - 1  # side by side
    shot(page, f"clause_search_{'phone' if page.width < 640 else 'desktop'}")


def test_clause_browser_filter(page) -> None:
    page.get_by_role("tab", name="条款查询").click()
    pick(page, "clause-unit", "人才办")
    page.wait_for_selector("#clause-count >> text=找到 1 条")
    assert "第18条（加快人才引育）" in page.locator("#clause-view").inner_text()
    shot(page, "clause_filter")


def test_example_question_button_asks_it(page) -> None:
    page.get_by_role("button", name="本政策什么时候开始施行？").click()
    page.wait_for_selector("#chatbot >> text=2024 年 6 月 25 日")


def test_phone_tabs_have_no_overlapping_label(phone) -> None:
    ask(phone, "首次流片费用800万元，最多能补贴多少？")
    phone.wait_for_selector("#chatbot .pb-amount")
    assert phone.locator("#chatbot label, #chatbot [data-testid='block-label']").count() == 0
    for tab in ("补贴测算", "条款查询"):
        phone.get_by_role("tab", name=tab).click()
        width = phone.evaluate("() => document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{tab} 页面横向溢出：{width}px"
