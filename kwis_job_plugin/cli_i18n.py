"""The command line in German, click's own strings too; English when the locale asks for it.

Click wraps its messages ("Usage:", "Show this message and exit.", "Error: Missing option") in
the standard library's ``gettext.gettext``, that is, in the process's default text domain. That
is click's way of being translated: the application binds the default domain to a catalogue of
click's (English) message ids. Ours is ``cli_locale/de/LC_MESSAGES/kwis_job_cli.po``; the
standard library reads catalogues only from compiled files, so the ``.mo`` beside it is
committed too (``tests/test_cli.py`` checks that it matches the ``.po`` and that every message
of the installed click is translated). After editing the ``.po``::

    python -c "from kwis_job_plugin.cli_i18n import compile_catalogue; compile_catalogue()"

The plug-in's own help texts and messages are strings of its main catalogue (German source,
English in ``translations/en``) through ``gettext``/``lazy_gettext`` below, which follow the
command line's locale only: what a command writes elsewhere (a mail it queues) keeps the
plug-in's own locale rules.

Which language: German, the product's language, unless the environment asks for English, read
as gettext reads it (the first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` that is
set: ``LANG=en_GB.UTF-8`` or ``LANGUAGE=en`` give English; ``C``, ``de_DE`` or nothing German).
"""

from __future__ import annotations

import gettext as stdlib_gettext
import io
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from importlib.resources import as_file, files
from pathlib import Path

import click
from babel.support import LazyProxy

from . import i18n
from .services.input_checks import has_forbidden_chars

DOMAIN = "kwis_job_cli"
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""The environment variables gettext reads, in its order."""

_locale: ContextVar[str] = ContextVar("kwis_job_cli_locale", default=i18n.DEFAULT_LOCALE)


def gettext(message: str, **variables) -> str:
    """A message of the plug-in's catalogue in the command line's locale."""
    text = i18n.translations(_locale.get()).gettext(message)
    return text % variables if variables else text


def lazy_gettext(message: str, **variables) -> LazyProxy:
    """For help texts: looked up when shown, in the locale of that run."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


def cli_locale(environ: Mapping[str, str] = os.environ) -> str:
    """``"en"`` when the first locale variable that is set names English, else ``"de"``."""
    for name in LOCALE_VARIABLES:
        value = environ.get(name)
        if value:
            return "en" if value.split(":")[0].lower().startswith("en") else "de"
    return i18n.DEFAULT_LOCALE


def catalogue_path(suffix: str = ".po"):
    return files("kwis_job_plugin") / "cli_locale" / "de" / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def read_catalogue():
    """The ``.po`` as a babel catalogue."""
    from babel.messages.pofile import read_po

    with catalogue_path().open("rb") as po:
        return read_po(po, locale="de", domain=DOMAIN)


