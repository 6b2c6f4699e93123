"""The PDF floor: bare WeasyPrint rendering the HTML policygen rendered, across every core.

    python bench/floor.py DUMP_DIR [--workers N]

DUMP_DIR is what `stages.py --dump` wrote: each PDF's final HTML (a poster's at the text size
policygen chose) and a manifest. Prints JSON: the seconds from `import weasyprint` to the last
PDF in memory, and the PDFs made, each laid out once. The floor writes the same kind of PDF
as policygen (tagged PDF/UA, or PDF/X-4 for a print shop), because that work is the product,
not overhead. It takes nothing else from
policygen: no fitting, no cache, no URL fetcher.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from multiprocessing import Pool
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dump", type=Path)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    manifest = json.loads((args.dump / "manifest.json").read_text(encoding="utf-8"))
    jobs = [(entry, (args.dump / entry["file"]).read_text(encoding="utf-8"))
            for entry in manifest]
    # Longest first, as policygen orders its jobs, so no core is left with a handbook at the end.
    jobs.sort(key=lambda job: -len(job[1]))
    started = time.perf_counter()
    import weasyprint  # noqa: F401  (before the fork: every worker shares the import)
    imported = time.perf_counter() - started
    with Pool(args.workers) as pool:
        results = list(pool.imap_unordered(render, jobs, chunksize=1))
    seconds = time.perf_counter() - started
    json.dump({"seconds": seconds, "import_seconds": imported, "pdfs": len(results),
               "layouts": len(results), "bytes": sum(len(data) for data in results),
               "workers": args.workers}, sys.stdout)


def render(job: tuple[dict[str, Any], str]) -> bytes:
    """One PDF's bytes, from one layout.

    The bytes go back to the parent, as policygen's workers send theirs, so that the cost of
    carrying them between processes is on both sides.
    """
    from weasyprint import HTML

    entry, html = job
    document = HTML(string=html).render()
    variant = "pdf/x-4" if entry["print_shop"] else "pdf/ua-1"
    return document.write_pdf(pdf_variant=variant, pdf_tags=not entry["print_shop"])


if __name__ == "__main__":
    main()
