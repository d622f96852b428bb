"""The `vsmctl` command line. Commands parse, call one service, and render; nothing more.

Heavy libraries (grimp, networkx, libcst, yaml) are imported inside the command functions, so
`vsmctl --help` stays fast.
"""

from __future__ import annotations

import sys

import typer
import typer.core

from vsmctl import __version__
from vsmctl.commands import analyze, check, extract, flag, parallel, roadmap
from vsmctl.commands.common import state
from vsmctl.errors import VsmError

# Help is plain text (rich_markup_mode=None below), yet typer still escapes "[required]" and
# "[default: 0]" for rich whenever rich is installed, printing "\[required]". Plain help needs
# no rich escaping at all.
typer.core.HAS_RICH = False

app = typer.Typer(
    name="vsmctl",
    help=(
        "Take a monolith apart into independently versioned packages, step by measured step.\n\n"
        "Start with `vsmctl analyze monolith PATH --roadmap roadmap.yaml`: the import graph, its "
        "cycles, and every import that breaks the roadmap's layering."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: rich's help renderer costs 100 ms of start-up
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(analyze.app, name="analyze")
app.command("check")(check.check)
app.add_typer(flag.app, name="flag")
app.add_typer(parallel.app, name="parallel-run")
app.add_typer(extract.app, name="extract")
app.add_typer(roadmap.app, name="roadmap")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"vsmctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks instead of one-line errors."),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    state.debug = debug


def main() -> None:
    import click

    try:
        # standalone_mode=False: click's errors come here, to be printed like vsmctl's own
        code = app(prog_name="vsmctl", standalone_mode=False)
    except click.exceptions.NoArgsIsHelpError as exc:  # `vsmctl flag` alone: the help is the answer
        exc.show()
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        _fail(_click_message(exc), exc.exit_code)
    except click.exceptions.Abort:  # end of input at a prompt
        _fail("aborted", 1)
    except VsmError as exc:
        if state.debug:
            raise
        _fail(exc.message, exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:  # a bug: still one line, the traceback behind --debug
        if state.debug:
            raise
        _fail(f"internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)", 3)
    sys.exit(code if isinstance(code, int) else 0)


def _click_message(exc: Exception) -> str:
    """A usage error as one line, naming the command whose --help has the details (click would print
    its usage block and a hint on three lines)."""
    import click

    message = " ".join(exc.format_message().split())  # type: ignore[attr-defined]
    ctx = exc.ctx if isinstance(exc, click.UsageError) else None
    if ctx is None:
        return message
    first = message[:1].lower() + message[1:] if message[1:2].islower() else message
    return f"{first.rstrip('.')} (see {ctx.command_path} --help)"


def _fail(message: str, code: int) -> None:
    sys.stderr.write(f"\x1b[31merror: {message}\x1b[0m\n" if sys.stderr.isatty() else f"error: {message}\n")
    sys.exit(code)
