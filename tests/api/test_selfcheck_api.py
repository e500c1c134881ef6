"""政策体检 over HTTP: the generated form, the JSON result, the printable report, bad input (never a 500)."""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.settings import Settings
from tests.api.live import live_server

PROFILE = {
    "facts": {"company": "杭州示例芯片科技有限公司", "in_zone": True, "industry": "集成电路", "year": 2025},
    "items": [
        {"tool": "first_tapeout_subsidy", "inputs": {"fees_yuan": "800万"}},
        {"tool": "eda_purchase_subsidy", "inputs": {"ordinary_costs_yuan": "300万"}, "expense": "EDA"},
        {"tool": "eda_purchase_subsidy", "inputs": {"signoff_center_costs_yuan": "300万"}, "expense": "EDA"},
    ],
}


def test_form_is_generated_from_the_calculators_and_the_pack(client: TestClient) -> None:
    form = client.get("/v1/selfcheck/form").json()
    assert [f["name"] for f in form["facts"]] == [
        "company",
        "in_zone",
        "industry",
        "established_date",
        "year",
    ]
    measures = {m["tool"]: m for s in form["sections"] for m in s["measures"] if m["tool"]}
    assert len(measures) == 21 and len(form["sections"]) == 5
    fields = {t: {f["name"]: f for f in m["fields"]} for t, m in measures.items()}
    # Filled by the facts, so not asked again for each measure:
    assert (
        "is_ic_enterprise" not in fields["eda_purchase_subsidy"]
        and "year" not in fields["cyber_insurance_subsidy"]
    )
    assert "established_date" not in fields["lpr_interest_subsidy"]
    assert fields["first_tapeout_subsidy"]["fees_yuan"]["kind"] == "money_list"
    assert fields["lpr_interest_subsidy"]["principal_yuan"]["kind"] == "money"
    assert fields["lpr_interest_subsidy"]["loan_date"]["kind"] == "date"
    assert fields["high_level_platform_subsidy"]["level"]["choices"][:2] == ["国家级", "省级"]
    assert [f["name"] for f in fields["standards_award"]["standards"]["item_fields"]][:2] == ["level", "role"]
    assert (
        measures["lpr_interest_subsidy"]["repeat"] == "separate"
        and form["documents"][0]["issued_date"] == "2024-05-24"
    )


def test_selfcheck_returns_every_measure_and_the_total(client: TestClient) -> None:
    resp = client.post("/v1/selfcheck", json=PROFILE)
    assert resp.status_code == 200
    data = resp.json()
    assert len(data["measures"]) == 29 and data["total_max_subsidy_yuan"] == "3900000"  # 240万 + 150万
    eda = next(m for m in data["measures"] if m["tool"] == "eda_purchase_subsidy")
    assert (
        eda["max_subsidy_yuan"] == "1500000" and eda["excluded_items"] == [1] and eda["units"] == ["经信局"]
    )
    assert eda["trace"]["steps"] and eda["calculations"][0]["clause_id"] == "m2"
    assert data["excluded_items"] == [1] and data["counts"]["eligible"] == 2


def test_report_is_a_printable_page_with_the_document_dates_and_the_disclaimer(client: TestClient) -> None:
    body = {**PROFILE, "facts": {**PROFILE["facts"], "company": "<script>alert(1)</script>公司"}}
    resp = client.post("/v1/selfcheck/report", json=body)
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    html = resp.text
    for words in (
        "杭高新〔2024〕7号",
        "2024-05-24 印发",
        "2024-06-25 起施行",
        "不超过/最高",
        "390万元",
        "@page",
    ):
        assert words in html, words
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"not json", 400, "不是合法的 JSON"),
        (b"[]", 422, "请求体应为 JSON 对象"),
        (b'{"items": 5}', 422, "应为数组"),
        (b'{"facts": [], "items": []}', 422, "facts应为对象"),
        (b'{"facts": {"in_zone": "maybe"}}', 422, "应为“是”或“否”"),
        (b'{"facts": {"industry": "\xe9\x87\x91\xe8\x9e\x8d"}}', 422, "应为以下之一"),
        (b'{"facts": {"established_date": "2023-02-30"}}', 422, "不存在"),
        (b'{"facts": {"year": 1800}}', 422, "2000 至 2100"),
        (b'{"facts": {"secret": 1}}', 422, "不支持的基本情况"),
        (b'{"items": [{"tool": "no_such"}]}', 422, "没有名为"),
        (b'{"items": [{"tool": 5}]}', 422, "应为文字"),
        (
            b'{"items": [{"tool": "first_tapeout_subsidy", "inputs": {"fees_yuan": "abc\xe4\xb8\x87"}}]}',
            422,
            "第1项",
        ),
        (b'{"items": [{"tool": "first_tapeout_subsidy", "inputs": {"fees_yuan": "-5"}}]}', 422, "第1项"),
        (b'{"items": [{"tool": "first_tapeout_subsidy", "inputs": {"fees_yuan": "1e400"}}]}', 422, "第1项"),
        (
            b'{"items": [{"tool": "first_tapeout_subsidy", "inputs": {"bogus": 1}}]}',
            422,
            "不是该计算器的参数",
        ),
        (b'{"items": [{"tool": "first_tapeout_subsidy", "other": 1}]}', 422, "不支持该字段"),
        (
            b'{"items": [{"tool": "lpr_interest_subsidy", "inputs": {"principal_yuan": "1", "loan_date": "2001-01-01"}}]}',
            422,
            "LPR",
        ),
        (json.dumps({"items": [{"tool": "talent_award"}] * 61}).encode(), 422, "最多 60 项"),
    ],
)
def test_bad_input_gets_a_chinese_4xx_never_a_500(
    client: TestClient, body: bytes, status: int, words: str
) -> None:
    resp = client.post("/v1/selfcheck", content=body, headers={"content-type": "application/json"})
    assert resp.status_code == status, resp.text
    message = resp.json()["error"]["message"]
    assert words in message, message
    report = client.post("/v1/selfcheck/report", content=body, headers={"content-type": "application/json"})
    assert report.status_code == status


def test_over_real_http_on_loopback(api_settings: Settings, fake_engine) -> None:  # type: ignore[no-untyped-def]
    from bot.http.app import create_app

    with live_server(create_app(api_settings, fake_engine)) as url:
        resp = httpx.post(url + "/v1/selfcheck", json=PROFILE, timeout=30)
        assert resp.status_code == 200 and resp.json()["total_max_subsidy_yuan"] == "3900000"
        assert "/v1/selfcheck" in httpx.get(url + "/openapi.json", timeout=30).json()["paths"]
