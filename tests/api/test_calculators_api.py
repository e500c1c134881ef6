"""Calculator endpoints on the real registry, and chat/search on the real engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

import calculators
from tests.api.test_basics import assert_error


def test_list_has_every_calculator_with_json_schema(client: TestClient) -> None:
    body = client.get("/v1/calculators").json()["calculators"]
    assert [c["name"] for c in body] == [c.name for c in calculators.CALCULATORS]
    tapeout = next(c for c in body if c["name"] == "first_tapeout_subsidy")
    assert tapeout["clause_id"] == "m3"
    params = tapeout["parameters"]
    assert "fees_yuan" in params["properties"] and "fees_yuan" in params["required"]
    assert params["properties"]["fees_yuan"]["description"]


def test_get_one_calculator(client: TestClient) -> None:
    assert client.get("/v1/calculators/compute_voucher_subsidy").json()["clause_id"] == "m6"
    assert_error(client.get("/v1/calculators/nope"), 404, "unknown_calculator")


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("first_tapeout_subsidy", {"fees_yuan": "800万"}, "2400000"),  # 30% below 1000万, cap 300万
        ("first_tapeout_subsidy", {"fees_yuan": [15000000]}, "2250000"),  # 15% tier
        ("compute_voucher_subsidy", {"contract_amounts_yuan": "300万"}, "1000000"),  # 50%, capped at 100万
        ("eda_rnd_subsidy", {"rd_investment_yuan": 9_999_999}, "0"),  # below the 1000万 threshold
    ],
)
def test_run_calculator(client: TestClient, name: str, args: dict, expected: str) -> None:
    resp = client.post(f"/v1/calculators/{name}", json=args)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["max_subsidy_yuan"] == expected
    assert body["tool"] == name and body["clause_quote"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({}, "fees_yuan"),
        ({"fees_yuan": "很多钱"}, "fees_yuan"),
        ({"fees_yuan": "800万", "is_first_tapeout": "maybe"}, "is_first_tapeout"),
        ({"fees_yuan": "800万", "bogus": 1}, "bogus"),
        ({"fees_yuan": -5}, "fees_yuan"),
    ],
)
def test_bad_calculator_args_are_422_naming_the_field(client: TestClient, args: dict, field: str) -> None:
    err = assert_error(
        client.post("/v1/calculators/first_tapeout_subsidy", json=args), 422, "invalid_arguments"
    )
    assert field in err["message"]
    assert any(d["field"].split(".")[0] == field for d in err["details"])


@pytest.mark.parametrize("raw", [b"[1]", b"{oops", b'"800"', b"null"])
def test_calculator_body_must_be_a_json_object(client: TestClient, raw: bytes) -> None:
    resp = client.post(
        "/v1/calculators/first_tapeout_subsidy", content=raw, headers={"content-type": "application/json"}
    )
    assert resp.status_code in (400, 422)
    assert resp.json()["error"]["code"] in ("invalid_json", "invalid_request")


def test_unknown_calculator_is_404(client: TestClient) -> None:
    assert_error(client.post("/v1/calculators/free_money", json={}), 404, "unknown_calculator")


@pytest.fixture
def real_client(api_settings, real_engine) -> Iterator[TestClient]:
    from bot.http.app import create_app

    with TestClient(create_app(api_settings, real_engine)) as c:
        yield c


def test_real_chat_answers_with_amount_and_citation(real_client: TestClient) -> None:
    body = real_client.post("/v1/chat", json={"message": "首次流片费用800万元，最多能补贴多少？"}).json()
    assert body["status"] == "answered"
    assert body["total_max_subsidy_yuan"] == "2400000"
    assert body["citations"][0]["clause_id"] == "m3"
    follow = real_client.post(
        "/v1/chat", json={"message": "那如果是1500万呢？", "session_id": body["session_id"]}
    )
    assert follow.json()["total_max_subsidy_yuan"] == "2250000"


def test_real_search_finds_tapeout_clause(real_client: TestClient) -> None:
    body = real_client.get("/v1/search", params={"q": "流片补贴", "k": 3}).json()
    assert body["hits"][0]["clause_id"] == "m3"
    assert "bm25" in body["modes"]
