"""`make bench`: run every benchmark module listed here and print its figures."""

from __future__ import annotations

import importlib
import sys

# Each module exposes main() -> None and prints its own figures.
MODULES = ("bench.search", "bench.ask", "bench.http", "bench.scale", "bench.understanding")


def main() -> int:
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            print(f"[{name}] 尚未实现，跳过")
            continue
        print(f"==== {name} ====")
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
