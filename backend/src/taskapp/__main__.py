"""`python -m taskapp api|worker`: the two processes the image runs."""

from __future__ import annotations

import sys

from taskapp.cli import run_api, run_worker


def main() -> None:
    commands = {"api": run_api, "worker": run_worker}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit("usage: python -m taskapp api|worker")
    commands[sys.argv[1]]()


if __name__ == "__main__":
    main()
