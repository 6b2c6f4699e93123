"""Reading PDFs back: text, pages, and QR codes as a phone would see them."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader


def squash(text: str) -> str:
    """Text with all whitespace removed, so line breaks in a PDF do not matter."""
    return re.sub(r"\s+", "", text).replace("’", "'")


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def qr_codes(path: Path, dpi: int = 150) -> list[str]:
    """Every QR code on the first page, decoded from a rendering made with pdftoppm."""
    import zxingcpp
    from PIL import Image
    with tempfile.TemporaryDirectory() as folder:
        stem = Path(folder) / "page"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", str(path),
                        str(stem)], check=True)
        image = Image.open(next(Path(folder).glob("page*.png")))
        return [code.text for code in zxingcpp.read_barcodes(image)]


@dataclass(frozen=True)
class Run:
    """A piece of text as the PDF draws it: its font, size (in points), colour and height on
    the page (points from the bottom)."""

    text: str
    font: str
    size: float
    colour: tuple[float, ...]
    y: float


def text_runs(path: Path, page: int = 0) -> list[Run]:
    """Every piece of text on a page, in the order it is drawn, with how it is drawn."""
    runs: list[Run] = []
    colour: list[tuple[float, ...]] = [()]

    def before(operator: bytes, args: list, cm: list, tm: list) -> None:
        if operator in (b"rg", b"sc", b"scn", b"g"):
            colour[0] = tuple(round(float(a), 3) for a in args)

    def visit(text: str, cm: list, tm: list, font: dict | None, size: float) -> None:
        if text.strip():
            # WeasyPrint draws in CSS px (cm scales them to points) with the y axis flipped.
            runs.append(Run(text.strip(), str((font or {}).get("/BaseFont", "")).split("+")[-1],
                            round(size * cm[0], 2), colour[0], cm[3] * tm[5] + cm[5]))

    PdfReader(path).pages[page].extract_text(visitor_text=visit, visitor_operand_before=before)
    return runs
