"""The WeatherbotError tree: every failure a user can see, with its exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes promised in DESIGN.md."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    INTERRUPTED = 130


class WeatherbotError(Exception):
    """Base error: a one-line message, an optional hint and the exit code it maps to."""

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(WeatherbotError):
    """Bad input from the user: empty question, unknown thread, invalid flag value."""

    exit_code = ExitCode.USAGE


class ConfigError(WeatherbotError):
    """Bad or missing configuration: a missing key, an unknown backend or provider."""

    exit_code = ExitCode.USAGE


class AuthError(WeatherbotError):
    """The API rejected the credentials (HTTP 401/403)."""

    exit_code = ExitCode.USAGE


class APIError(WeatherbotError):
    """The model API failed: connection, timeout, 5xx, 429 after retries, unexpected reply."""


class RunFailed(WeatherbotError):
    """A run or response ended failed, expired, cancelled or incomplete."""

    def __init__(self, status: str, reason: str | None = None, hint: str | None = None) -> None:
        text = f"the run ended {status}"
        if reason:
            text += f": {reason}"
        super().__init__(text, hint)
        self.status = status
        self.reason = reason


# Provider failures that say nothing about the place (an outage, not "not found"): worth trying
# another provider for, or showing data kept from before.
OUTAGE_CODES = frozenset({"unavailable", "timeout", "rate_limited", "upstream_error", "bad_data"})


class ProviderError(WeatherbotError):
    """A weather provider could not answer; `code` is what the tool output reports."""

    def __init__(
        self,
        code: str,
        message: str,
        hint: str | None = None,
        candidates: list[str] | None = None,
    ) -> None:
        super().__init__(message, hint)
        self.code = code
        self.candidates = candidates or []


class StateError(WeatherbotError):
    """The state store could not be read or written."""


class Interrupted(WeatherbotError):
    """The user pressed Ctrl-C; the active run was cancelled."""

    exit_code = ExitCode.INTERRUPTED
