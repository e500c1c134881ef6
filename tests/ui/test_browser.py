"""Real-browser tests: Playwright driving Debian's chromium against the served app (API + Gradio at /ui)."""

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


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI 环境缺少 /usr/bin/chromium（应由 .ci/run 安装）")
        pytest.skip("本机没有 /usr/bin/chromium：apt-get install chromium fonts-wqy-microhei")
    from bot import build_engine
    from bot.http.app import create_app

    settings = Settings(
        data_dir=tmp_path_factory.mktemp("ui-data"), embedding_model=None, llm_base_url=None, serve_ui=True
    )
    with live_server(create_app(settings, build_engine(settings))) as url:
        yield url


@pytest.fixture(scope="module")
def browser(base_url: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, base_url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.hosts = set()
    page.on("request", lambda r: page.hosts.add(r.url.split("/")[2]))
    page.goto(base_url + "/")  # "/" redirects to the web UI
    page.wait_for_selector("#chat-input textarea")
    yield page
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def ask(page, question: str) -> None:
    page.fill("#chat-input textarea", question)
    page.click("#chat-send")


def bot_text(page) -> str:
    return page.locator("#chatbot").inner_text()


def test_chat_numeric_answer_with_citation(page, base_url: str) -> None:
    ask(page, "首次流片费用800万元，最多能补贴多少？")
    page.wait_for_selector("#chatbot >> text=240万元")
    citation = page.locator("#chatbot").get_by_text(
        re.compile("依据：杭高新〔2024〕7号 第3条（加大流片支持）")
    )
    citation.first.click()  # expand the verbatim clause
    page.wait_for_selector("#chatbot >> text=首次流片费用 1000 万元以上的")
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


def test_example_question_button_asks_it(page) -> None:
    page.get_by_role("button", name="本政策什么时候开始施行？").click()
    page.wait_for_selector("#chatbot >> text=2024 年 6 月 25 日")


def pick(page, elem_id: str, option: str) -> None:
    page.click(f"#{elem_id} input")
    page.get_by_role("option", name=option).click()


def test_calculator_panel_result_and_chart(page) -> None:
    page.get_by_role("tab", name="补贴测算").click()
    pick(page, "calc-picker", "首次流片补贴（m3）")
    form = page.locator("#calc-form-first_tapeout_subsidy")
    form.locator("textarea, input[type=text]").first.fill("800万")
    page.click("#calc-run-first_tapeout_subsidy")
    page.wait_for_selector("#calc-result >> text=补贴上限：240万元")
    chart = page.locator("#calc-chart svg")
    chart.wait_for()
    labels = chart.text_content() or ""
    assert "上限 2000万元" in labels  # the overall cap as a dashed line
    assert "门槛/分档 1000万元" in labels  # the tier boundary as a dashed line
    assert "您的情况：240万元" in labels
    shot(page, "calculator")


def test_clause_browser_search_filter_and_copy(page) -> None:
    page.get_by_role("tab", name="条款查询").click()
    page.fill("#clause-q input, #clause-q textarea", "算力券")
    text = page.locator("#clause-text textarea")
    page.wait_for_function(
        "() => document.querySelector('#clause-text textarea').value.includes('第6条（加强算力供给）')"
    )
    assert text.input_value().startswith("杭高新〔2024〕7号 第6条（加强算力供给）\n6. 加强算力供给。")
    page.locator("#clause-text button[aria-label*='opy'], #clause-text button[title*='opy']").first.click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied == text.input_value()
    shot(page, "clause_search")
    page.fill("#clause-q input, #clause-q textarea", "")
    pick(page, "clause-unit", "人才办")
    page.wait_for_selector("#clause-count >> text=找到 1 条")
    assert "第18条（加快人才引育）" in text.input_value()
    shot(page, "clause_filter")
