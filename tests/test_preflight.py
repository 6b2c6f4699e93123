"""Preflight: every default PDF passes the machine-checkable points of what it claims.

Office PDFs (posters A4 and A3, handbook, adaptation notices) claim PDF/UA-1; print-shop PDFs
claim PDF/X-4. tests/preflight.py checks both with pikepdf (veraPDF cannot be installed here);
the second half of this file shows the checker failing on files broken on purpose.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pikepdf
import pytest
from conftest import REPO
from PIL import Image
from preflight import check_pdf_ua, check_pdf_x4

from policygen import BuildOptions, build

TODAY = date(2026, 12, 1)
PRINT = frozenset({"posters", "handbook"})
FIGURE_POINT = "(Matterhorn 13-004)"
HEADING_POINT = "(Matterhorn 14-00"
MM = 72 / 25.4


def _build(factory: pytest.TempPathFactory, print_shop: bool) -> dict[str, bytes]:
    """The default project (base and both variants) built on A4 and A3: {path: PDF bytes}."""
    root = factory.mktemp("print-shop" if print_shop else "office")
    project = root / "default"
    for folder in ("content", "templates", "variants"):
        shutil.copytree(REPO / folder, project / folder)
    out = root / "out"
    build(BuildOptions(project, out, TODAY, PRINT, papers=("a4", "a3"), print_shop=print_shop,
                       all_variants=True))
    return {str(path.relative_to(out)): path.read_bytes() for path in sorted(out.rglob("*.pdf"))}


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return _build(tmp_path_factory, print_shop=False)


@pytest.fixture(scope="module")
def print_shop(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return _build(tmp_path_factory, print_shop=True)


def _kinds(pdfs: dict[str, bytes]) -> set[str]:
    return {Path(path).name.replace("-a3", "") for path in pdfs}


def test_every_default_pdf_is_built(office: dict[str, bytes],
                                    print_shop: dict[str, bytes]) -> None:
    assert {"handbook.pdf", "adaptation-notice.pdf", "email.pdf", "summary.pdf",
            "reporting.pdf", "guidelines.pdf"} <= _kinds(office)
    assert any(path.endswith("-a3.pdf") for path in office)
    assert _kinds(print_shop) >= {"handbook.pdf", "email.pdf"}


def _failures(pdfs: dict[str, bytes], check: Callable[[bytes], list[str]],
              keep: Callable[[str], bool]) -> dict[str, list[str]]:
    found = {path: [f for f in check(data) if keep(f)] for path, data in pdfs.items()}
    return {path: failures for path, failures in found.items() if failures}


def _not_figures_or_headings(failure: str) -> bool:
    return FIGURE_POINT not in failure and HEADING_POINT not in failure


def test_office_pdfs_pass_pdf_ua_1(office: dict[str, bytes]) -> None:
    """Every machine-checkable point but two, asserted apart below."""
    assert _failures(office, check_pdf_ua, _not_figures_or_headings) == {}



def test_office_pdfs_figures_have_alt_text(office: dict[str, bytes]) -> None:
    assert _failures(office, check_pdf_ua, lambda f: FIGURE_POINT in f) == {}


def test_office_pdfs_headings_skip_no_level(office: dict[str, bytes]) -> None:
    assert _failures(office, check_pdf_ua, lambda f: HEADING_POINT in f) == {}


def test_print_shop_pdfs_pass_pdf_x4(print_shop: dict[str, bytes]) -> None:
    """The adaptation notice is never made for a print shop: it is checked as PDF/UA."""
    checks = {path: check_pdf_ua if "adaptation-notice" in path else check_pdf_x4
              for path in print_shop}
    found = {path: [f for f in checks[path](data) if _not_figures_or_headings(f)]
             for path, data in print_shop.items()}
    assert {path: failures for path, failures in found.items() if failures} == {}
    assert sum(check is check_pdf_x4 for check in checks.values()) >= 20


def test_print_shop_output_intent_is_embedded_srgb(print_shop: dict[str, bytes]) -> None:
    with pikepdf.open(io.BytesIO(print_shop["posters/email.pdf"])) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFX
        profile = intent.DestOutputProfile.read_bytes()
        assert (profile[12:20], intent.DestOutputProfile.N) == (b"mntrRGB ", 3)
        assert str(intent.OutputConditionIdentifier).startswith("IEC 61966-2-1")


def _boxes_mm(data: bytes) -> dict[str, list[float]]:
    """Each box as its distance out from the TrimBox (left, bottom, right, top), in mm."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0].obj
        trim = [float(v) for v in page.TrimBox]
        out = {}
        for name in ("/MediaBox", "/BleedBox"):
            box = [float(v) for v in page[name]]
            out[name] = [round((trim[0] - box[0]) / MM, 2), round((trim[1] - box[1]) / MM, 2),
                         round((box[2] - trim[2]) / MM, 2), round((box[3] - trim[3]) / MM, 2)]
        return out


