"""The `weatherbot` program: `now` first tries its snapshot, everything else is the CLI.

A status bar runs `weatherbot now` every few seconds; while its last answer is fresh it is
printed from the snapshot (weatherbot.now_snapshot) without importing the Typer app at all.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run weatherbot with the process's arguments."""
    arguments = sys.argv[1:]
    if arguments[:1] == ["now"]:
        from weatherbot.now_snapshot import fast_path

        if fast_path(arguments[1:]):
            return
    from weatherbot.cli import main as cli_main

    cli_main()
