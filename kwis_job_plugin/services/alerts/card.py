"""The Alumni-Karte: a card the registration office hands to people who move away, with a QR
code to the region's subscription page carrying a campaign code (``?quelle=karte-<region>``),
kept with each subscription it brings (``AlertSubscription.source``)."""

from __future__ import annotations

import segno

ERROR_LEVEL = "m"
"""Medium error correction: survives a scuffed card, keeps the code small."""


def campaign_code(region_slug: str) -> str:
    return f"karte-{region_slug}"[:60]


def qr_code(url: str) -> segno.QRCode:
    """The card's QR code; always a full QR code (phones' cameras do not all read Micro QR)."""
    return segno.make(url, error=ERROR_LEVEL, micro=False, boost_error=False)


def qr_svg(url: str, title: str) -> str:
    """The code as inline SVG (no script, nothing fetched: fine under the CSP), scaled by
    the print CSS, with a title for assistive technology."""
    svg = qr_code(url).svg_inline(scale=4, border=2, title=title, svgclass="kj-card-qr",
                                  lineclass=None, omitsize=True)
    return svg.replace("<svg ", '<svg role="img" ', 1)
