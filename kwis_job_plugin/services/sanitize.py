"""Rich text from companies, cleaned with nh3 before it is stored.

Only the structure a short self-portrait needs survives: paragraphs, emphasis, lists, small
headings and links (http, https, mailto). Everything else, scripts and styles included, goes.
"""

from __future__ import annotations

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


def text_length(html: str) -> int:
    """Length of the visible text, for limits that should not count markup."""
    return len(nh3.clean(html, tags=set()).strip())
