"""policygen: e-safety guidance from one structured source to a website, posters and variants."""

from policygen.build.pipeline import BuildReport, build, check
from policygen.build.plan import BuildOptions, CheckReport
from policygen.errors import ContentError, Location, PolicygenError, Problem

__all__ = ["BuildOptions", "BuildReport", "CheckReport", "ContentError", "Location",
           "PolicygenError", "Problem", "build", "check"]
