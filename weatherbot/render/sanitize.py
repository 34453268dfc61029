"""Strip terminal control sequences from text we did not write (model or provider data)."""

from __future__ import annotations

import re

# CSI/OSC/other escape sequences first, then any remaining C0/C1 control character.
_ESCAPES = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROLS_NO_NL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
# Lone surrogates: how Python decodes bytes that are not UTF-8 in argv (surrogate escapes), or
# what a JSON "\ud800" escape gives. No UTF-8 stream or file can take them.
_SURROGATES = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str) -> str:
    """`text` with every lone surrogate (an undecodable byte) as U+FFFD, so it can be encoded."""
    return _SURROGATES.sub("\ufffd", text)


def clean(text: str, keep_newlines: bool = False) -> str:
    """`text` without escape sequences or control characters (tabs and newlines optional)."""
    text = _ESCAPES.sub("", replace_surrogates(text))
    if keep_newlines:
        return _CONTROLS.sub("", text.replace("\r\n", "\n"))
    return _CONTROLS_NO_NL.sub(" ", text.replace("\r\n", " ").replace("\n", " "))
