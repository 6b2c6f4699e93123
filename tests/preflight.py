"""A preflight for tests: the points of PDF/UA-1 and PDF/X-4 a program can check, with pikepdf.

veraPDF (the reference checker) cannot be installed here, so this checks what can be read from
the file's structure; what it cannot judge (reading order, whether an alt text is right, colour
contrast, ...) is listed in the preflight engineer's notes. Each function returns a list of
failures, one plain sentence each; an empty list means the file passed every point checked.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from decimal import Decimal

import pikepdf

# The standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4): any other type must be mapped
# to one of these in the RoleMap (Matterhorn 02-001).
STANDARD_TYPES = frozenset("""
Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private
P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot
Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP
Figure Formula Form
""".split())
# Which parents each table and list element may have (ISO 32000-1, 14.8.4.3; PDF/UA-1 7.5, 7.6).
ALLOWED_PARENTS = {
    "TR": {"Table", "THead", "TBody", "TFoot"},
    "TH": {"TR"}, "TD": {"TR"},
    "THead": {"Table"}, "TBody": {"Table"}, "TFoot": {"Table"},
    "LI": {"L"}, "Lbl": {"LI"}, "LBody": {"LI"},
}
ALLOWED_CHILDREN = {
    "Table": {"TR", "THead", "TBody", "TFoot", "Caption"},
    "L": {"LI", "L", "Caption"},
}
ICC_SPACES = {b"RGB ": 3, b"CMYK": 4, b"GRAY": 1}


def check_pdf_ua(data: bytes) -> list[str]:
    """The machine-checkable Matterhorn Protocol points this file fails."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        failures = _ua_catalog(pdf)
        roles = _role_map(pdf)
        elements = list(_struct_elements(pdf))
        failures += _ua_elements(elements, roles)
        failures += _headings(elements, roles)
        for number, page in enumerate(pdf.pages, start=1):
            failures += _ua_page(number, page)
        failures += _fonts(pdf)
        return failures


def check_pdf_x4(data: bytes) -> list[str]:
    """The requirements of PDF/X-4 (ISO 15930-7) that this file fails."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        failures: list[str] = []
        if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
            failures.append("the file is encrypted")
        if pdf.pdf_version > "1.6":
            failures.append(f"PDF version {pdf.pdf_version} is above PDF/X-4's 1.6")
        if "/ID" not in pdf.trailer or len(pdf.trailer.ID) != 2:
            failures.append("the trailer has no document /ID")
        trapped = pdf.docinfo.get("/Trapped")
        if trapped not in (pikepdf.Name.True_, pikepdf.Name("/True"), pikepdf.Name("/False")):
            failures.append(f"Info /Trapped is {trapped!r}, not /True or /False")
        failures += _x4_metadata(pdf, trapped)
        space = _output_intent_space(pdf, failures)
        for number, page in enumerate(pdf.pages, start=1):
            failures += _x4_boxes(number, page)
            failures += _x4_annotations(number, page)
        failures += _device_colour(pdf, space)
        failures += _fonts(pdf)
        return failures


# PDF/UA-1 -------------------------------------------------------------------------------------

def _ua_catalog(pdf: pikepdf.Pdf) -> list[str]:
    root = pdf.Root
    failures = []
    mark_info = root.get("/MarkInfo", {})
    if mark_info.get("/Marked") is not True:
        failures.append("the catalog's /MarkInfo /Marked is not true (PDF/UA-1 7.1)")
    if mark_info.get("/Suspects") is True:
        failures.append("/MarkInfo /Suspects is true (PDF/UA-1 7.1)")
    if "/StructTreeRoot" not in root:
        failures.append("there is no /StructTreeRoot (PDF/UA-1 7.1)")
    if not str(root.get("/Lang", "")).strip():
        failures.append("the catalog has no /Lang (PDF/UA-1 7.2)")
    prefs = root.get("/ViewerPreferences", {})
    if prefs.get("/DisplayDocTitle") is not True:
        failures.append("/ViewerPreferences /DisplayDocTitle is not true (Matterhorn 07-001)")
    if "/Metadata" not in root:
        failures.append("the catalog has no XMP /Metadata (Matterhorn 06-001)")
        return failures
    meta = pdf.open_metadata()
    if not str(meta.get("dc:title", "")).strip():
        failures.append("the XMP metadata has no dc:title (Matterhorn 06-003)")
    if str(meta.get("pdfuaid:part", "")) != "1":
        failures.append("the XMP metadata does not say pdfuaid:part 1 (Matterhorn 06-002)")
    return failures


def _role_map(pdf: pikepdf.Pdf) -> dict[str, str]:
    tree = pdf.Root.get("/StructTreeRoot", {})
    return {str(key)[1:]: str(value)[1:] for key, value in tree.get("/RoleMap", {}).items()}


def _standard(kind: str, roles: dict[str, str]) -> str:
    seen = set()
    while kind not in STANDARD_TYPES and kind in roles and kind not in seen:
        seen.add(kind)
        kind = roles[kind]
    return kind


def _struct_elements(pdf: pikepdf.Pdf) -> Iterator[tuple[pikepdf.Dictionary, str]]:
    """Every structure element in the tree's (reading) order, with its parent's type."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return iter(())
    return _walk(tree.get("/K"), "StructTreeRoot", set())


