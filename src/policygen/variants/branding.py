"""A variant's organisation: its name, accent colour and logo, checked before anything uses them.

A colour must be readable on white; a logo must be a small picture inside the variant's own
folder that neither runs scripts nor fetches other files, since it goes on every page and PDF.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from yaml.nodes import MappingNode, Node, ScalarNode

from policygen.model import Organisation
from policygen.source import sections
from policygen.source.names import check_fields
from policygen.source.reader import Reader
from policygen.variants import svgsafe

# A logo is shown a few centimetres wide; anything bigger only slows every page and PDF.
MAX_LOGO_BYTES = 512 * 1024
LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")
# How a PNG and a JPEG file begin.
_SIGNATURES = {".png": b"\x89PNG\r\n\x1a\n", ".jpg": b"\xff\xd8\xff",
               ".jpeg": b"\xff\xd8\xff"}
_COLOUR = re.compile(r"#[0-9a-f]{6}")


def read_organisation(r: Reader, node: Node, folder: Path | None) -> Organisation:
    f = r.fields(node, "'organisation'", ("name",), ("logo", "accent_colour", "url")) or {}
    _refuse_unquoted_colour(r, node)
    colour = r.optional_text(f, "accent_colour", "the accent colour", twin=False).lower()
    if colour and not _COLOUR.fullmatch(colour):
        r.error(f["accent_colour"], "the accent colour should be written \"#rrggbb\" (like "
                f"\"#1d5e3b\"), found '{colour}'")
    elif colour:
        _warn_low_contrast(r, f["accent_colour"], colour)
    check_fields(r, f, "the organisation")  # its name goes into the notice's From
    logo = r.optional_text(f, "logo", "the logo", twin=False)
    if logo:
        logo = check_logo(r, f["logo"], logo, folder)
    return Organisation(r.optional_text(f, "name", "the organisation's name"), logo, colour,
                        sections.read_url(r, f.get("url"), "the organisation's url"),
                        r.location(node),
                        r.field_lines(f))


def _refuse_unquoted_colour(r: Reader, node: Node) -> None:
    # `accent_colour: #1d5e3b` is a comment in YAML, so the field would be silently empty.
    for key, value in getattr(node, "value", []) if isinstance(node, MappingNode) else []:
        if key.value == "accent_colour" and isinstance(value, ScalarNode) and not value.value:
            r.error(key, "the accent colour is empty; a colour starts with #, which YAML reads "
                    "as a comment unless it is in quotes: accent_colour: \"#1d5e3b\"")


def _warn_low_contrast(r: Reader, node: Node, colour: str) -> None:
    ratio = contrast_with_white(colour)
    if ratio < 4.5:
        r.warning(node, f"the accent colour {colour} has a contrast of {ratio:.1f}:1 with "
                  "white; text in it needs at least 4.5:1 (WCAG AA), so choose a darker colour")


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of a #rrggbb colour against white."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def check_logo(r: Reader, node: Node, logo: str, folder: Path | None) -> str:
    """The logo's path if it names a file inside the variant's folder, else "" (reported)."""
    problem = _logo_name_problem(logo)
    if not problem and folder is not None:
        problem = _logo_file_problem(folder, logo)
    if problem:
        r.error(node, problem)
        return ""
    return PurePosixPath(logo).as_posix()


def _logo_name_problem(logo: str) -> str:
    if logo.startswith(("/", "\\")) or PureWindowsPath(logo).drive or ":" in logo:
        return (f"the logo '{logo}' should be a file in the variant's folder, named without "
                "a drive or leading slash (like logo.svg)")
    if ".." in PurePosixPath(logo.replace("\\", "/")).parts:
        return f"the logo '{logo}' should be inside the variant's folder; '..' is not allowed"
    if PurePosixPath(logo).suffix.lower() not in LOGO_SUFFIXES:
        return f"the logo '{logo}' should be an .svg, .png or .jpg file"
    return ""


def _logo_file_problem(folder: Path, logo: str) -> str:
    try:
        found = (folder / logo).resolve(strict=True)
    except (OSError, RuntimeError):
        return f"there is no logo file '{logo}' in the variant's folder"
    if not found.is_relative_to(folder.resolve()):
        return (f"the logo '{logo}' leads outside the variant's folder (it is a link); copy "
                "the image itself into the folder")
    if not found.is_file():
        return f"the logo '{logo}' is not a file"
    size = found.stat().st_size
    if size > MAX_LOGO_BYTES:
        return (f"the logo '{logo}' is {size // 1024} KB; a logo may be at most "
                f"{MAX_LOGO_BYTES // 1024} KB (save a smaller copy: it is shown small)")
    return _content_problem(logo, found)


def _content_problem(logo: str, found: Path) -> str:
    kind = found.suffix.lower()
    if kind == ".svg":
        return svg_logo_problem(logo, found.read_bytes())
    with found.open("rb") as file:
        start = file.read(8)
    if not start.startswith(_SIGNATURES[kind]):
        # Something else under a picture's name (an SVG, a web page) is no picture on a page.
        name = kind[1:].upper()
        return (f"the logo '{logo}' is named {kind} but is not a {name} picture; save it again "
                f"as a {name}")
    return ""


def svg_logo_problem(logo: str, data: bytes) -> str:
    """Why an SVG logo is refused (see svgsafe: it must neither run nor fetch), or ""."""
    try:
        svgsafe.clean_svg(data)
    except svgsafe.UnsafeSvg as unsafe:
        return (f"the logo '{logo}' {unsafe.what} (line {unsafe.line} of the SVG); save it "
                "again as a plain picture, or as a PNG")
    return ""
