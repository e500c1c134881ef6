"""Records and the API surface over real HTTP: exports neutralise every formula cell, `policybot log` shows
control characters escaped, admin routes are out of the docs when off, a signed WeChat URL works once,
and every reply carries the security headers."""

from __future__ import annotations

import csv
import io
import os
import string
import subprocess
import sys
import time
import unicodedata
import uuid
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest

from bot.engine import Engine
from bot.http.wechat import wechat_signature
from bot.settings import Settings
from tests.api.live import live_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "admin-token-0123456789abcdef"
WX = "wx-records-token"
# Formula starts as audited: plain, after whitespace or invisible marks, and full-width.
HOSTILE = [
    '=HYPERLINK("http://evil","点我")',
    " =1+1",
    "\t=1+1",
    "\u200b=1+1",
    "\u202e=1+1",
    "\u3000@SUM(A1)",
    "＝1+1",
    "＋1+1",
    "－1+1",
    "＠SUM(A1)",
    "-2+3 流片",
    "+86 流片补贴",
    "\ufeff=cmd|' /C calc'!A0",
]
INVISIBLE = "".join(chr(c) for c in (*range(0x200B, 0x2010), *range(0x202A, 0x202F), 0x2060, 0xFEFF, 0x3000))


def is_formula(cell: str) -> bool:
    """What a spreadsheet may run: a cell that, past whitespace and invisible marks, starts like a formula."""
    probe = cell.lstrip(string.whitespace + INVISIBLE)
    return bool(probe) and unicodedata.normalize("NFKC", probe[0]) in "=+-@"


@pytest.fixture
def server(engine, tmp_path: Path):
    from bot.http.app import create_app

    settings = Settings(
        data_dir=tmp_path / "data",
        embedding_model=None,
        llm_base_url=None,
        serve_ui=False,
        admin_token=ADMIN,
        wechat_token=WX,
        rate_limit_per_minute=0,
    )
    with live_server(create_app(settings, Engine(settings, engine.corpus, engine.retriever))) as url:
        yield url, settings


def test_csv_export_neutralises_every_formula_cell(server) -> None:
    url, _ = server
    with httpx.Client(base_url=url, timeout=60) as http:
        for text in HOSTILE:
            answer = http.post("/v1/chat", json={"message": text}).json()
            assert (
                http.post(
                    "/v1/feedback", json={"answer_id": answer["answer_id"], "helpful": False, "comment": text}
                ).status_code
                == 200
            )
        # Session ids are issued by the server, and may themselves start with "-".
        for _ in range(40):
            http.post("/v1/chat", json={"message": "第3条是什么"})
        export = http.get(
            "/v1/admin/records",
            params={"format": "csv", "limit": 1000},
            headers={"authorization": "Bearer " + ADMIN},
        )
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.text.lstrip("\ufeff"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert len(rows) == 1 + len(HOSTILE) + 40
    assert [c for c in cells if is_formula(c) and not c.startswith("'")] == []
    # Neutralised, not rewritten: after the quote each question reads as it was asked.
    questions = {row[rows[0].index("question")] for row in rows[1:]}
    assert {"'" + text for text in HOSTILE} <= questions


def test_policybot_log_prints_control_characters_escaped(server) -> None:
    url, settings = server
    with httpx.Client(base_url=url, timeout=60) as http:
        answer = http.post("/v1/chat", json={"message": "\x1b[2J\x1b]0;pwned\x07流片\u202e补贴"}).json()
        http.post(
            "/v1/feedback", json={"answer_id": answer["answer_id"], "helpful": True, "comment": "好\x1b[31m"}
        )
    env = {**os.environ, "POLICYBOT_DATA_DIR": str(settings.data_dir), "HF_HUB_OFFLINE": "1"}
    for args in (["log"], ["log", "--json"], ["log", "--feedback"], ["log", "--feedback", "--json"]):
        out = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        assert "\x1b" not in out.stdout and "\x07" not in out.stdout and "\u202e" not in out.stdout, args
        assert "\\x1b" in out.stdout or "\\u001b" in out.stdout, args


def test_admin_routes_are_out_of_the_docs_while_admin_is_off(engine, tmp_path: Path) -> None:
    from bot.http.app import create_app

    for token, listed in ((None, False), (ADMIN, True)):
        settings = Settings(data_dir=tmp_path / "d", embedding_model=None, serve_ui=False, admin_token=token)
        with live_server(create_app(settings, Engine(settings, engine.corpus, engine.retriever))) as url:
            paths = httpx.get(url + "/openapi.json").json()["paths"]
            assert any(p.startswith("/v1/admin") for p in paths) is listed
            if not listed:
                assert httpx.post(url + "/v1/admin/purge").status_code == 404


def test_a_signed_wechat_url_cannot_carry_a_forged_body(server) -> None:
    url, _ = server
    ts, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
    params = {"signature": wechat_signature(WX, ts, nonce), "timestamp": ts, "nonce": nonce}

    def message(text: str, user: str) -> bytes:
        return (
            f"<xml><ToUserName>gh_1</ToUserName><FromUserName>{user}</FromUserName><CreateTime>{ts}</CreateTime>"
            f"<MsgType>text</MsgType><Content>{text}</Content><MsgId>{nonce}</MsgId></xml>"
        ).encode()

    genuine = message("第3条是什么", "o_real")
    with httpx.Client(base_url=url, timeout=60) as http:
        first = http.post("/wechat", params=params, content=genuine)
        assert first.status_code == 200
        forged = http.post(
            "/wechat", params=params, content=message("首次流片1200万能补多少", "o_someone_else")
        )
        assert forged.status_code == 403 and forged.json()["error"]["code"] == "replayed_request"
        # WeChat's own resend of the same message passes, and gets the same reply (answered once).
        again = http.post("/wechat", params=params, content=genuine)
        assert again.status_code == 200 and content(again.text) == content(first.text)


def content(xml: str) -> str | None:
    return ElementTree.fromstring(xml).findtext("Content")


def test_every_reply_carries_the_security_headers(server) -> None:
    url, _ = server
    for path in ("/healthz", "/v1/clauses", "/docs", "/no-such-path"):
        resp = httpx.get(url + path)
        assert resp.headers["x-content-type-options"] == "nosniff", path
        assert resp.headers["referrer-policy"] == "same-origin"
        assert resp.headers["content-security-policy"] == "frame-ancestors 'self'"
        assert resp.headers["x-frame-options"] == "SAMEORIGIN"
        assert "server" not in resp.headers
