"""Text for XML documents we write by hand (badges, the poster, the feed, monograms): escaped,
and without the characters XML 1.0 does not allow at all (C0 controls but tab, CR and LF;
U+FFFE, U+FFFF), which would make the whole file unreadable."""

from __future__ import annotations

import re
from typing import Final
from xml.sax.saxutils import escape, quoteattr

_XML_INVALID: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """`value` as XML character data."""
    return escape(_XML_INVALID.sub("", value))


def xml_attribute(value: str) -> str:
    """`value` as a quoted XML attribute value (quotes included)."""
    return quoteattr(_XML_INVALID.sub("", value))
