"""Health, readiness, clauses, search, and the JSON error shape for bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


def assert_error(resp, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    # Every message is Chinese, for the people reading it.
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["error"]["message"])
    return body["error"]


def test_healthz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_reports_modes_when_engine_loaded(client: TestClient) -> None:
    resp = client.get("/readyz")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ready", "modes": ["fake"]}


def test_clause_list_has_all_clauses_with_doc_number(client: TestClient, corpus) -> None:
    body = client.get("/v1/clauses").json()
    assert body["doc_number"] == "杭高新〔2024〕7号"
    assert [c["clause_id"] for c in body["clauses"]] == [c.id for c in corpus.clauses]
    assert "text" not in body["clauses"][0]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"unit": "人才办"}, ["m18"]),
        ({"unit": "市场监管局"}, ["m19", "a4"]),
        ({"section": "（二）建设算力支撑体系"}, ["m5", "m6"]),
        ({"section": "（二）建设算力支撑体系", "unit": "人才办"}, []),
    ],
)
def test_clause_list_filters(client: TestClient, params: dict, expected: list[str]) -> None:
    body = client.get("/v1/clauses", params=params).json()
    assert [c["clause_id"] for c in body["clauses"]] == expected


def test_one_clause_verbatim_with_metadata(client: TestClient, corpus) -> None:
    body = client.get("/v1/clauses/M3").json()
    assert body["clause_id"] == "m3"
    assert body["text"] == corpus.clause("m3").text
    assert "首次流片费用 1000 万元以上的" in body["text"]
    assert body["units"] == ["经信局"]
    assert body["doc_number"] == "杭高新〔2024〕7号"
    assert body["document"]["effective_date"] == "2024-06-25"


def test_unknown_clause_is_404_listing_ids(client: TestClient) -> None:
    err = assert_error(client.get("/v1/clauses/m99"), 404, "unknown_clause")
    assert "m19" in err["message"]


def test_unknown_path_and_wrong_method(client: TestClient) -> None:
    assert_error(client.get("/v1/nothing-here"), 404, "not_found")
    assert_error(client.delete("/v1/clauses"), 405, "method_not_allowed")


def test_search_ranks_and_reports_direct_reference(client: TestClient) -> None:
    body = client.get("/v1/search", params={"q": "第3条 加大流片支持", "k": 3}).json()
    assert body["direct_reference"] == "m3"
    assert body["modes"] == ["fake"]
    assert len(body["hits"]) == 3
    assert body["hits"][0]["clause_id"] == "m3"
    assert body["hits"][0]["section"] == "（一）支持关键芯片突破"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "EDA", "k": "abc"}, "k"),
        ({"q": "EDA", "k": 0}, "k"),
        ({"q": "EDA", "k": 1000}, "k"),
        ({"q": "a" * 501}, "q"),
    ],
)
def test_search_bad_params_are_422_naming_the_field(client: TestClient, params: dict, field: str) -> None:
    err = assert_error(client.get("/v1/search", params=params), 422, "invalid_request")
    assert f"“{field}”" in err["message"]


def test_openapi_schema_documents_v1(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/chat",
        "/v1/chat/completions",
        "/v1/clauses/{clause_id}",
        "/v1/search",
        "/v1/calculators",
        "/v1/calculators/{name}",
        "/healthz",
        "/readyz",
    ):
        assert path in paths


def test_docs_page_loads_assets_from_this_server(client: TestClient) -> None:
    html = client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in html and "cdn." not in html
    asset = client.get("/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000


def test_lazy_engine_is_built_by_readyz_and_failures_are_503(api_settings, corpus, monkeypatch) -> None:
    import time

    import bot.engine
    from bot.http.app import create_app
    from tests.api.fakes import FakeEngine

    monkeypatch.setattr(bot.engine, "build_engine", lambda settings: FakeEngine(corpus))
    with TestClient(create_app(api_settings)) as c:
        deadline = time.monotonic() + 10
        while (resp := c.get("/readyz")).status_code != 200 and time.monotonic() < deadline:
            assert resp.json()["error"]["code"] == "not_ready"
            time.sleep(0.05)
        assert resp.json()["status"] == "ready"

    def broken(settings):
        raise FileNotFoundError("索引文件损坏")

    monkeypatch.setattr(bot.engine, "build_engine", broken)
    with TestClient(create_app(api_settings)) as c:
        err = assert_error(c.post("/v1/chat", json={"message": "流片"}), 503, "engine_unavailable")
        assert "索引文件损坏" in err["message"]
        assert "索引文件损坏" in assert_error(c.get("/readyz"), 503, "not_ready")["message"]
        assert c.get("/v1/clauses/m3").status_code == 200  # the corpus endpoints keep working
