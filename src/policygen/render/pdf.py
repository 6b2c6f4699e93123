"""PDF rendering with WeasyPrint: offline, one page per poster, reproducible, cached, parallel.

WeasyPrint is imported only inside the functions that render, so that `check` and a site-only
build never pay for it.
"""

from __future__ import annotations

import ctypes
import hashlib
import heapq
import logging
import os
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from policygen.render.fitting import Step, Trial, choose_step
from policygen.render.printing import PrintJob, first_step
from policygen.render.workers import forked_pool, prepare_worker
from policygen.variants import svgsafe

log = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"         # tagged, so screen readers can read it
PRINT_SHOP_VARIANT = "pdf/x-4"   # what professional printers ask for
# The colours are the CSS's sRGB, so the print shop's file is characterised as sRGB (PDF/X-4
# allows an RGB output intent: the printer's RIP converts to its own CMYK from it). WeasyPrint
# embeds the profile as an OutputIntent /GTS_PDFX and draws with it (not bare DeviceRGB).
PRINT_SHOP_INTENT = "srgb"
BLEED_PT = 3 * 72 / 25.4  # what the PDF's BleedBox says: the CSS bleed is wider (print-shop.css)
_CACHE_VERSION = "3"  # 3: print-shop PDFs with an output intent and a 3 mm BleedBox
MM_PER_PX = 25.4 / 96  # WeasyPrint measures in CSS px


@dataclass(frozen=True, slots=True)
class RenderedPdf:
    """A rendered job: the PDF bytes, or why it could not be made, and what WeasyPrint said."""

    path: str
    key: str
    data: bytes = b""
    source: str = ""  # the file an editor should look at when it fails
    error: str = ""
    warnings: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()  # addresses the fetcher would not serve
    size: int = 0  # the PDF's size, kept when its bytes have gone to disk
    step: Step | None = None  # a poster's chosen text size
    layouts: int = 0  # how many times WeasyPrint laid it out (a poster's size is searched)
    reused: bool = False


@dataclass(frozen=True, slots=True)
class PdfCache:
    """PDFs of the previous build, by output path: (input key, file). Read only when reused."""

    entries: Mapping[str, tuple[str, Path | bytes]] = field(default_factory=dict)
    warnings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # as first said
    digests: Mapping[str, str] | None = None  # what a file on disk must hash to, to be used

    def get(self, path: str, key: str) -> RenderedPdf | None:
        found = self.entries.get(path)
        if not found or found[0] != key:
            return None
        stored = found[1]
        data = stored if isinstance(stored, bytes) else stored.read_bytes()
        if self.digests is not None and \
                self.digests.get(path) != hashlib.sha256(data).hexdigest():
            return None
        return RenderedPdf(path, key, data, warnings=self.warnings.get(path, ()), reused=True)


def job_key(job: PrintJob) -> str:
    """Everything a PDF depends on: its HTML (content, templates, options) and the tools."""
    digest = hashlib.sha256()
    steps = [f"{step.size_pt}/{step.notes}" for step in job.steps]
    for part in (_CACHE_VERSION, _weasyprint_version(), str(job.print_shop), job.stylesheet,
                 job.html, *steps):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _weasyprint_version() -> str:
    from importlib.metadata import version
    return version("weasyprint")


# Told (PDFs done, PDFs to do) as rendering goes, for progress on a terminal.
ProgressReporter = Callable[[int, int], None]
# A job not made yet: its HTML is rendered only when the renderer is ready for it, so that a
# build of a hundred variants never holds every PDF's HTML at once.
JobMaker = Callable[[], PrintJob]
# How many jobs wait, made, for a worker: enough to hold the next edition's handbook, so that
# the longest jobs start first and no core is left with a handbook at the end of the build.
LOOKAHEAD = 16


def render_all(jobs: list[PrintJob], allowed_roots: tuple[Path, ...], cache: PdfCache,
               workers: int | None = None) -> list[RenderedPdf]:
    """Render every job not already in the cache, across the machine's cores, in their order."""
    makers = [partial(_already_made, job) for job in jobs]
    with PdfRenderer(workers) as renderer:
        done = {pdf.path: pdf for pdf in renderer.stream(makers, allowed_roots, cache)}
    return [done[job.path] for job in jobs]


