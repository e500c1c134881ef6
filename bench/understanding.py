"""`make bench` part: how well the engine understands fresh conversations (tests/data/understanding).

`python -m bench.understanding [--failures SET]` prints the figures of every set; failures are printed only for
the set named (never use it on the held-out sets while developing).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bot.evaluate import engine_ask, load, run_set

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "golden": ROOT / "tests" / "data" / "golden.jsonl",
    "dev": ROOT / "tests" / "data" / "understanding" / "dev.jsonl",
    "dev2": ROOT / "tests" / "data" / "understanding" / "dev2.jsonl",
    "holdout": ROOT / "tests" / "data" / "understanding" / "holdout.jsonl",
    "public": ROOT / "tests" / "data" / "understanding" / "public.jsonl",
    "dev3": ROOT / "tests" / "data" / "understanding" / "dev3.jsonl",
    "holdout2": ROOT / "tests" / "data" / "understanding" / "holdout2.jsonl",
    "holdout3": ROOT / "tests" / "data" / "understanding" / "holdout3.jsonl",
    "holdout4": ROOT / "tests" / "data" / "understanding" / "holdout4.jsonl",
    "holdout5": ROOT / "tests" / "data" / "understanding" / "holdout5.jsonl",
    "holdout6": ROOT / "tests" / "data" / "understanding" / "holdout6.jsonl",
    "holdout7": ROOT / "tests" / "data" / "understanding" / "holdout7.jsonl",
    "review7": ROOT / "tests" / "data" / "understanding" / "review7.jsonl",
    "holdout8": ROOT / "tests" / "data" / "understanding" / "holdout8.jsonl",
    "review8": ROOT / "tests" / "data" / "understanding" / "review8.jsonl",
    "holdout9": ROOT / "tests" / "data" / "understanding" / "holdout9.jsonl",
    "review9": ROOT / "tests" / "data" / "understanding" / "review9.jsonl",
    "holdout10": ROOT / "tests" / "data" / "understanding" / "holdout10.jsonl",
    "review10": ROOT / "tests" / "data" / "understanding" / "review10.jsonl",
    "holdout11": ROOT / "tests" / "data" / "understanding" / "holdout11.jsonl",
    "review11": ROOT / "tests" / "data" / "understanding" / "review11.jsonl",
    "holdout12": ROOT / "tests" / "data" / "understanding" / "holdout12.jsonl",
    "review12": ROOT / "tests" / "data" / "understanding" / "review12.jsonl",
    "holdout13": ROOT / "tests" / "data" / "understanding" / "holdout13.jsonl",
    "review13": ROOT / "tests" / "data" / "understanding" / "review13.jsonl",
    "holdout14": ROOT / "tests" / "data" / "understanding" / "holdout14.jsonl",
    "holdout15": ROOT / "tests" / "data" / "understanding" / "holdout15.jsonl",
    "review15": ROOT / "tests" / "data" / "understanding" / "review15.jsonl",
    "holdout16": ROOT / "tests" / "data" / "understanding" / "holdout16.jsonl",
    "holdout17": ROOT / "tests" / "data" / "understanding" / "holdout17.jsonl",
    "holdout19": ROOT / "tests" / "data" / "understanding" / "holdout19.jsonl",
    "holdout18": ROOT / "tests" / "data" / "understanding" / "holdout18.jsonl",
    "holdout20": ROOT / "tests" / "data" / "understanding" / "holdout20.jsonl",
    "holdout21": ROOT / "tests" / "data" / "understanding" / "holdout21.jsonl",
    "holdout22": ROOT / "tests" / "data" / "understanding" / "holdout22.jsonl",
    "holdout23": ROOT / "tests" / "data" / "understanding" / "holdout23.jsonl",
}
HELD_OUT: tuple[str, ...] = ()  # sets measured but not yet reviewed: no failure listing


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench.understanding")
    parser.add_argument("--failures", default=None, help="print the failing turns of this set")
    parser.add_argument("--sets", nargs="*", default=[s for s in SETS if s not in HELD_OUT])
    args = parser.parse_args(argv or [])
    if args.failures in HELD_OUT:
        parser.error(f"{args.failures} 是留出集：只报告总数，不列出失败的对话")
    from bot import build_engine
    from bot.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        engine = build_engine(Settings(data_dir=Path(tmp), embedding_model=None, llm_base_url=None))
        for name in args.sets:
            report = run_set(name, load(SETS[name]), engine_ask(engine))
            print("\n".join(report.lines()))
            if name == args.failures:
                for f in report.failures:
                    flag = " OVERSTATED" if f.overstated else ""
                    print(f"  ✗ {f.conversation} [{f.cls}] {f.q}{flag}\n      " + "; ".join(f.problems))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
