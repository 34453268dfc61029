"""Strip terminal control sequences from text we did not write (model or provider data)."""

from __future__ import annotations

import re

# CSI/OSC/other escape sequences first, then any remaining C0/C1 control character.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROLS_NO_NL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def clean(text: str, keep_newlines: bool = False) -> str:
    """`text` without escape sequences or control characters (tabs and newlines optional)."""
    text = _ESCAPES.sub("", text)
    if keep_newlines:
        return _CONTROLS.sub("", text.replace("\r\n", "\n"))
    return _CONTROLS_NO_NL.sub(" ", text.replace("\r\n", " ").replace("\n", " "))
