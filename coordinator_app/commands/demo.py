"""`coordinator-app demo`: a realistic synthetic database to try the app."""

from __future__ import annotations

import argparse
import time

from coordinator_app.commands.arguments import (
    MAX_SEED,
    MAX_STUDENTS,
    Subparsers,
    UserError,
    add_as_of_option,
    add_db_option,
    database_path,
    given_database,
    whole_number,
)


def register(subparsers: Subparsers) -> None:
    demo = subparsers.add_parser("demo", help="create a realistic synthetic database to try the app")
    add_db_option(
        demo,
        "the new database file to write (must not exist yet); default: demo.sqlite next to your "
        "own database in your user data folder (never your own database)",
    )
    demo.add_argument(
        "--students",
        type=whole_number(1, MAX_STUDENTS, "students"),
        default=200,
        metavar="N",
        help=f"number of students, 1 to {MAX_STUDENTS:,} (default 200)",
    )
    demo.add_argument(
        "--seed",
        type=whole_number(0, MAX_SEED),
        default=1,
        metavar="S",
        help=f"random seed, 0 to {MAX_SEED}; the same seed gives the same data",
    )
    add_as_of_option(demo, "the demo's 'today'")
    demo.set_defaults(handler=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from coordinator_app.paths import default_demo_path
    from coordinator_app.services.demo import build_demo

    # Made-up students never go into the coordinator's own database: without --db the demo is
    # a file of its own next to it, the one the first-start dialog offers.
    given = given_database(args)
    path = default_demo_path() if given is None else database_path(args, new=True)
    if path.exists() and path.stat().st_size > 0:
        raise UserError(
            f"{path} already exists; the demo writes a new database. Choose another --db path, "
            f"or open that one: coordinator-app --db {path}"
        )
    if given is None:
        path.parent.mkdir(parents=True, exist_ok=True)  # the app's own data folder, on a first run
    started = time.perf_counter()
    summary = build_demo(path, students=args.students, seed=args.seed, as_of=args.as_of)
    took = time.perf_counter() - started
    print(f"Demo database {path}: {summary} in {took:.1f} s")
    if given is None:
        print(f"Open it with: coordinator-app --db {path}")
    return 0