def _already_made(job: PrintJob) -> PrintJob:
    return job


class PdfRenderer:
    """Worker processes kept for a whole build, each importing WeasyPrint once.

    Call start() before the build reads anything: the workers are forked then, while the build
    holds little, because a worker forked later would carry a copy of everything the build had
    read (and count it in its memory). A fork server would avoid that too, but costs two more
    processes.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> PdfRenderer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def start(self) -> PdfRenderer:
        """Fork the workers now (they import WeasyPrint only when given a job)."""
        if self.workers > 1 and self._pool is None:
            self._pool = forked_pool(self.workers)
            self._pool.submit(prepare_worker)  # the first job forks every worker at once
        return self

    def close(self) -> None:
        """Let the workers go: the rest of the build needs their memory more."""
        if self._pool:
            self._pool.shutdown(cancel_futures=True)  # after an error, nothing more to render
            self._pool = None

    def stream(self, makers: Iterable[JobMaker], allowed_roots: tuple[Path, ...],
               cache: PdfCache, progress: ProgressReporter | None = None
               ) -> Iterator[RenderedPdf]:
        """Each job's PDF as soon as it is ready (from the cache, or rendered), in no set order."""
        roots = tuple(str(root.resolve()) for root in allowed_roots)
        makers = list(makers)
        results = self._results(makers, roots, cache)
        for count, pdf in enumerate(results, start=1):
            if progress:
                progress(count, len(makers))
            yield pdf

    def _results(self, makers: list[JobMaker], roots: tuple[str, ...],
                 cache: PdfCache) -> Iterator[RenderedPdf]:
        waiting: list[_Waiting] = []  # a heap, longest HTML first
        running: set[Future[RenderedPdf]] = set()
        for number, make in enumerate(makers):
            job = make()
            key = job_key(job)
            reused = cache.get(job.path, key)
            if reused is not None:
                yield replace(reused, source=job.source)
            elif self.workers <= 1:
                yield render_job(job, key, roots)
            else:
                heapq.heappush(waiting, _Waiting(-len(job.html), number, job, key))
                if len(waiting) >= LOOKAHEAD:
                    yield from self._advance(waiting, running, roots)
        while waiting or running:
            yield from self._advance(waiting, running, roots)

    def _advance(self, waiting: list[_Waiting], running: set[Future[RenderedPdf]],
                 roots: tuple[str, ...]) -> Iterator[RenderedPdf]:
        """Keep every worker busy, with one job queued behind them; then wait for one to end."""
        while waiting and len(running) <= self.workers:
            item = heapq.heappop(waiting)
            running.add(self._started().submit(render_job, item.job, item.key, roots))
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        running -= finished
        yield from (future.result() for future in finished)

    def _started(self) -> ProcessPoolExecutor:
        self.start()
        assert self._pool is not None
        return self._pool


@dataclass(order=True, slots=True)
class _Waiting:
    """A job made and waiting for a worker; the heap orders by (minus) length, then number."""

    minus_length: int
    number: int
    job: PrintJob = field(compare=False)
    key: str = field(compare=False)


def render_job(job: PrintJob, key: str, roots: tuple[str, ...]) -> RenderedPdf:
    """Render one job; a poster at the largest text size that fits one page (see fitting.py)."""
    with _captured_warnings() as warnings:
        fetcher = _project_fetcher(roots)
        stylesheet = _parsed(job.stylesheet, fetcher, warnings)
        if not job.one_page:
            document = _layout(job.html, stylesheet, fetcher, job.print_shop)
            return _finish(job, key, document, warnings, None, fetcher, 1)
        fit = choose_step(job.steps, first_step(job.paper),
                          lambda step: _trial(job.html_at(step), stylesheet, fetcher,
                                             job.print_shop))
        if fit.step is None:
            return RenderedPdf(job.path, key, source=job.source,
                               error=_overflow_message(job, fit.trial), layouts=fit.layouts)
        return _finish(job, key, fit.trial.document, warnings, fit.step, fetcher, fit.layouts)


