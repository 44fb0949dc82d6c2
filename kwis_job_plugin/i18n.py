"""Translations: German is the source language, English the second locale.

Catalogues live as ``.po`` files in ``kwis_job_plugin/translations`` and are compiled in memory
on first use, so no binary ``.mo`` is committed. The locale comes from a provider that the
plug-in installs at start-up (the host's ``current_locale`` during a request) unless code forces
one with ``force_locale`` (e.g. a mail in the recipient's language). No Flask import here, so
services may use ``lazy_gettext`` without knowing about requests.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from importlib.resources import files

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, NullTranslations, Translations

DOMAIN = "kwis_job"
DEFAULT_LOCALE = "de"
LOCALES = ("de", "en")

_forced: ContextVar[str | None] = ContextVar("kwis_job_forced_locale", default=None)


def _no_provider() -> str | None:
    return None


_provider: Callable[[], str | None] = _no_provider


def use_locale_provider(provider: Callable[[], str | None]) -> None:
    global _provider
    _provider = provider


@contextmanager
def force_locale(locale: str) -> Iterator[None]:
    token = _forced.set(locale)
    try:
        yield
    finally:
        _forced.reset(token)


def get_locale() -> str:
    locale = _forced.get() or _provider()
    return locale if locale in LOCALES else DEFAULT_LOCALE


def catalog_path(locale: str):
    return files("kwis_job_plugin.translations") / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> NullTranslations:
    if locale == DEFAULT_LOCALE:
        return NullTranslations()
    with catalog_path(locale).open("rb") as po:
        catalog = read_po(po, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext(message: str, **variables) -> str:
    text = translations(get_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def lazy_gettext(message: str, **variables) -> LazyProxy:
    return LazyProxy(gettext, message, enable_cache=False, **variables)


def N_(message: str) -> str:  # noqa: N802 - the conventional name extractors know
    """Mark a message for extraction without translating it yet."""
    return message


_ = gettext
