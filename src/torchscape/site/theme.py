"""The landscape's colours (settings `colors`) as CSS custom properties, validated again here."""

from __future__ import annotations

import re

from torchscape.catalog.raw import RawSettings
from torchscape.site.monogram import monogram_css

_COLOUR = re.compile(
    r"^rgba?\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*(?:,\s*(?:0|1|0?\.\d+|1\.0+)\s*)?\)\Z"
)


def theme_css(settings: RawSettings | None) -> str:
    """`:root { --brand-1: ...; }` for the colours given (nothing that is not a plain rgba()),
    and the monogram colours."""
    lines = [":root {"]
    colors = settings.colors.model_dump() if settings and settings.colors else {}
    for index in range(1, 8):
        value = colors.get(f"color{index}")
        if isinstance(value, str) and _COLOUR.match(value.strip()):
            lines.append(f"  --brand-{index}: {value.strip()};")
    lines.append("}")
    return "\n".join(lines) + "\n" + monogram_css()