def _trial(html: str, stylesheet: Any, fetcher: Any, print_shop: bool) -> Trial:
    """Lay a poster out and measure it: does it fit one page, how tall is its text?"""
    document = _layout(html, stylesheet, fetcher, print_shop)
    pages = [page._page_box for page in document.pages]  # WeasyPrint's own boxes (see below)
    height = sum(_text_height(page, last=index == len(pages) - 1)
                 for index, page in enumerate(pages))
    return Trial(len(pages) == 1, height, float(pages[0].height), document)


def _text_height(page: Any, last: bool) -> float:
    """How tall the text is on one page, in CSS px.

    WeasyPrint has no public measure of a laid-out box, so this reads its page box tree (the
    same in every release since 53). On a page that text runs on from, the <html> box stretches
    to the foot of the page: there the bottom of its last child counts, so that the room left
    by a band pushed over to the next page is not counted as text.
    """
    root = page.children[0]  # the <html> box
    if last:
        return float(root.margin_height())
    bottoms = [child.position_y + child.margin_height()
               for body in root.children for child in body.children]
    return float(max(bottoms, default=root.position_y) - root.position_y)


def _overflow_message(job: PrintJob, smallest: Trial) -> str:
    overflow_mm = (smallest.height - smallest.room) * MM_PER_PX
    return (f"the poster '{job.title}' ({job.path}) does not fit on one page even at the "
            f"smallest readable size ({job.steps[-1].size_pt:g} pt): it is about "
            f"{max(overflow_mm, 1):.0f} mm too long for {job.paper.name}. {job.fit_advice}")


def _layout(html: str, stylesheet: Any, fetcher: Any, print_shop: bool) -> Any:
    from weasyprint import HTML
    intent = {"output_intent": PRINT_SHOP_INTENT} if print_shop else {}
    return HTML(string=html, base_url=fetcher.base_url, url_fetcher=fetcher).render(
        font_config=_font_config(), stylesheets=[stylesheet] if stylesheet else None, **intent)


# Stylesheets this worker parsed lately: (the parsed sheet, what WeasyPrint said of it), the
# most recently used last. A poster's sheet is the same for every variant (one per paper), so
# it stays; a handbook's names its organisation, so it is used once and soon dropped (keeping
# every one cost each worker 20 MB over a hundred variants).
_PARSED: OrderedDict[str, tuple[Any, tuple[str, ...]]] = OrderedDict()
_PARSED_KEPT = 4


def _parsed(stylesheet: str, fetcher: Any, warnings: list[str]) -> Any:
    """A job's stylesheet, parsed once per worker while it is in use.

    What WeasyPrint says while parsing (a property it ignores) is said again for every job
    that uses the sheet, as if each had parsed it. A sheet that asks for other files is parsed
    anew each time, so that what it fetches goes through this job's fetcher.
    """
    if not stylesheet:
        return None
    if stylesheet in _PARSED:
        _PARSED.move_to_end(stylesheet)
        parsed, said = _PARSED[stylesheet]
        warnings.extend(said)
        return parsed
    from weasyprint import CSS
    before = len(warnings)
    parsed = CSS(string=stylesheet, base_url=fetcher.base_url, url_fetcher=fetcher,
                 font_config=_font_config())
    if "url(" not in stylesheet and "@import" not in stylesheet:
        _PARSED[stylesheet] = (parsed, tuple(warnings[before:]))
        if len(_PARSED) > _PARSED_KEPT:
            _PARSED.popitem(last=False)
    return parsed


