"""A class of students on one app server, measured: ``python -m bench.load``.

    python -m bench.load                  # 60 students over 30 s, 5 pages each, 3 Chromium tabs
    python -m bench.load --write-readme   # also put the table into README (load-table markers)
    python -m bench.load --students 10 --tabs 1        # a smaller class
    python -m bench.load --follow no      # students click on their own instead of following

Starts `streamlit run app.py` on a free 127.0.0.1 port, warms it up (every page once), runs
Locust headless (bench/load/locustfile.py: a teacher who starts a class and clicks through the
pages, then the students, who follow the class when the app has one) and the Chromium tabs
(bench/load/chromium.py), then stops the server by its pid and prints the table. Bounded by
``--limit`` seconds. Nothing here is asserted on; logs go to tests/artifacts/load/.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--spawn-rate", type=float, default=2.0, help="students a second")
    parser.add_argument("--pages", type=int, default=5, help="page views per student")
    parser.add_argument("--think", type=float, default=5.0, help="seconds between clicks")
    parser.add_argument("--tabs", type=int, default=3, help="real Chromium tabs (0: none)")
    parser.add_argument("--follow", choices=("auto", "yes", "no"), default="auto",
                        help="students follow the teacher's class (auto: when the app has one)")
    parser.add_argument("--limit", type=float, default=420.0,
                        help="seconds the load phase may last at most")
    parser.add_argument("--write-readme", action="store_true",
                        help="write the table into README.md between the load-table markers")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    from bench.load.report import table, write_readme
    from bench.load.scenario import Settings, log, run

    settings = Settings(students=args.students, spawn_rate=args.spawn_rate, pages=args.pages,
                        think_s=args.think, tabs=args.tabs, follow=args.follow,
                        limit_s=args.limit)
    result = run(settings)
    text = table(result)
    print(text)
    if args.write_readme:
        write_readme(text, args.readme)
        log(f"table written into {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