def test_print_shop_bleed_is_3mm_and_the_crop_marks_lie_outside_it(
        print_shop: dict[str, bytes]) -> None:
    for path in ("posters/email.pdf", "posters/email-a3.pdf", "handbook.pdf"):
        assert _boxes_mm(print_shop[path]) == {"/BleedBox": [3.0] * 4, "/MediaBox": [10.0] * 4}


def _render(data: bytes, tmp_path: Path, dpi: int = 100) -> Image.Image:
    """The first page at its MediaBox (pdftoppm's default without -cropbox), as RGB."""
    source = tmp_path / "page.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", str(source),
                    str(tmp_path / "page")], check=True)
    return Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")


def _dark(pixel: tuple[int, int, int]) -> bool:
    return sum(pixel) < 200


@pytest.mark.parametrize("poster", ["posters/email.pdf", "posters/reporting-a3.pdf"])
def test_a_poster_strip_reaches_into_the_bleed_and_the_marks_stay_out_of_it(
        print_shop: dict[str, bytes], tmp_path: Path, poster: str) -> None:
    image = _render(print_shop[poster], tmp_path)
    px = 100 / 25.4  # pixels per mm; the MediaBox is 10 mm wider than the trim on each side
    width, height = image.size
    navy = (0x1d, 0x3f, 0x6e)

    def at(x_mm: float, y_mm: float) -> tuple[int, int, int]:  # from the trim's top left
        pixel = image.getpixel((round((10 + x_mm) * px), round((10 + y_mm) * px)))
        assert isinstance(pixel, tuple)
        return (pixel[0], pixel[1], pixel[2])

    trim_width = width / px - 20
    for x_mm in (-2.5, 0.5, trim_width / 2, trim_width - 0.5, trim_width + 2.5):
        assert all(abs(a - b) < 12 for a, b in zip(at(x_mm, -2.5), navy, strict=True)), x_mm
        assert at(x_mm, -4) == (255, 255, 255), x_mm  # nothing beyond the bleed
    assert at(-4, 1) == (255, 255, 255) and at(trim_width + 4, 1) == (255, 255, 255)
    # The crop marks: dark strokes in the outer band (5 to 10 mm out), none inside the bleed.
    marks = [(x, y) for x in range(width) for y in (round(10 * px),)
             if _dark(image.getpixel((x, y)))]  # type: ignore[arg-type]
    assert marks and all(x < 5.2 * px or x > width - 5.2 * px for x, _ in marks)


def test_two_print_shop_builds_give_identical_bytes(tmp_path_factory: pytest.TempPathFactory,
                                                    print_shop: dict[str, bytes]) -> None:
    again = _build(tmp_path_factory, print_shop=True)
    assert again.keys() == print_shop.keys()
    assert [path for path in again if again[path] != print_shop[path]] == []


# The checker itself, on files broken on purpose ---------------------------------------------

