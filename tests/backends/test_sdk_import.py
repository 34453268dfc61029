"""The lazy SDK import: fewer modules loaded, every name still there, a safe fallback."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from weatherbot.backends.sdk_import import LAZY_PACKAGES, reexports


def _fresh(code: str) -> dict[str, object]:
    """Run `code` in a new interpreter (openai not imported yet); it prints one JSON object."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


COUNT_AFTER_USE = """
    import json, sys
    {install}
    import openai
    client = openai.OpenAI(api_key="x", base_url="http://127.0.0.1:9/v1")
    from openai.types.responses import Response, ResponseFunctionToolCall
    from openai.types.chat import ChatCompletion
    from openai.types.beta.threads import Run, Message
    from openai.types import Batch
    names = [Response.__name__, ResponseFunctionToolCall.__name__, ChatCompletion.__name__,
             Run.__name__, Message.__name__, Batch.__name__, openai.types.Batch.__name__]
    print(json.dumps({{"modules": sum(m.startswith("openai") for m in sys.modules),
                      "names": names}}))
"""


def test_lazy_import_loads_far_fewer_modules_and_keeps_every_name() -> None:
    eager = _fresh(COUNT_AFTER_USE.format(install=""))
    lazy = _fresh(COUNT_AFTER_USE.format(install="import weatherbot.backends.openai_client"))
    assert lazy["names"] == eager["names"]
    assert isinstance(lazy["modules"], int) and isinstance(eager["modules"], int)
    assert lazy["modules"] * 3 < eager["modules"], (lazy, eager)


def test_every_lazy_package_of_the_installed_sdk_only_reexports() -> None:
    # If a new SDK adds code to one of them, that package silently loads eagerly again:
    # this test says so, so the list can be corrected.
    result = _fresh(
        """
        import json, importlib.util
        from weatherbot.backends.sdk_import import LAZY_PACKAGES, reexports
        out = {}
        for name in sorted(LAZY_PACKAGES):
            spec = importlib.util.find_spec(name)
            out[name] = reexports(open(spec.origin, encoding="utf-8").read()) is not None
        print(json.dumps(out))
        """
    )
    assert result == dict.fromkeys(sorted(LAZY_PACKAGES), True)


def test_reexports_accepts_only_pure_reexport_modules() -> None:
    pure = '"""Doc."""\nfrom __future__ import annotations\nfrom .a import A as A, B\n'
    assert reexports(pure) == {"A": ("a", "A"), "B": ("a", "B")}
    assert reexports(pure + "X = 1\n") is None
    assert reexports("from .a import *\n") is None
    assert reexports("import os\n") is None
    assert reexports("from pkg.a import A\n") is None


def test_an_unknown_name_is_an_attribute_error_as_usual() -> None:
    result = _fresh(
        """
        import json
        import weatherbot.backends.openai_client
        import openai.types
        try:
            openai.types.NoSuchThing
            outcome = "no error"
        except AttributeError as exc:
            outcome = str(exc)
        print(json.dumps({"outcome": outcome}))
        """
    )
    assert "NoSuchThing" in str(result["outcome"])
