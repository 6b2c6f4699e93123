"""Draw docs/posters-contact-sheet.png: every default poster, as a designer reviews them.

One row per edition and paper: the base on A4, the base on A3, the base for a print shop (with
its bleed and crop marks), the base as a board with a website publishes it (`site_url` set, so
every poster carries the labelled QR code), then each variant in variants/ on A4. Each poster
is rendered by a real build into a temporary folder and turned into a picture by pdftoppm
(poppler-utils), so the sheet shows exactly what an organisation would print.

    .venv/bin/python scripts/contact_sheet.py [--out docs/posters-contact-sheet.png]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-12-02"  # a fixed day: the same sheet from the same content
THUMB_WIDTH = 300  # pixels per poster on the sheet
GAP = 16
LABEL_HEIGHT = 34
SITE_URL = "https://northshire.example.org/esafety/"  # a placeholder: see `policygen links`


def build(out: Path, *options: str, project: Path = REPO) -> Path:
    """Build posters into out with the given options; the folder of the PDFs."""
    command = [sys.executable, "-m", "policygen", "build", "--project", str(project), "--out",
               str(out), "--format", "posters", "--today", TODAY, "--quiet", *options]
    subprocess.run(command, check=True)
    return out / "posters"


def thumbnail(pdf: Path, work: Path) -> Image.Image:
    """The poster's one page as a picture THUMB_WIDTH pixels wide."""
    stem = work / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(stem)],
                   check=True)
    page = Image.open(stem.with_suffix(".png")).convert("RGB")
    height = round(page.height * THUMB_WIDTH / page.width)
    return page.resize((THUMB_WIDTH, height), Image.Resampling.LANCZOS)


def rows(work: Path) -> list[tuple[str, list[Image.Image]]]:
    """(label, posters) for each row of the sheet."""
    found: list[tuple[str, list[Image.Image]]] = []
    base = work / "base"
    build(base, "--paper", "both")
    posters = sorted(base.glob("posters/*.pdf"))
    found.append(("Base guidance, A4", [thumbnail(p, work) for p in posters
                                         if not p.stem.endswith("-a3")]))
    found.append(("Base guidance, A3 (shown at the same width)",
                  [thumbnail(p, work) for p in posters if p.stem.endswith("-a3")]))
    shop = build(work / "shop", "--print-shop")
    found.append(("Base guidance for a print shop: 3 mm bleed, crop marks",
                  [thumbnail(p, work) for p in sorted(shop.glob("*.pdf"))]))
    online = with_site_url(work / "online")
    found.append((f"Base guidance published at {SITE_URL} (QR code on every poster)",
                  [thumbnail(p, work) for p in sorted(build(work / "online-out",
                                                            project=online).glob("*.pdf"))]))
    for variant in sorted(p.parent.name for p in (REPO / "variants").glob("*/variant.yaml")):
        folder = build(work / variant, "--variant", variant)
        found.append((f"Variant {variant}, A4",
                      [thumbnail(p, work) for p in sorted(folder.glob("*.pdf"))]))
    return found


def with_site_url(folder: Path) -> Path:
    """A copy of the project whose publication has a web address, as a published board's has."""
    shutil.copytree(REPO / "content", folder / "content")
    publication = folder / "content" / "publication.yaml"
    text = publication.read_text(encoding="utf-8")
    publication.write_text(f"site_url: {SITE_URL}\n" + text, encoding="utf-8")
    return folder


def sheet(found: list[tuple[str, list[Image.Image]]]) -> Image.Image:
    """The rows laid out one under another, each with its label."""
    columns = max(len(posters) for _, posters in found)
    width = GAP + columns * (THUMB_WIDTH + GAP)
    heights = [LABEL_HEIGHT + max(p.height for p in posters) + GAP for _, posters in found]
    picture = Image.new("RGB", (width, GAP + sum(heights)), "#d9d9d9")
    draw = ImageDraw.Draw(picture)
    font = ImageFont.load_default(size=22)
    top = GAP
    for (label, posters), height in zip(found, heights, strict=True):
        draw.text((GAP, top), label, fill="#1b1b1b", font=font)
        for column, poster in enumerate(posters):
            picture.paste(poster, (GAP + column * (THUMB_WIDTH + GAP), top + LABEL_HEIGHT))
        top += height
    return picture


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "posters-contact-sheet.png")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sheet(rows(Path(folder))).save(arguments.out, optimize=True)
    print(f"Wrote {arguments.out}")


if __name__ == "__main__":
    main()
