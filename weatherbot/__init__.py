"""weatherbot: a command-line weather assistant."""

__version__ = "0.1.0"
