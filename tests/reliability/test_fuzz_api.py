"""Schemathesis against our own OpenAPI schema, in-process (ASGI), with the real engine: zero 5xx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from bot import build_engine
from bot.http.app import create_app
from bot.settings import Settings

EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Any:
    data = Path(tmp_path_factory.mktemp("fuzz")) / "data"
    s = Settings(
        data_dir=data,
        embedding_model=None,
        llm_base_url=None,
        serve_ui=False,
        admin_token="fuzz-admin-token",
        wechat_token="fuzz-wechat-token",
        rate_limit_per_minute=0,  # the fuzzer is one client; limits are tested on their own
    )
    app = create_app(s, build_engine(s))
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def _operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def test_no_server_errors(api_schema: Any) -> None:
    # Plain hypothesis over each operation's strategy: schemathesis' pytest plugin does not run on pytest 9.
    operations = _operations(api_schema)
    failures: list[tuple[str, str, int, str]] = []
    counted = [0]

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,  # the same cases on every run: CI failures reproduce
            database=None,
        )
        def run(case: Any) -> None:
            counted[0] += 1
            try:
                response = case.call(headers={"Authorization": "Bearer fuzz-admin-token"})
            except Exception as exc:  # noqa: BLE001 - the in-process client re-raises what would be a 500
                failures.append((case.method, case.formatted_path, 500, f"{type(exc).__name__}: {exc}"))
                return
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, response.status_code, response.text[:200]))

        run()
    print(f"\n[schemathesis] 接口 {len(operations)} 个，请求 {counted[0]} 次，5xx {len(failures)} 次")
    assert len(operations) >= 10
    assert failures == [], "\n".join(map(str, failures[:10]))


# Found by this fuzzer: a non-ASCII signature crashed hmac.compare_digest in /wechat (fixed in 6f116f8).
def test_wechat_non_ascii_signature_is_403(api_schema: Any) -> None:
    from starlette.testclient import TestClient

    with TestClient(api_schema.app) as client:
        resp = client.get(
            "/wechat", params={"signature": "é", "timestamp": "1", "nonce": "1", "echostr": "x"}
        )
    assert resp.status_code == 403