def compile_catalogue() -> None:
    """Write the ``.mo`` beside the ``.po`` (in a source checkout, after editing the ``.po``)."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, read_catalogue(), use_fuzzy=False)
    with as_file(catalogue_path(".mo")) as target:
        Path(target).write_bytes(buffer.getvalue())


@contextmanager
def speaking(locale: str) -> Iterator[None]:
    """Run a command in ``locale``: click's strings through the default text domain (bound to
    our catalogue, the language through ``LANGUAGE``), the plug-in's through ``gettext`` above.
    All is put back afterwards, so a test or a host process sees no change."""
    before_domain = stdlib_gettext.textdomain()
    before_language = os.environ.get("LANGUAGE")
    token = _locale.set(locale)
    with as_file(files("kwis_job_plugin") / "cli_locale") as localedir:
        stdlib_gettext.bindtextdomain(DOMAIN, str(localedir))
        stdlib_gettext.textdomain(DOMAIN)
        os.environ["LANGUAGE"] = locale
        try:
            yield
        finally:
            _locale.reset(token)
            stdlib_gettext.textdomain(before_domain)
            if before_language is None:
                os.environ.pop("LANGUAGE", None)
            else:
                os.environ["LANGUAGE"] = before_language


def placeholder(text: str) -> LazyProxy:
    """A usage or metavar word click does not translate itself ("[OPTIONS]", "INTEGER"),
    looked up in our catalogue when shown."""
    return LazyProxy(stdlib_gettext.gettext, text, enable_cache=False)


def _plain(row: tuple) -> tuple[str, str]:
    return str(row[0]), str(row[1])


class Command(click.Command):
    """A command whose usage line and option metavars are translated too."""

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [stdlib_gettext.gettext(str(piece))
                for piece in super().collect_usage_pieces(ctx)]

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        params = super().get_params(ctx)
        for param in params:
            if isinstance(param.metavar, str):  # an explicit "PATH" is translated as well
                param.metavar = placeholder(param.metavar)
            if param.metavar is not None or param.type.get_metavar(param, ctx) is not None:
                continue
            if isinstance(param, click.Argument):
                param.metavar = placeholder(param.name.upper())
            elif isinstance(param, click.Option) and not param.is_flag:
                param.metavar = placeholder(param.type.name.upper())
        return params

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """The plug-in's one input rule for text at the command line too: control characters
        (NUL, which PostgreSQL refuses) and bidirectional overrides in any argument or option
        are refused before the command runs, so no command can store them."""
        rest = super().parse_args(ctx, args)
        for param in self.get_params(ctx):
            value = ctx.params.get(param.name)
            values = value if isinstance(value, (tuple, list)) else (value,)
            if any(isinstance(item, str) and has_forbidden_chars(item, multi_line=True)
                   for item in values):
                raise click.BadParameter(
                    gettext("Steuerzeichen und unsichtbare Richtungszeichen sind hier nicht "
                            "erlaubt."), ctx=ctx, param=param)
        return rest

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        """Click builds ``--help`` once per command with its text translated then; keep it
        lazy, so the text follows the locale of each run."""
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = placeholder("Show this message and exit.")
        return option

    # The two sections as click writes them, with each help text made a plain string first
    # (click measures the rows with a regular expression, which a lazy string does not pass).

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        args = [p for p in self.get_params(ctx) if isinstance(p, click.Argument)]
        if any(arg.help is not None for arg in args):
            with formatter.section(stdlib_gettext.gettext("Positional arguments")):
                formatter.write_dl([_plain(arg.get_help_record(ctx)) for arg in args])

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [param.get_help_record(ctx) for param in self.get_params(ctx)
                if not isinstance(param, click.Argument)]
        if rows := [_plain(row) for row in rows if row is not None]:
            with formatter.section(stdlib_gettext.gettext("Options")):
                formatter.write_dl(rows)


class Group(Command, click.Group):
    """The ``kwis-job`` group: every command below it is a ``Command`` or ``Group`` of this
    module, and the whole run (help, errors, output) speaks the locale of ``cli_locale``."""

    command_class = Command
    group_class = type

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        Command.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def main(self, *args, **kwargs):
        with speaking(cli_locale()):
            return super().main(*args, **kwargs)

    # Inside a host (``flask job ...``) ``main`` is the host's, outside ``speaking``: the help is
    # written here, and an error is shown here too before the host's ``main`` would.

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        inside_host = parent is not None and not isinstance(parent.find_root().command, Group)
        with speaking(cli_locale()), _errors_shown_here(inside_host):
            return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context):
        inside_host = not isinstance(ctx.find_root().command, Group)
        with speaking(cli_locale()), _errors_shown_here(inside_host):
            return super().invoke(ctx)


@contextmanager
def _errors_shown_here(inside_host: bool) -> Iterator[None]:
    try:
        yield
    except click.ClickException as exc:
        if not inside_host:
            raise  # our own main shows it, still speaking
        exc.show()
        raise click.exceptions.Exit(exc.exit_code) from None
