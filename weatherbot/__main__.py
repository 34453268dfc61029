"""Allow `python -m weatherbot`."""

from weatherbot.launch import main

main()