def _walk(node: object, parent: str, seen: set[tuple[int, int]]
          ) -> Iterator[tuple[pikepdf.Dictionary, str]]:
    items = list(node) if isinstance(node, pikepdf.Array) else [node]
    for item in items:
        if not isinstance(item, pikepdf.Dictionary) or "/S" not in item:
            continue  # marked content or an object reference: content, not structure
        if item.is_indirect:
            if item.objgen in seen:
                continue
            seen.add(item.objgen)
        yield item, parent
        yield from _walk(item.get("/K"), str(item.S)[1:], seen)


def _ua_elements(elements: list[tuple[pikepdf.Dictionary, str]],
                 roles: dict[str, str]) -> list[str]:
    failures = []
    figures = 0
    for element, parent in elements:
        kind = _standard(str(element.S)[1:], roles)
        parent_kind = _standard(parent, roles)
        if kind not in STANDARD_TYPES:
            failures.append(f"structure type {element.S} is neither standard nor role-mapped "
                            "to one (Matterhorn 02-001)")
        if kind == "Figure" and not (str(element.get("/Alt", "")).strip()
                                     or str(element.get("/ActualText", "")).strip()):
            figures += 1
        allowed = ALLOWED_PARENTS.get(kind)
        if allowed and parent_kind not in allowed:
            failures.append(f"a /{kind} sits in a /{parent_kind}, not in one of "
                            f"{', '.join(sorted(allowed))} (PDF/UA-1 7.5, 7.6)")
        children = ALLOWED_CHILDREN.get(kind)
        if children:
            for child in _kid_types(element, roles):
                if child not in children:
                    failures.append(f"a /{kind} holds a /{child} (PDF/UA-1 7.5, 7.6)")
    if figures:
        failures.append(f"{figures} /Figure structure element(s) have neither /Alt nor "
                        "/ActualText (Matterhorn 13-004)")
    return failures


def _kid_types(element: pikepdf.Dictionary, roles: dict[str, str]) -> Iterator[str]:
    kids = element.get("/K")
    for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield _standard(str(kid.S)[1:], roles)


HEADINGS = {f"H{level}": level for level in range(1, 7)}