def _broken(data: bytes, damage: Callable[[pikepdf.Pdf], None]) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        damage(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def _del(path: str) -> Callable[[pikepdf.Pdf], None]:
    def damage(pdf: pikepdf.Pdf) -> None:
        *holders, key = path.split(".")
        obj = pdf.Root
        for name in holders:
            obj = obj["/" + name]
        del obj["/" + key]
    return damage


def _xmp(key: str) -> Callable[[pikepdf.Pdf], None]:
    def damage(pdf: pikepdf.Pdf) -> None:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            del meta[key]
    return damage


def _all_struct(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    found, stack = [], [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        for item in list(node) if isinstance(node, pikepdf.Array) else [node]:
            if isinstance(item, pikepdf.Dictionary) and "/S" in item:
                found.append(item)
                stack.append(item.get("/K"))
    return found


def _first_struct(pdf: pikepdf.Pdf, kind: str) -> pikepdf.Dictionary:
    for item in _all_struct(pdf):
        if item.S == pikepdf.Name("/" + kind):
            return item
    raise AssertionError(f"no /{kind} in the structure")


def _retype(kind: str, new: str) -> Callable[[pikepdf.Pdf], None]:
    def damage(pdf: pikepdf.Pdf) -> None:
        _first_struct(pdf, kind).S = pikepdf.Name("/" + new)
    return damage


def _no_alt(pdf: pikepdf.Pdf) -> None:
    for element in _all_struct(pdf):  # every figure described, so only the new one counts
        if element.S == pikepdf.Name.Figure:
            element.Alt = pikepdf.String("An icon")
    element = _first_struct(pdf, "P")
    element.S = pikepdf.Name.Figure
    for key in ("/Alt", "/ActualText"):
        if key in element:
            del element[key]


def _pages(damage: Callable[[pikepdf.Page], None]) -> Callable[[pikepdf.Pdf], None]:
    def each(pdf: pikepdf.Pdf) -> None:
        damage(pdf.pages[0])
    return each


def _unembed(pdf: pikepdf.Pdf) -> None:
    for font in pdf.pages[0].Resources.Font.values():
        for item in list(font.get("/DescendantFonts", [])) or [font]:
            descriptor = item.FontDescriptor
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in descriptor:
                    del descriptor[key]


def _link_without_parent(page: pikepdf.Page) -> None:
    page.obj.Annots = page.obj.get("/Annots", pikepdf.Array())
    page.obj.Annots.append(pikepdf.Dictionary(Type=pikepdf.Name.Annot,
                                              Subtype=pikepdf.Name.Link,
                                              Rect=[100, 100, 200, 120]))


UA_BREAKS: dict[str, tuple[Callable[[pikepdf.Pdf], None], str]] = {
    "no Lang": (_del("Lang"), "the catalog has no /Lang (PDF/UA-1 7.2)"),
    "no MarkInfo": (_del("MarkInfo"),
                    "the catalog's /MarkInfo /Marked is not true (PDF/UA-1 7.1)"),
    "no StructTreeRoot": (_del("StructTreeRoot"),
                          "there is no /StructTreeRoot (PDF/UA-1 7.1)"),
    "no DisplayDocTitle": (_del("ViewerPreferences.DisplayDocTitle"),
                           "/ViewerPreferences /DisplayDocTitle is not true (Matterhorn 07-001)"),
    "no dc:title": (_xmp("dc:title"),
                    "the XMP metadata has no dc:title (Matterhorn 06-003)"),
    "no pdfuaid:part": (_xmp("pdfuaid:part"),
                        "the XMP metadata does not say pdfuaid:part 1 (Matterhorn 06-002)"),
    "figure without alt": (_no_alt, "1 /Figure structure element(s) have neither /Alt nor "
                                    "/ActualText (Matterhorn 13-004)"),
    "first heading H2": (_retype("H1", "H2"),
                         "the first heading is H2, not H1 (Matterhorn 14-002)"),
    "unknown type": (_retype("P", "Paragraf"), "structure type /Paragraf is neither standard nor "
                                               "role-mapped to one (Matterhorn 02-001)"),
    "LI outside L": (_retype("L", "Div"), "a /LI sits in a /Div, not in one of L "
                                          "(PDF/UA-1 7.5, 7.6)"),
    "no Tabs": (_pages(lambda page: page.obj.__delitem__("/Tabs")),
                "page 1 has no /Tabs /S: its tab order does not follow the structure "
                "(PDF/UA-1 7.18.3)"),
    "link outside structure": (_pages(_link_without_parent),
                               "page 1: a /Link annotation has no /StructParent, so it is "
                               "outside the structure (PDF/UA-1 7.18.1)"),
}


@pytest.mark.parametrize("name", list(UA_BREAKS))
def test_the_ua_checker_finds_each_break(office: dict[str, bytes], name: str) -> None:
    damage, expected = UA_BREAKS[name]
    source = office["posters/email.pdf"]
    assert check_pdf_ua(_broken(source, lambda pdf: None)) == check_pdf_ua(source)
    assert expected in check_pdf_ua(_broken(source, damage))
    assert expected not in check_pdf_ua(source)


def test_the_ua_checker_finds_a_skipped_heading_and_a_table_out_of_shape(
        office: dict[str, bytes]) -> None:
    def damage(pdf: pikepdf.Pdf) -> None:
        _first_struct(pdf, "H2").S = pikepdf.Name.H4
        _first_struct(pdf, "L").S = pikepdf.Name.Table  # its LIs are now a table's children
    failures = check_pdf_ua(_broken(office["handbook.pdf"], damage))
    assert any(f.startswith("an H4 follows an H") for f in failures)
    assert "a /Table holds a /LI (PDF/UA-1 7.5, 7.6)" in failures


def test_the_checkers_find_unembedded_fonts(office: dict[str, bytes],
                                            print_shop: dict[str, bytes]) -> None:
    for check, source in ((check_pdf_ua, office), (check_pdf_x4, print_shop)):
        failures = check(_broken(source["posters/email.pdf"], _unembed))
        assert any(f.startswith("font ") and f.endswith(" is not embedded") for f in failures)


def _trim_outside_bleed(page: pikepdf.Page) -> None:
    page.obj.TrimBox = [float(v) for v in page.obj.BleedBox][:2] + [2000, 2000]


def _intent_cmyk(pdf: pikepdf.Pdf) -> None:
    profile = pdf.Root.OutputIntents[0].DestOutputProfile
    data = bytearray(profile.read_bytes())
    data[16:20] = b"CMYK"
    profile.write(bytes(data))
    profile.N = 4


X4_BREAKS: dict[str, tuple[Callable[[pikepdf.Pdf], None], str]] = {
    "no output intents": (_del("OutputIntents"),
                          "there are 0 /GTS_PDFX output intents, not exactly one"),
    "intent without profile": (lambda pdf: pdf.Root.OutputIntents[0].__delitem__(
        "/DestOutputProfile"), "the output intent has no embedded ICC /DestOutputProfile"),
    "intent N wrong": (lambda pdf: pdf.Root.OutputIntents[0].DestOutputProfile.__setitem__(
        "/N", 4), "the output profile's /N is 4, but the ICC profile is RGB (3 components)"),
    "DeviceRGB with CMYK intent": (_intent_cmyk,
                                   "DeviceRGB is used (pages 1) but the output intent is CMYK"),
    "no GTS_PDFXVersion": (_xmp("pdfxid:GTS_PDFXVersion"),
                           "the XMP metadata does not say pdfxid:GTS_PDFXVersion PDF/X-4"),
    "no DocumentID": (_xmp("xmpMM:DocumentID"), "the XMP metadata has no xmpMM:DocumentID"),
    "no Trapped": (lambda pdf: pdf.docinfo.__delitem__("/Trapped"),
                   "Info /Trapped is None, not /True or /False"),
    "no TrimBox": (_pages(lambda page: page.obj.__delitem__("/TrimBox")),
                   "page 1 has no /TrimBox"),
    "no BleedBox": (_pages(lambda page: page.obj.__delitem__("/BleedBox")),
                    "page 1 has no /BleedBox"),
    "bleed beyond media": (_pages(lambda page: page.obj.__setitem__(
        "/BleedBox", [-100, -100, 2000, 2000])),
        "page 1: the BleedBox reaches outside the MediaBox"),
    "trim beyond bleed": (_pages(_trim_outside_bleed),
                          "page 1: the TrimBox reaches outside the BleedBox"),
    "link on the page": (_pages(_link_without_parent),
                         "page 1: a /Link annotation lies inside the BleedBox"),
}


@pytest.mark.parametrize("name", list(X4_BREAKS))
def test_the_x4_checker_finds_each_break(print_shop: dict[str, bytes], name: str) -> None:
    damage, expected = X4_BREAKS[name]
    source = print_shop["posters/email.pdf"]
    assert check_pdf_x4(_broken(source, lambda pdf: None)) == []
    assert expected in check_pdf_x4(_broken(source, damage))


def test_the_x4_checker_finds_encryption_and_a_later_pdf_version(
        print_shop: dict[str, bytes]) -> None:
    with pikepdf.open(io.BytesIO(print_shop["posters/email.pdf"])) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="", R=4),
                 force_version="1.7")
    failures = check_pdf_x4(out.getvalue())
    assert "the file is encrypted" in failures
    assert "PDF version 1.7 is above PDF/X-4's 1.6" in failures


def test_an_office_pdf_is_not_pdf_x4(office: dict[str, bytes]) -> None:
    """The office PDFs claim PDF/UA only; the X-4 checker must say so, not pass them."""
    failures = check_pdf_x4(office["posters/email.pdf"])
    assert "there are 0 /GTS_PDFX output intents, not exactly one" in failures
    assert "DeviceRGB is used (pages 1) but the output intent is missing" in failures
