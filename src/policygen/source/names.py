"""Names and addresses that go into email headers and onto every page: checked when read.

A name is shown to people and put in the From and To of the notice email. A control character
in it (an escape sequence, a line break, a bidirectional override) can rewrite what a terminal
shows or what a mail program reads, so names must be plain printable text.
"""

from __future__ import annotations

import unicodedata
from email.errors import HeaderParseError
from email.headerregistry import Address

from yaml.nodes import Node, ScalarNode

from policygen.source.reader import Reader

# Characters that reorder the text around them: "evil\u202eelgoog" is shown as "evilgoogle".
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                           "\u2066\u2067\u2068\u2069")


def control_character(text: str) -> str:
    """How to name the first control character in `text` (like 'U+001B'), or "" if none."""
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") or char in _BIDI_CONTROLS:
            return f"U+{ord(char):04X}"
    return ""


def name_problem(name: str, what: str) -> str:
    """Why a name cannot be used (empty, or holding a control character), or ""."""
    if not name.strip():
        return f"{what} is empty"
    found = control_character(name)
    if found:
        return (f"{what} contains a control character ({found}); names must be plain text "
                "(retype it, or paste it as plain text)")
    return ""


def check_name(r: Reader, node: Node | None, name: str, what: str) -> None:
    """Report a name that would be unsafe in an email header or on a page."""
    problem = name_problem(name, what) if name else ""
    if problem and node is not None:
        r.error(node, problem)


def address_problem(address: str, what: str) -> str:
    """Why `address` is not exactly one email address like dsl@example.org, or ""."""
    found = control_character(address)
    if found:
        return f"{what} contains a control character ({found})"
    try:
        parsed = Address(addr_spec=address.strip())
    except (HeaderParseError, ValueError, IndexError):
        parsed = None
    if parsed is None or not parsed.username or not parsed.domain or " " in address.strip():
        return (f"{what} should be one email address like dsl@example.org, found "
                f"'{address}'")
    return ""


def check_address(r: Reader, node: Node | None, address: str, what: str) -> None:
    problem = address_problem(address, what) if address else ""
    if problem and node is not None:
        r.error(node, problem)


def check_fields(r: Reader, fields: dict[str, Node], what: str) -> None:
    """Check the `name` and `email` among a set of fields as written (`what`: "the author")."""
    for key, check in (("name", check_name), ("email", check_address)):
        node = fields.get(key)
        if isinstance(node, ScalarNode):
            check(r, node, str(node.value).strip(), f"{what}'s {key}")
