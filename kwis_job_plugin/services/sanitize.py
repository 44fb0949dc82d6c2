"""Rich text from companies, cleaned with nh3 before it is stored.

Only the structure a short self-portrait needs survives: paragraphs, emphasis, lists, small
headings and links (http, https, mailto). Everything else, scripts and styles included, goes.
Text typed without markup becomes paragraphs, and turns back into the same plain text to edit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "h3", "h4", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}


def clean_html(html: str | None) -> str:
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


_BOUNDARY = re.compile(
    r"</?(?:p|li|ul|ol|h[1-6]|div|blockquote|pre|table|tr|td|th|dd|dt|dl|section|article)\b[^>]*>"
    r"|<br\s*/?>",
    re.IGNORECASE,
)


def plain_text(markup: str | None, limit: int | None = None) -> str:
    """Rich text as one line of plain text, cut at a word boundary to ``limit`` characters.

    Every block and line boundary (paragraphs, list items, headings, ``<br>``) becomes a space
    before the tags go, so ``<p>Wir suchen</p><p>Jena</p>`` reads "Wir suchen Jena" and not
    "Wir suchenJena": the search index, JSON-LD, meta descriptions and mails all depend on it.
    """
    spaced = _BOUNDARY.sub(" ", markup or "")
    text = " ".join(html.unescape(nh3.clean(spaced, tags=set())).split())
    if limit is None or len(text) <= limit:
        return text
    head = text[: limit - 1]
    if text[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.-") + "…"


def text_length(html: str) -> int:
    """Length of the visible text, for limits that should not count markup."""
    return len(nh3.clean(html, tags=set()).strip())


def paragraphs_to_html(text: str) -> str:
    """Plain text as cleaned HTML: blank lines part paragraphs, a single break is a ``<br>``."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return clean_html(
        "".join(
            "<p>" + "<br>".join(html.escape(line.strip(), quote=False)
                                for line in p.split("\n")) + "</p>"
            for p in paragraphs
        )
    )


def as_typed(stored: str | None, to_html: Callable[[str], str]) -> str:
    """Stored HTML as the company typed it: the plain text again if ``to_html`` makes exactly
    this HTML of it, else the HTML itself."""
    stored = stored or ""
    paragraphs = re.findall(r"<p>(.*?)</p>", stored, re.S)
    if paragraphs and "".join(f"<p>{p}</p>" for p in paragraphs) == stored:
        text = "\n\n".join(html.unescape(p.replace("<br>", "\n")) for p in paragraphs)
        if to_html(text) == stored:
            return text
    return stored
