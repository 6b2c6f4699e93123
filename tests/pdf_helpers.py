"""Reading PDFs back: text, pages, and QR codes as a phone would see them."""

from __future__ import annotations

import re
import subprocess
import tempfile
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
