"""The only way WeasyPrint may load a resource: files inside the project, and ``data:`` URIs.

A build must never touch the network (tracking pixels, remote fonts, a stylesheet pasted from a
CMS) and never read outside the project (``../../etc/passwd``). WeasyPrint 70 dropped
``default_url_fetcher``; a subclass of :class:`weasyprint.urls.URLFetcher` is the supported way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class ProjectFetcher(URLFetcher):
    """Serves project files and ``data:`` URIs; refuses, and remembers, everything else."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=False)
        self.roots = [root.resolve() for root in roots]
        self.refused: list[str] = []
        self.fetched: list[Path] = []  # every file asked for, served or not: what a PDF depends on

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            self.fetched.append(path)
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                return URLFetcherResponse(url, path.read_bytes(), self._headers_for(path))
            self.refused.append(f"{path} (outside the project or missing)")
            raise ValueError(f"refused to read {path}: not a file inside the project")
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url}: the build never uses the network")

    @staticmethod
    def _headers_for(path: Path) -> dict[str, str]:
        types = {".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png",
                 ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
                 ".webp": "image/webp", ".woff2": "font/woff2", ".woff": "font/woff",
                 ".ttf": "font/ttf", ".otf": "font/otf"}  # fmt: skip
        return {"Content-Type": types.get(path.suffix.lower(), "application/octet-stream")}
