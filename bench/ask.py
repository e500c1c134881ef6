"""`make bench` part: in-process ask latency over the golden set, and cold start of `policybot ask`."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "data" / "golden.jsonl"
COLD_QUESTION = "首次流片费用1200万元能补多少"
COLD_RUNS = 5
WARM_ROUNDS = 3


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def warm_latency(data_dir: Path) -> list[float]:
    """Milliseconds per ask over every golden turn (conversations keep their session), a few rounds."""
    from bot import build_engine
    from bot.settings import Settings

    engine = build_engine(Settings(data_dir=data_dir, embedding_model=None, llm_base_url=None))
    items = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines() if line.strip()]
    timings: list[float] = []
    for _ in range(WARM_ROUNDS):
        for item in items:
            session = None
            for turn in item["turns"]:
                start = time.perf_counter()
                session = engine.ask(turn["q"], session_id=session).session_id
                timings.append((time.perf_counter() - start) * 1000)
    return timings


def cold_start(data_dir: Path) -> list[float]:
    """Seconds for a fresh `policybot ask` process, index already built."""
    env = {**os.environ, "POLICYBOT_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    env.pop("POLICYBOT_LLM_BASE_URL", None)
    cmd = [str(Path(sys.executable).with_name("policybot")), "ask", COLD_QUESTION]
    if not Path(cmd[0]).exists():
        cmd = [sys.executable, "-m", "bot.cli", "ask", COLD_QUESTION]
    runs = []
    for _ in range(COLD_RUNS):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, check=True)
        runs.append(time.perf_counter() - start)
    return runs


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        timings = warm_latency(data_dir)
        print(
            f"ask（进程内，黄金集 {len(timings)} 次）：中位数 {statistics.median(timings):.2f} ms，p95 {_p95(timings):.2f} ms，最大 {max(timings):.2f} ms（目标 p95 < 10 ms）"
        )
        runs = cold_start(data_dir)
        print(
            f'冷启动 policybot ask "{COLD_QUESTION}"（{COLD_RUNS} 次）：中位数 {statistics.median(runs):.2f} s，最慢 {max(runs):.2f} s（目标 < 0.5 s）'
        )


if __name__ == "__main__":
    main()
