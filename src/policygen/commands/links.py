"""`policygen links`: ask every web address in the content and the variants whether it still
answers, so that dead addresses are found before readers find them.

This is the one command that goes out to the network, and only when someone runs it: the
build never does. Each address is asked once (however many times it is written), a few at a
time, with a plain HEAD request, and a GET when a server refuses HEAD. What a reader would
meet decides the verdict:

- broken (an error): the page is missing (404, 410), the server fails (5xx), the name is not
  known, the connection is refused, the certificate is not valid, or nothing answers in time;
- moved (a warning): the address redirects for good (301, 308) to another: write the new one;
- refused (a warning): the site answers but not to a program (401, 403, 429), which many do:
  open it in a browser to be sure;
- placeholder (a warning): an address kept for examples (example.org), never a real site.
"""

from __future__ import annotations

import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPMessage
from typing import IO, Any
from urllib.parse import urlsplit

from policygen.errors import Problem, Severity
from policygen.source.addresses import Address

USER_AGENT = "policygen-links/1 (checks the addresses in a safeguarding guidance site)"
_REFUSED = (401, 403, 429)
_HEAD_REFUSED = (403, 405, 501)  # servers that answer GET but not HEAD say one of these
_PERMANENT = (301, 308)
NOT_KNOWN = "is not known"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What asking one address found: nothing wrong (""), or what is wrong and how badly."""

    message: str = ""
    severity: Severity = Severity.ERROR


OK = Verdict()


@dataclass(frozen=True, slots=True)
class LinkReport:
    """Every place an address is wrong, and the distinct addresses by verdict."""

    problems: tuple[Problem, ...]
    asked: int  # distinct addresses asked (placeholders are not)
    broken: frozenset[str]
    flagged: frozenset[str]  # moved, refused or placeholders: to look at
    unknown_names: int  # broken because the name was not found

    @property
    def offline(self) -> bool:
        """Every address asked failed to be found by name: the computer is most likely not on
        the internet (or its name service is down), not the whole content dead."""
        return self.asked > 0 and self.unknown_names == self.asked


def check_addresses(addresses: Sequence[Address], timeout: float, jobs: int) -> LinkReport:
    """A problem at every place an address is written that does not answer as it should."""
    urls = list(dict.fromkeys(a.url for a in addresses if not a.is_placeholder))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        verdicts = dict(zip(urls, pool.map(lambda u: ask(u, timeout), urls), strict=True))
    problems = []
    for address in addresses:
        verdict = placeholder(address) if address.is_placeholder else verdicts[address.url]
        if verdict.message:
            problems.append(Problem(address.location, verdict.message, verdict.severity,
                                    address.source_line))
    broken = frozenset(u for u, v in verdicts.items() if v.severity is Severity.ERROR
                       and v.message)
    flagged = frozenset(a.url for a in addresses if a.is_placeholder) | frozenset(
        u for u, v in verdicts.items() if v.severity is Severity.WARNING)
    return LinkReport(tuple(problems), len(urls), broken, flagged,
                      sum(NOT_KNOWN in verdicts[u].message for u in broken))


def placeholder(address: Address) -> Verdict:
    return Verdict(f"{address.url} is a placeholder: '{address.host}' is kept for examples and "
                   "is never a real site; write the real address before publishing",
                   Severity.WARNING)


def ask(url: str, timeout: float) -> Verdict:
    """The verdict on one address: HEAD, and GET when the server will not answer HEAD."""
    verdict, status = _request(url, "HEAD", timeout)
    if status in _HEAD_REFUSED:
        verdict, _ = _request(url, "GET", timeout)
    return verdict


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects as a browser does, remembering whether the first was for good."""

    def __init__(self) -> None:
        self.first: tuple[int, str] | None = None

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: HTTPMessage, newurl: str) -> urllib.request.Request | None:
        if self.first is None:
            self.first = (code, newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _request(url: str, method: str, timeout: float) -> tuple[Verdict, int]:
    redirects = _Redirects()
    opener = urllib.request.build_opener(redirects)
    request = urllib.request.Request(url, method=method, headers={
        "User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"})
    try:
        with opener.open(request, timeout=timeout) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        return _status_verdict(url, error.code), error.code
    except (urllib.error.URLError, OSError, ValueError) as error:
        return Verdict(f"{url} could not be reached: {_reason(url, error, timeout)}"), 0
    if redirects.first and redirects.first[0] in _PERMANENT:
        return Verdict(f"{url} has moved to {redirects.first[1]} for good "
                       f"({redirects.first[0]}): write the new address", Severity.WARNING), status
    return OK, status


def _status_verdict(url: str, status: int) -> Verdict:
    if status in _REFUSED:
        return Verdict(f"{url} answered {status}: the site refuses programs like this one; "
                       "open it in a browser to check it", Severity.WARNING)
    if status in (404, 410):
        return Verdict(f"{url} is not there ({status}): the page has gone or moved; find "
                       "where it is now, or take the link out")
    if status >= 500:
        return Verdict(f"{url} failed on the site's side ({status}); try again later, and if "
                       "it stays broken, find another address")
    return Verdict(f"{url} answered {status} instead of the page")


def _reason(url: str, error: Exception, timeout: float) -> str:
    """Why an address could not be reached, in a reader's words."""
    cause: Any = getattr(error, "reason", error)
    host = urlsplit(url).hostname or url
    if isinstance(cause, socket.gaierror):
        return f"the name '{host}' {NOT_KNOWN} (mistyped, or the site has closed)"
    if isinstance(cause, ConnectionRefusedError):
        return f"'{host}' refused the connection"
    if isinstance(cause, (TimeoutError, socket.timeout)):
        return f"nothing answered within {timeout:g} s"
    if isinstance(cause, ssl.SSLCertVerificationError):
        return f"its security certificate is not valid ({cause.verify_message})"
    if isinstance(cause, ssl.SSLError):
        return f"a secure connection could not be made ({cause.reason})"
    return str(cause) or type(cause).__name__
