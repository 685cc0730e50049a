"""`make bench`: run every benchmark module under bench/ in turn (each prints its own figures)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    names = sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")
    )
    if not names:
        print("Chưa có benchmark nào.")
        return 0
    failed = 0
    for name in names:
        print(f"== {name}")
        module = importlib.import_module(f"bench.{name}")
        failed += 0 if module.main() == 0 else 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
