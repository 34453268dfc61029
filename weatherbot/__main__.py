"""Allow `python -m weatherbot`."""

from weatherbot.cli import main

main()
