"""Reading the records policygen writes in a variant's file: `notice_prepared:`, `notified:`,
`approved:` (one record, or in a chain one for each author) and `rebased:`, each with the
fingerprint of the changes it was for and the pins of the base's words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from yaml.nodes import MappingNode, Node

from policygen.model import ONLY_AUTHOR, SignOff, SignOffs
from policygen.source.reader import ID_PATTERN, Reader, describe

_FULL_ID = re.compile(rf"{ID_PATTERN.pattern}/{ID_PATTERN.pattern}")
_FINGERPRINT = re.compile(r"[0-9a-f]{16}")
_SOME_DAY = date(1970, 1, 1)  # stands in for a date already reported as wrong


SIGN_OFF_KEYS = ("notice_prepared", "notified", "approved")
_SIGN_OFF_FIELDS = ("by", "date", "fingerprint", "edition")


def read_sign_offs(r: Reader, f: Mapping[str, Node]) -> tuple[tuple[str, SignOffs], ...]:
    """The `notice_prepared:`, `notified:` and `approved:` blocks, gathered by author.

    A block is one record (`date:`, `fingerprint:` …) for a variant of the base guidance, or,
    in a chain, one record under each author's key (`base:`, `northshire-council:`).
    """
    found: dict[str, dict[str, SignOff]] = {}
    for key in SIGN_OFF_KEYS:
        if key not in f:
            continue
        for author, node in _records_by_author(r, f[key], key):
            record = read_sign_off(r, node, key, f"{key}: {author}" if author else key)
            if record is not None:
                found.setdefault(author, {})[key] = record
    return tuple((author, SignOffs(**records)) for author, records in found.items())


def _records_by_author(r: Reader, node: Node, key: str) -> list[tuple[str, Node]]:
    if not isinstance(node, MappingNode) or not node.value or any(
            name.value in _SIGN_OFF_FIELDS for name, _ in node.value):
        return [(ONLY_AUTHOR, node)]
    records = []
    for name, value in node.value:
        if not ID_PATTERN.fullmatch(str(name.value)):
            r.error(name, f"'{key}' should hold the record policygen wrote (date, fingerprint "
                    f"…), or in a chain one record for each author, under 'base' or the name "
                    f"of a variant; found '{name.value}'")
            continue
        records.append((str(name.value), value))
    return records


def read_sign_off(r: Reader, node: Node, key: str, label: str = "") -> SignOff | None:
    required = ("by", "date", "fingerprint") if key == "approved" else ("date", "fingerprint")
    key = label or key
    f = r.fields(node, f"'{key}'", required, ("edition", "items"))
    if f is None or any(name not in f for name in required):
        return None
    fingerprint = r.text(f["fingerprint"], f"the fingerprint in '{key}'", twin=False).lower()
    if fingerprint and not _FINGERPRINT.fullmatch(fingerprint):
        r.error(f["fingerprint"], f"the fingerprint in '{key}' should be the 16 letters and "
                f"digits printed by 'policygen changes', found '{fingerprint}'")
    when = r.date(f["date"], f"the date in '{key}'") or _SOME_DAY
    edition = r.date(f["edition"], f"the edition in '{key}'") if "edition" in f else None
    pins = _read_pins(r, f["items"], key) if "items" in f else ()
    return SignOff(when, fingerprint, edition, r.optional_text(f, "by", "who approved", twin=False),
                   r.location(node), pins)


def _read_pins(r: Reader, node: Node, key: str) -> tuple[tuple[str, str], ...]:
    """`items:` in a record: each base item's fingerprint, written by policygen."""
    if not isinstance(node, MappingNode):
        r.error(node, f"'items' in '{key}' should be the item fingerprints policygen wrote, "
                f"found {describe(node)}")
        return ()
    pins = []
    for name, value in node.value:
        fingerprint = str(value.value).lower() if not isinstance(value, MappingNode) else ""
        if not _FULL_ID.fullmatch(str(name.value)) or not _FINGERPRINT.fullmatch(fingerprint):
            r.error(name, f"'items' in '{key}' should hold lines like 'email/work-account: "
                    f"\"0123456789abcdef\"', written by policygen; found '{name.value}'")
            continue
        pins.append((str(name.value), fingerprint))
    return tuple(pins)
