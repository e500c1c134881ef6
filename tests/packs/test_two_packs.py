"""Two documents at once: the built-in 杭高新〔2024〕7号 and, loaded from configuration, the repealed
杭高新〔2019〕24号 (real published text, clause ids that clash with the current ones).

Index, search, clause, ask, the API and the web UI show the right document and 文号; the repealed document is
answered as repealed, pointing to today's rule; nothing of the first document's answers changes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.evaluate import engine_ask, load, run_set
from bot.packs.loader import load_packs
from bot.settings import DEFAULT_CORPUS_DIR, Settings

SECOND = Path(__file__).resolve().parent / "hzgx-2019-24"
ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "golden.jsonl"
OLD, NEW = "杭高新〔2019〕24号", "杭高新〔2024〕7号"


@pytest.fixture(scope="module")
def two_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data = tmp_path_factory.mktemp("two-packs") / "data"
    return Settings(data_dir=data, embedding_model=None, llm_base_url=None, policy_dirs=[SECOND])


@pytest.fixture(scope="module")
def two(two_settings: Settings):  # type: ignore[no-untyped-def]
    from bot import build_engine

    return build_engine(two_settings)


def test_both_packs_load_with_their_own_ids_and_the_repeal_link() -> None:
    packs = load_packs(DEFAULT_CORPUS_DIR, (SECOND,))
    assert [p.doc_id for p in packs.packs] == ["hzgx-2024-7", "hzgx-2019-24"]
    corpus = packs.corpus
    old, new = corpus.clause("hzgx-2019-24:m2"), corpus.clause("m2")
    assert old is not None and new is not None and old.title == "流片补贴" and new.title == "强化基础支撑"
    assert packs.repeal_of("hzgx-2019-24") is packs.primary and packs.repeal_of("hzgx-2024-7") is None


def test_search_carries_each_hit_s_document_and_can_keep_to_one(two) -> None:  # type: ignore[no-untyped-def]
    hits = two.retriever.search("流片补贴", k=5)
    assert {h.doc_id for h in hits} == {"hzgx-2024-7", "hzgx-2019-24"}
    assert hits[0].key == "hzgx-2024-7:m3"
    only_old = two.retriever.search("流片补贴", k=5, doc_id="hzgx-2019-24")
    assert only_old and {h.doc_id for h in only_old} == {"hzgx-2019-24"} and only_old[0].clause_id == "m2"


def test_ask_about_the_repealed_document_says_so_and_points_to_today_s_rule(two) -> None:  # type: ignore[no-untyped-def]
    data = two.ask(f"{OLD}的流片补贴是怎么规定的").to_dict()
    first = data["citations"][0]
    assert (first["doc_id"], first["clause_id"], first["doc_number"]) == ("hzgx-2019-24", "m2", OLD)
    head = data["answer"].splitlines()[0]
    assert head.startswith(f"注意：{OLD}") and "已废止" in head and NEW in head and "第3条" in head
    cited = [(c["doc_id"], c["clause_id"]) for c in data["citations"]]
    assert ("hzgx-2024-7", "m3") in cited and ("hzgx-2024-7", "a4") in cited
    # "那第4条呢": the conversation's document is the old one; its own 第4条 (EDA), not the current m4.
    follow = two.ask("那第4条呢", session_id=data["session_id"]).to_dict()
    assert (follow["citations"][0]["doc_id"], follow["citations"][0]["clause_id"]) == ("hzgx-2019-24", "m4")
    assert "已废止" in follow["answer"].splitlines()[0]


def test_the_first_document_answers_exactly_as_before(two, engine) -> None:  # type: ignore[no-untyped-def]
    items = load(GOLDEN)
    alone = run_set("golden", items, engine_ask(engine))
    together = run_set("golden", items, engine_ask(two))
    assert together.right == alone.right == len(items)
    for q in ("首次流片费用1200万元能补多少", "第3条讲的是什么", "这个政策的文号是什么"):
        assert two.ask(q).to_dict()["citations"][0]["doc_id"] == "hzgx-2024-7"


def test_api_lists_documents_and_serves_qualified_ids(two_settings: Settings, two) -> None:  # type: ignore[no-untyped-def]
    from bot.http.app import create_app

    settings = two_settings.model_copy(update={"serve_ui": False, "rate_limit_per_minute": 0})
    with TestClient(create_app(settings, two)) as client:
        listing = client.get("/v1/clauses").json()
        docs = {d["doc_id"]: d for d in listing["documents"]}
        assert docs["hzgx-2019-24"]["repealed_by"] == NEW and docs["hzgx-2024-7"]["repealed_by"] is None
        old_rows = [c for c in listing["clauses"] if c["doc_id"] == "hzgx-2019-24"]
        assert old_rows and all(c["doc_number"] == OLD for c in old_rows)
        assert client.get("/v1/clauses", params={"doc_id": "hzgx-2019-24"}).json()["clauses"] == old_rows
        one = client.get("/v1/clauses/hzgx-2019-24:m2").json()
        assert (one["title"], one["doc_number"], one["document"]["repealed_by"]) == ("流片补贴", OLD, NEW)
        assert client.get("/v1/clauses/m2").json()["doc_number"] == NEW
        hits = client.get("/v1/search", params={"q": "流片补贴"}).json()["hits"]
        assert {h["doc_number"] for h in hits} == {OLD, NEW}
        chat = client.post("/v1/chat", json={"message": f"{OLD}第2条"}).json()
        assert chat["citations"][0]["doc_number"] == OLD and "已废止" in chat["answer"]


def test_cli_clause_takes_a_qualified_id(two_settings: Settings) -> None:
    env = {
        "POLICYBOT_DATA_DIR": str(two_settings.data_dir),
        "POLICYBOT_POLICY_DIRS": json.dumps([str(SECOND)]),
    }
    import os

    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "clause", "hzgx-2019-24:m2", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=120,
    )
    data = json.loads(run.stdout)
    assert (data["doc_id"], data["clause_id"], data["doc_number"], data["repealed_by"]) == (
        "hzgx-2019-24",
        "m2",
        OLD,
        NEW,
    )


def test_web_ui_shows_each_clause_s_document(two_settings: Settings, two) -> None:  # type: ignore[no-untyped-def]
    from bot.http.services import Services
    from ui.chat import citation_html
    from ui.clauses import choice_label, search_clauses

    svc = Services(two_settings, two)
    hits = search_clauses(svc.corpus, two.retriever, "流片", None, None)
    labels = [choice_label(svc.corpus, h.clause) for h in hits]
    assert any(label.startswith(OLD) for label in labels) and any(label.startswith(NEW) for label in labels)
    cite = two.ask(f"{OLD}第2条").to_dict()["citations"][0]
    assert f"依据：{OLD}" in citation_html(cite, svc)


def test_an_invalid_extra_pack_stops_start_up_with_a_chinese_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "document.json").write_text('{"doc_id": "bad", "doc_number": "1号"}', encoding="utf-8")
    env = {"POLICYBOT_DATA_DIR": str(tmp_path / "data"), "POLICYBOT_POLICY_DIRS": json.dumps([str(bad)])}
    import os

    run = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "流片补贴"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=120,
    )
    assert run.returncode != 0
    assert "document.json" in run.stderr and "缺少字段" in run.stderr and "Traceback" not in run.stderr
