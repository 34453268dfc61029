"""`weatherbot completion SHELL`: the script that gives a shell Tab completion for weatherbot.

Typer's own `--install-completion` edits the user's shell start-up files; this prints the
script instead, as gh and rustup do, so the user decides where it goes (README shows how).
Completing itself is Click's protocol: the shell runs weatherbot with _WEATHERBOT_COMPLETE
set, and the root group (cli_options.Group) answers it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from weatherbot.cli_options import WORDS, examples

SHELLS = ("bash", "zsh", "fish", "powershell")
COMPLETION_EXAMPLES = examples(
    'eval "$(weatherbot completion bash)"     # in ~/.bashrc',
    'eval "$(weatherbot completion zsh)"      # in ~/.zshrc',
    "weatherbot completion fish > ~/.config/fish/completions/weatherbot.fish",
)


def completion(
    shell: Annotated[
        str, typer.Argument(metavar="SHELL", click_type=WORDS, help=f"One of: {', '.join(SHELLS)}.")
    ],
) -> None:
    """Print the shell completion script for bash, zsh, fish or powershell."""
    from typer._completion_classes import completion_init
    from typer._completion_shared import get_completion_script

    from weatherbot.cli_options import fail
    from weatherbot.errors import UsageError

    name = shell.strip().lower()
    if name not in SHELLS:
        fail(UsageError(f"unknown shell {shell!r}", hint=f"choose {', '.join(SHELLS)}"), False)
    completion_init()
    script = get_completion_script(
        prog_name="weatherbot", complete_var="_WEATHERBOT_COMPLETE", shell=name
    )
    typer.echo(script)