def _give_back_memory() -> None:
    """Hand the memory of the document just written back to the system (glibc keeps freed
    memory otherwise, and a worker's size would creep up with every handbook)."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


_FONTS: list[Any] = []


def _font_config() -> Any:
    """One font configuration per process: a new one per document leaks memory (fontconfig),
    and a worker renders hundreds of documents."""
    if not _FONTS:
        from weasyprint.text.fonts import FontConfiguration
        _FONTS.append(FontConfiguration())
    return _FONTS[0]


@contextmanager
def _document_id_from(key: str) -> Iterator[None]:
    """Make WeasyPrint's PDF/X metadata id from the job's key instead of at random.

    WeasyPrint 70 writes `xmpMM:DocumentID` as a fresh uuid4 into every PDF/X-4 file, so two
    print-shop builds of the same input would differ; the same input must give the same bytes.
    """
    from weasyprint.pdf import metadata
    random_id = getattr(metadata, "uuid4", None)
    if random_id is None:  # a WeasyPrint that no longer does this
        yield
        return
    metadata.uuid4 = lambda: uuid.UUID(hex=key[:32])
    try:
        yield
    finally:
        metadata.uuid4 = random_id


def _finish(job: PrintJob, key: str, document: Any, warnings: list[str], step: Step | None,
            fetcher: Any, layouts: int) -> RenderedPdf:
    variant = PRINT_SHOP_VARIANT if job.print_shop else PDF_VARIANT
    shop: dict[str, Any] = {}
    if job.print_shop:
        shop = {"output_intent": PRINT_SHOP_INTENT, "finisher": _for_the_print_shop}
    with _document_id_from(key):
        data = document.write_pdf(pdf_variant=variant, pdf_tags=not job.print_shop,
                                  pdf_identifier=key[:32].encode("ascii"), **shop)
    _give_back_memory()
    # WeasyPrint also logs each refusal; those lines say nothing the refusal does not.
    said = tuple(w for w in warnings if "refused:" not in w)
    return RenderedPdf(job.path, key, data, job.source, warnings=said,
                       refused=tuple(dict.fromkeys(fetcher.refused)),  # once, not per trial
                       step=step, layouts=layouts)


def _for_the_print_shop(document: Any, pdf: Any) -> None:
    """What WeasyPrint's PDF/X-4 leaves for us to set, on its PDF objects before they are written.

    The BleedBox is set 3 mm outside the TrimBox: the CSS bleed is wider, so that the crop marks
    (drawn in its outer half) fall outside the bleed a printer trims to, and WeasyPrint would
    put the BleedBox wherever the CSS bleed ends (at most 10 pt out). Links are taken off: a
    printed sheet cannot follow them, and PDF/X allows no annotation but printer's marks on
    the printed area.
    """
    import pydyf
    for page in (item for item in pdf.objects if isinstance(item, pydyf.Dictionary)
                 and item.get("Type") == "/Page"):
        left, top, right, bottom = page["TrimBox"]
        page["BleedBox"] = pydyf.Array([left - BLEED_PT, top - BLEED_PT,
                                        right + BLEED_PT, bottom + BLEED_PT])
        page.pop("Annots", None)


def _project_fetcher(roots: tuple[str, ...]) -> Any:
    """A URL fetcher that serves files under the project's own folders and nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):  # type: ignore[misc]
        refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = os.path.realpath(unquote(parts.path))
                if any(path == root or path.startswith(root + os.sep) for root in roots):
                    return self._checked(url, path, headers)
            self.refused.append(url)
            raise ValueError(f"refused: {url}")

        def _checked(self, url: str, path: str, headers: Any) -> Any:
            # A logo's SVG is drawn from its checked parts only, as the site publishes it.
            if not path.lower().endswith(".svg"):
                return super().fetch(url, headers)
            try:
                with open(path, "rb") as file:
                    data = svgsafe.clean_svg(file.read())
            except svgsafe.UnsafeSvg:
                self.refused.append(url)
                raise ValueError(f"refused: {url}") from None
            return URLFetcherResponse(url, data, {"Content-Type": "image/svg+xml"})

    fetcher = ProjectFetcher(allowed_protocols=("file",), allow_redirects=False)
    fetcher.refused = []
    # Relative addresses (a variant's logo) are read from the project folder, so that the HTML
    # (and the cache key made from it) does not depend on where the project lies.
    fetcher.base_url = Path(os.path.commonpath(roots)).as_uri() + "/" if roots else "about:"
    return fetcher


class _captured_warnings:
    """Collects what WeasyPrint logs as warnings: they become build warnings."""

    def __enter__(self) -> list[str]:
        self.messages: list[str] = []
        self.handler = _ListHandler(self.messages)
        logging.getLogger("weasyprint").addHandler(self.handler)
        return self.messages

    def __exit__(self, *_: object) -> None:
        logging.getLogger("weasyprint").removeHandler(self.handler)


class _ListHandler(logging.Handler):
    def __init__(self, messages: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