def _headings(elements: list[tuple[pikepdf.Dictionary, str]],
              roles: dict[str, str]) -> list[str]:
    levels = [HEADINGS[kind] for element, _ in elements
              if (kind := _standard(str(element.S)[1:], roles)) in HEADINGS]
    failures = []
    if levels and levels[0] != 1:
        failures.append(f"the first heading is H{levels[0]}, not H1 (Matterhorn 14-002)")
    for before, after in zip(levels, levels[1:], strict=False):
        if after > before + 1:
            failures.append(f"an H{after} follows an H{before}: a level is skipped "
                            "(Matterhorn 14-003)")
    return failures


def _ua_page(number: int, page: pikepdf.Page) -> list[str]:
    failures = []
    if page.obj.get("/Tabs") != pikepdf.Name.S:
        failures.append(f"page {number} has no /Tabs /S: its tab order does not follow the "
                        "structure (PDF/UA-1 7.18.3)")
    for annot in page.obj.get("/Annots", []):
        subtype = annot.get("/Subtype")
        if subtype in (pikepdf.Name.Popup, pikepdf.Name("/PrinterMark")):
            continue
        if "/StructParent" not in annot:
            failures.append(f"page {number}: a /{str(subtype)[1:]} annotation has no "
                            "/StructParent, so it is outside the structure (PDF/UA-1 7.18.1)")
    return failures


# Both -----------------------------------------------------------------------------------------

def _fonts(pdf: pikepdf.Pdf) -> list[str]:
    """Every font used on a page, in a form, a pattern or a Type 3 font, embedded (PDF/UA-1
    7.21.4.1; PDF/X-4 requires the same)."""
    missing: set[str] = set()
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for resources in _all_resources(page.obj.get("/Resources"), seen):
            for font in resources.get("/Font", {}).values():
                missing.update(_unembedded(font))
    return [f"font {name} is not embedded" for name in sorted(missing)]


def _unembedded(font: pikepdf.Dictionary) -> Iterator[str]:
    if font.get("/Subtype") == pikepdf.Name.Type3:
        return  # drawn by the file itself
    fonts = list(font.get("/DescendantFonts", [])) or [font]
    for item in fonts:
        descriptor = item.get("/FontDescriptor", {})
        if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            yield str(item.get("/BaseFont", "?"))


def _all_resources(resources: object, seen: set[tuple[int, int]]
                   ) -> Iterator[pikepdf.Dictionary]:
    """A resource dictionary and those of the forms, patterns and fonts it uses."""
    if not isinstance(resources, pikepdf.Dictionary):
        return
    if resources.is_indirect:
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    yield resources
    for kind in ("/XObject", "/Pattern"):
        for item in resources.get(kind, {}).values():
            if isinstance(item, pikepdf.Stream | pikepdf.Dictionary) and "/Resources" in item:
                yield from _all_resources(item.Resources, seen)
    for font in resources.get("/Font", {}).values():
        if "/Resources" in font:
            yield from _all_resources(font.Resources, seen)


# PDF/X-4 --------------------------------------------------------------------------------------

def _x4_metadata(pdf: pikepdf.Pdf, trapped: object) -> list[str]:
    if "/Metadata" not in pdf.Root:
        return ["the catalog has no XMP /Metadata"]
    meta = pdf.open_metadata()
    failures = []
    if str(meta.get("pdfxid:GTS_PDFXVersion", "")) != "PDF/X-4":
        failures.append("the XMP metadata does not say pdfxid:GTS_PDFXVersion PDF/X-4")
    for key in ("xmpMM:DocumentID", "xmpMM:VersionID", "xmpMM:RenditionClass",
                "xmp:CreateDate", "xmp:ModifyDate", "dc:title"):
        if not str(meta.get(key, "")).strip():
            failures.append(f"the XMP metadata has no {key}")
    xmp_trapped = str(meta.get("pdf:Trapped", ""))
    if xmp_trapped and f"/{xmp_trapped}" != str(trapped):
        failures.append(f"XMP pdf:Trapped {xmp_trapped} differs from Info /Trapped {trapped}")
    return failures


