"""policygen: e-safety guidance from one structured source to a website, posters and variants."""

from .errors import ContentError, Location, PolicygenError, Problem
from .pipeline import BuildReport, build, check
from .plan import BuildOptions, CheckReport

__all__ = ["BuildOptions", "BuildReport", "CheckReport", "ContentError", "Location",
           "PolicygenError", "Problem", "build", "check"]