def _output_intent_space(pdf: pikepdf.Pdf, failures: list[str]) -> bytes:
    """The PDF/X output intent's colour space (b'RGB ', b'CMYK', b'GRAY'), or b'' if none."""
    intents = [intent for intent in pdf.Root.get("/OutputIntents", [])
               if intent.get("/S") == pikepdf.Name.GTS_PDFX]
    if len(intents) != 1:
        failures.append(f"there are {len(intents)} /GTS_PDFX output intents, not exactly one")
        return b""
    intent = intents[0]
    if not str(intent.get("/OutputConditionIdentifier", "")).strip():
        failures.append("the output intent has no /OutputConditionIdentifier")
    profile = intent.get("/DestOutputProfile")
    if not isinstance(profile, pikepdf.Stream):
        failures.append("the output intent has no embedded ICC /DestOutputProfile")
        return b""
    header = profile.read_bytes()[:128]
    space, device_class = header[16:20], header[12:16]
    if header[36:40] != b"acsp" or space not in ICC_SPACES:
        failures.append("the output intent's profile is not an ICC profile of gray, RGB or CMYK")
        return b""
    if profile.get("/N") != ICC_SPACES[space]:
        failures.append(f"the output profile's /N is {profile.get('/N')}, but the ICC profile "
                        f"is {space.decode().strip()} ({ICC_SPACES[space]} components)")
    if device_class not in (b"prtr", b"mntr", b"scnr", b"spac"):
        failures.append(f"the output profile's class {device_class!r} cannot be an output "
                        "intent")
    return space


def _box(page: pikepdf.Page, name: str) -> tuple[Decimal, ...] | None:
    box = page.obj.get(name)
    if box is None and name == "/MediaBox":
        box = page.mediabox  # inherited
    if box is None:
        return None
    x0, y0, x1, y1 = (Decimal(str(value)) for value in box)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _inside(inner: tuple[Decimal, ...], outer: tuple[Decimal, ...]) -> bool:
    tolerance = Decimal("0.01")
    return (inner[0] >= outer[0] - tolerance and inner[1] >= outer[1] - tolerance
            and inner[2] <= outer[2] + tolerance and inner[3] <= outer[3] + tolerance)


def _x4_boxes(number: int, page: pikepdf.Page) -> list[str]:
    media, bleed, trim = (_box(page, name) for name in ("/MediaBox", "/BleedBox", "/TrimBox"))
    failures = []
    if trim is None:
        failures.append(f"page {number} has no /TrimBox")
    if bleed is None:
        failures.append(f"page {number} has no /BleedBox")
    if media and bleed and not _inside(bleed, media):
        failures.append(f"page {number}: the BleedBox reaches outside the MediaBox")
    if bleed and trim and not _inside(trim, bleed):
        failures.append(f"page {number}: the TrimBox reaches outside the BleedBox")
    return failures


def _x4_annotations(number: int, page: pikepdf.Page) -> list[str]:
    """Only printer's marks and trap networks may lie on the printed area (ISO 15930-7,
    6.3.4, read strictly: no other annotation inside the BleedBox)."""
    bleed = _box(page, "/BleedBox") or _box(page, "/MediaBox")
    failures = []
    for annot in page.obj.get("/Annots", []):
        if annot.get("/Subtype") in (pikepdf.Name("/PrinterMark"), pikepdf.Name("/TrapNet")):
            continue
        x0, y0, x1, y1 = (Decimal(str(value)) for value in annot.Rect)
        if bleed and min(x1, x0) < bleed[2] and max(x0, x1) > bleed[0] \
                and min(y0, y1) < bleed[3] and max(y0, y1) > bleed[1]:
            failures.append(f"page {number}: a /{str(annot.get('/Subtype'))[1:]} annotation "
                            "lies inside the BleedBox")
    return failures


DEVICE_OPERATORS = {"rg": "DeviceRGB", "RG": "DeviceRGB", "k": "DeviceCMYK", "K": "DeviceCMYK"}
ALLOWED_DEVICE = {b"RGB ": {"DeviceRGB", "DeviceGray"}, b"CMYK": {"DeviceCMYK", "DeviceGray"},
                  b"GRAY": {"DeviceGray"}, b"": set()}


def _device_colour(pdf: pikepdf.Pdf, space: bytes) -> list[str]:
    """Device colour only where the output intent is of that kind (ISO 15930-7, 6.2.4; a
    /DefaultRGB or /DefaultCMYK colour space makes device colour colour-managed)."""
    used: dict[str, set[int]] = {}
    for number, page in enumerate(pdf.pages, start=1):
        for kind in _device_spaces(page):
            used.setdefault(kind, set()).add(number)
    allowed = ALLOWED_DEVICE[space]
    return [f"{kind} is used (pages {_pages(numbers)}) but the output intent is "
            f"{space.decode().strip() or 'missing'}"
            for kind, numbers in sorted(used.items()) if kind not in allowed]


def _pages(numbers: set[int]) -> str:
    ordered = sorted(numbers)
    return ", ".join(map(str, ordered[:5])) + (" ..." if len(ordered) > 5 else "")


def _device_spaces(page: pikepdf.Page) -> set[str]:
    found: set[str] = set()
    group = page.obj.get("/Group", {})
    found.update(_space_names(group.get("/CS")))
    _scan(page.obj, page.obj.get("/Resources", pikepdf.Dictionary()), found, set())
    return found


def _space_names(space: object) -> set[str]:
    if isinstance(space, pikepdf.Name):
        name = str(space)[1:]
        return {name} if name in ("DeviceRGB", "DeviceCMYK", "DeviceGray") else set()
    if isinstance(space, pikepdf.Array) and len(space) > 1:
        if space[0] in (pikepdf.Name.Indexed, pikepdf.Name.Pattern):
            return _space_names(space[1])
        if space[0] in (pikepdf.Name.Separation, pikepdf.Name.DeviceN) and len(space) > 2:
            return _space_names(space[2])
    return set()


def _scan(holder: object, resources: pikepdf.Dictionary, found: set[str],
          seen: set[tuple[int, int]]) -> None:
    """Device colour spaces a content stream uses, and the forms it draws, recursively."""
    defaults = {kind for kind in ("DeviceRGB", "DeviceCMYK", "DeviceGray")
                if f"/Default{kind[6:]}" in resources.get("/ColorSpace", {})}
    spaces = resources.get("/ColorSpace", {})
    here: set[str] = set()
    for operands, operator in pikepdf.parse_content_stream(holder):
        op = str(operator)
        if op in DEVICE_OPERATORS:
            here.add(DEVICE_OPERATORS[op])
        elif op in ("cs", "CS") and operands:
            name = operands[0]
            here |= _space_names(spaces.get(str(name), name))
        elif op == "sh" and operands:
            shading = resources.get("/Shading", {}).get(str(operands[0]))
            if shading is not None:
                here |= _space_names(shading.get("/ColorSpace"))
        elif op == "Do" and operands:
            xobject = resources.get("/XObject", {}).get(str(operands[0]))
            if xobject is None or (xobject.is_indirect and xobject.objgen in seen):
                continue
            if xobject.is_indirect:
                seen.add(xobject.objgen)
            if xobject.get("/Subtype") == pikepdf.Name.Image:
                here |= _space_names(xobject.get("/ColorSpace"))
            elif xobject.get("/Subtype") == pikepdf.Name.Form:
                here |= _space_names(xobject.get("/Group", {}).get("/CS"))
                _scan(xobject, xobject.get("/Resources", resources), here, seen)
    for pattern in resources.get("/Pattern", {}).values():
        if "/Shading" in pattern:
            here |= _space_names(pattern.Shading.get("/ColorSpace"))
    found.update(here - defaults)
