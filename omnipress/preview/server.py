"""The preview server behind ``python build.py serve``: state, rebuilds, pages and HTTP.

The server shows two kinds of thing and nothing else: the files of ``output/`` exactly as
built (byte for byte, nothing injected), under ``/output/``, and the preview pages that put a
post's blog page, PDF one-pager and LinkedIn post side by side. Only the preview pages carry a
small script, which asks ``/__preview__/build`` for the build number and reloads the page when
a save has produced a new build (or a new error).

Watching is watchfiles' job (no hand-written watcher); serving is the standard library's
``ThreadingHTTPServer``, so every request is answered while a build runs in its own thread.
Builds go through :func:`omnipress.build.builder.build` with the project the preview keeps
loaded (:mod:`omnipress.preview.live_project`) and a warm WeasyPrint, so a failed build leaves
the last good ``output/`` in place, and the preview shows the error above it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import gc
import json
import mimetypes
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import jinja2

from omnipress.build.builder import BuildOptions, BuildReport, build
from omnipress.build.manifest import Manifest
from omnipress.build.workers import rendering
from omnipress.build.writer import BuildLocked
from omnipress.channels import RenderEnvironment, WarmRenderers, registered
from omnipress.check.checkcache import CheckCache, cache_path, checker_digest
from omnipress.content.model import Project
from omnipress.errors import ContentError, Problem, Severity, UsageError
from omnipress.preview.files import read_output
from omnipress.preview.live_project import LiveProject, Loaded, as_seen
from omnipress.preview.preview import (
    OUTPUT_PREFIX,
    CheckResults,
    ProblemView,
    index_page,
    post_page,
    problem_views,
    run_check_safely,
)

BUILD_ENDPOINT = "/__preview__/build"
STATIC_PREFIX = "/__preview__/"
STATIC_FILES = {"preview.css": "text/css; charset=utf-8"}
PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
OUTPUT_POLICY = "; ".join(
    (
        "default-src 'none'",  # so no script, frame, object, connection or worker
        "img-src 'self' data:",
        # the blog page sets its brand colours in a <style>; CSS can reach no other site
        # (img-src, font-src) and the content's own HTML has no <style> left (nh3)
        "style-src 'self' 'unsafe-inline'",
        "font-src 'self'",
        "frame-ancestors 'self'",  # the preview's own frames show the blog page and the PDF
        "base-uri 'none'",
        "form-action 'none'",
    )
)
"""Every file served from output/ carries this Content-Security-Policy: whatever an HTML page
or an SVG image opened on its own holds, it runs no script and loads nothing from elsewhere,
while the blog page still shows its stylesheet and images inside the preview's frame."""

LOCK_WAIT_SECONDS = 600.0
"""How long a save waits for another build (``python build.py`` in a terminal) to finish:
longer than a full build of a large site, short enough that a stuck one is reported."""
LOCK_POLL_SECONDS = 0.25

Log = Callable[[str], None]


def refused_by_lock(exc: BaseException) -> bool:
    """Whether the build never started because another one holds output/'s lock."""
    return isinstance(exc, BuildLocked)


# ---------------------------------------------------------------- state


SAVE_VERDICTS_IDLE = 1.0
"""Seconds without a save before the preview writes check's verdicts to disk."""


@dataclass(frozen=True)
class Snapshot:
    """What the preview shows after one build: the last good project and manifest, the
    problems of the latest build (empty when it succeeded), and `check`'s findings."""

    build_id: int = 0
    ok: bool = False
    project: Project | None = None
    manifest: Manifest | None = None
    checks: CheckResults = field(default_factory=lambda: CheckResults(False, {}))
    errors: tuple[ProblemView, ...] = ()
    warnings: tuple[ProblemView, ...] = ()
    summary: str = "not built yet"
    timings: Timings | None = None


@dataclass(frozen=True)
class Timings:
    """What one save cost, for the state endpoint (and the benchmark that reads it)."""

    files_read: int  # content files read again
    outputs_built: int
    build_seconds: float  # loading what changed, and the build
    check_seconds: float


def problems_of(exc: Exception, templates: Path) -> list[Problem]:
    """Any build failure as problems with a place, so the page can say what to fix."""
    if isinstance(exc, ContentError):
        return list(exc.problems)
    if isinstance(exc, UsageError):
        return [Problem(exc.message, hint=exc.hint)]
    if isinstance(exc, jinja2.TemplateSyntaxError):
        path = Path(exc.filename) if exc.filename else templates / str(exc.name)
        hint = "fix the template and save; the preview rebuilds by itself"
        return [Problem(f"template error: {exc.message}", path, exc.lineno, hint)]
    if isinstance(exc, jinja2.TemplateError):
        return [Problem(f"template error: {exc}", hint="fix the template and save")]
    return [
        Problem(
            f"unexpected error: {type(exc).__name__}: {exc}",
            hint="run `python build.py build --debug` to see the traceback",
        )
    ]


class Preview:
    """Builds, remembers the latest result, and renders the preview pages from it.

    Between saves it keeps the loaded project (:class:`~omnipress.live_project.LiveProject`:
    a save re-reads only the files it changed) and the last check. Saves are collected by
    :meth:`request` and built by one thread (:meth:`run_builds`): the saves that land while a
    build runs become one next build, never a queue of them, and the HTTP server, in its own
    threads, answers throughout."""

    def __init__(
        self,
        options: BuildOptions,
        log: Log | None = None,
        lock_wait: float = LOCK_WAIT_SECONDS,
        freeze: bool = False,
    ):
        self.options = options
        self.lock_wait = lock_wait
        self.waiting = False  # for another build's lock
        self.root = options.content.resolve().parent
        self.templates = options.templates.resolve()
        self.log = log or (lambda message: None)
        self.live = LiveProject(options.content)
        self.warm = WarmRenderers()
        # check's verdicts and the proofs of the files in output/, kept between saves: the
        # build reuses a file its status proves unchanged without reading it, and check
        # re-judges only the posts whose key changed
        self.verdicts: CheckCache | None = None
        self._frozen = not freeze  # see freeze_what_lasts: for the serve process only
        self.verdicts_unsaved = False  # written by save_verdicts, once saves pause
        # what each file in output/ reads back as, by (channel, sha256): a post re-checked
        # because one of its files changed reads its other files back from here
        self.facts_memo: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._snapshot = Snapshot()
        self.building = False
        self._requests = threading.Condition()
        self._pending: set[Path] | None = set()  # None: load everything
        self._requested = False
        self.jinja = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(options.templates), str(PACKAGE_TEMPLATES)]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            auto_reload=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    @property
    def snapshot(self) -> Snapshot:
        with self._lock:
            return self._snapshot

    @property
    def output(self) -> Path:
        return self.options.output.resolve()

    # -------------------------------------------------------------- saves and builds

    def request(self, changed: Iterable[Path] | None = None) -> None:
        """Ask for a build of these changed files (None: of everything); returns at once.
        Requests made before the build thread takes them are merged into one build."""
        with self._requests:
            if changed is None or self._pending is None:
                self._pending = None
            else:
                self._pending.update(Path(p) for p in changed)
            self._requested = True
            self._requests.notify_all()

    def take_request(self, timeout: float) -> tuple[bool, set[Path] | None]:
        """(whether a build was asked for, the files changed or None for all), waiting up to
        ``timeout`` seconds for one; what it returns is cleared, so later saves start anew."""
        with self._requests:
            if not self._requested:
                self._requests.wait(timeout)
            if not self._requested:
                return False, set()
            pending, self._pending, self._requested = self._pending, set(), False
            return True, pending

    @property
    def requested(self) -> bool:
        return self._requested

    def run_builds(self, stop: threading.Event, poll: float = 0.1) -> None:
        """Build each batch of requested saves in turn, until ``stop``; write the verdicts
        once no save has come for :data:`SAVE_VERDICTS_IDLE` seconds."""
        built_at = time.monotonic()
        while not stop.is_set():
            asked, changed = self.take_request(poll)
            if asked:
                self.rebuild(changed)
                built_at = time.monotonic()
                if not self.requested:
                    self.warm_up()
            elif time.monotonic() - built_at >= SAVE_VERDICTS_IDLE:
                self.save_verdicts()

    def save_verdicts(self) -> None:
        """Write check's verdicts to their file, so a `check` from the command line finds
        them: a tenth of a second at 500 posts, which no save should wait for."""
        if self.verdicts is not None and self.verdicts_unsaved:
            self.verdicts.save(cache_path(self.output))
            self.verdicts_unsaved = False

    def warm_up(self) -> None:
        """Between saves: start WeasyPrint, so the next save's one-pager renders at once."""
        project = self.snapshot.project
        if project is None:
            return
        env = RenderEnvironment(project, self.templates, warm=self.warm)
        for channel in registered():
            if channel.start is not None and channel.name not in self.warm.engines:
                with contextlib.suppress(Exception):  # the next build says what is wrong
                    env.engine(channel)

    def rebuild(self, changed: Iterable[Path] | None = None) -> Snapshot:
        """Build into output/, then run `check`; never raises. ``changed``: the files saved
        since the last build (only those are read again); None reads everything."""
        with self._build_lock:
            self.building = True
            try:
                with rendering():
                    snapshot = self._rebuild(None if changed is None else set(changed))
            finally:
                self.building = self.waiting = False
            with self._lock:
                self._snapshot = snapshot
            if snapshot.ok and not self._frozen:
                self.freeze_what_lasts()
            return snapshot

    def freeze_what_lasts(self) -> None:
        """Once, after the first good build: keep what was loaded so far (modules, the
        engines, the first project) out of every later garbage collection. At 500 posts the
        collector otherwise walks those objects on every save: a tenth of a second of each.
        Frozen once only, so nothing a later save leaves behind escapes collection; and only
        in the process ``serve`` runs for (``freeze=True``), never in a caller's."""
        gc.collect()
        gc.freeze()
        self._frozen = True

    def load(self, changed: set[Path] | None) -> Loaded:
        """The project with the saved files read again. A template is not content: a save
        of one reads no content file (the build re-renders what loaded it)."""
        if changed is None:
            loaded = self.live.update(None)
        else:
            templates = {p for p in changed if as_seen(p).is_relative_to(self.templates)}
            loaded = self.live.update(changed - templates)
            if templates:
                self.warm = WarmRenderers()  # the one-pager's stylesheet may be among them
        if loaded.full:  # images, site.yaml: what the engine read may have changed
            self.warm = WarmRenderers()
        return loaded

    def _rebuild(self, changed: set[Path] | None) -> Snapshot:
        previous = self.snapshot
        build_id = previous.build_id + 1
        started = time.strftime("%H:%M:%S")
        clock = time.perf_counter()
        try:
            loaded = self.load(changed)
            report = self.build_when_free(loaded.project)
        except Exception as exc:
            problems = problems_of(exc, self.options.templates)
            errors = [p for p in problems if p.severity is Severity.ERROR]
            shown = problem_views(errors, self.root)
            self.log(f"{started} build failed: {len(errors)} error(s); showing the last good build")
            for problem in shown:
                self.log(f"  {problem.where + ': ' if problem.where else ''}{problem.message}")
                if problem.hint:
                    self.log(f"    hint: {problem.hint}")
            return Snapshot(
                build_id,
                False,
                previous.project,
                previous.manifest,
                previous.checks,
                shown,
                problem_views([p for p in problems if p not in errors], self.root),
                f"showing the last good build (failed at {started})",
            )
        built = time.perf_counter()
        remember_facts(self.facts_memo, report)
        checks = run_check_safely(
            self.output,
            self.options.content,
            self.options.templates,
            project=loaded.project,
            jobs=self.options.jobs,
            cache=self.verdicts,
            known=report.facts,  # judged from what the build held, not read back
            facts_memo=self.facts_memo,
        )
        self.verdicts_unsaved = True
        report.facts = {}
        checked = time.perf_counter()
        summary = (
            f"built {len(report.built)}, reused {len(report.reused)} outputs "
            f"in {report.seconds:.1f} s at {started}"
        )
        self.log(f"{started} {summary.rsplit(' at ', 1)[0]}")
        warnings = [*loaded.warnings, *report.warnings.warnings]
        return Snapshot(
            build_id,
            True,
            loaded.project,
            report.manifest,
            checks,
            (),
            problem_views(warnings, self.root),
            summary,
            Timings(len(loaded.reread), len(report.built), built - clock, checked - built),
        )

    def build_when_free(self, project: Project) -> BuildReport:
        """Build; while another build holds output/'s lock, wait for it and build then.

        A refused build changed nothing, and the save that asked for it will not come again:
        shown as a failure, the preview would stay failed, with content that is fine, until
        the next save. So it waits (bounded) and builds as soon as the lock is free."""
        deadline = time.monotonic() + self.lock_wait
        if self.verdicts is None:
            self.verdicts = CheckCache.load(cache_path(self.output), checker_digest())
        # each output's facts, for the check that follows: it then reads back only what
        # the build reused, and only for a post whose key changed; a save that changes a few
        # outputs moves them into output/ rather than staging a whole new tree
        options = dataclasses.replace(self.options, keep_facts=True, in_place=True)
        while True:
            try:
                return build(options, project=project, warm=self.warm,
                             delete_in_background=True, proofs=self.verdicts)  # fmt: skip
            except ContentError as exc:
                if not refused_by_lock(exc) or time.monotonic() >= deadline:
                    raise
            if not self.waiting:
                self.waiting = True
                self.log(
                    f"{time.strftime('%H:%M:%S')} another build is writing {self.output}: "
                    "building again as soon as it finishes"
                )
            time.sleep(LOCK_POLL_SECONDS)

    # -------------------------------------------------------------- watching

    def watch(self, stop: threading.Event, debounce_ms: int = 300) -> None:
        """Rebuild whenever something under content/ or templates/ changes, until ``stop``.

        Watching and building run in separate threads, so the saves made during a build are
        collected meanwhile and built together as soon as it ends."""
        import watchfiles

        output = self.output
        paths = [p for p in (self.options.content, self.options.templates) if p.is_dir()]

        class SourcesOnly(watchfiles.DefaultFilter):
            def __call__(self, change: Any, path: str) -> bool:
                return bool(super().__call__(change, path)) and not Path(path).is_relative_to(
                    output
                )

        builder = threading.Thread(target=self.run_builds, args=(stop,), name="build", daemon=True)
        builder.start()
        try:
            for changes in watchfiles.watch(
                *paths,
                watch_filter=SourcesOnly(),
                stop_event=stop,
                debounce=debounce_ms,
                step=50,
                raise_interrupt=False,
            ):
                self.request(Path(path) for _, path in changes)
        finally:
            stop.set()
            builder.join()

    # -------------------------------------------------------------- pages

    def page(self, template: str, **context: Any) -> bytes:
        snapshot = self.snapshot
        html = self.jinja.get_template(template).render(
            build_id=snapshot.build_id,
            build_ok=snapshot.ok,
            build_summary=snapshot.summary,
            errors=snapshot.errors,
            warnings=snapshot.warnings,
            build_endpoint=BUILD_ENDPOINT,
            static=STATIC_PREFIX,
            output_prefix=OUTPUT_PREFIX,
            site_name=snapshot.project.site.name if snapshot.project else "omnipress",
            **context,
        )
        return html.encode("utf-8")

    def index_html(self) -> bytes:
        s = self.snapshot
        index = (
            index_page(s.project, s.manifest, s.checks, s.build_id)
            if s.project and s.manifest
            else None
        )
        return self.page("preview/index.html", index=index)

    def post_html(self, slug: str, campaign: str | None) -> bytes | None:
        s = self.snapshot
        if s.project is None or s.manifest is None:
            return self.page("preview/index.html", index=None)
        view = post_page(s.project, s.manifest, s.checks, self.output, slug, campaign, s.build_id)
        if view is None:
            return None
        return self.page("preview/post.html", view=view)

    def not_found_html(self, path: str) -> bytes:
        return self.page("preview/not_found.html", path=path)

    def state_json(self) -> bytes:
        s = self.snapshot
        state = {
            "id": s.build_id,
            "ok": s.ok,
            "building": self.building or self.requested,
            "waiting": self.waiting,
            "summary": s.summary,
            "timings": dataclasses.asdict(s.timings) if s.timings else None,
        }
        return json.dumps(state).encode("utf-8")


# ---------------------------------------------------------------- HTTP


def content_type(path: Path) -> str:
    if path.suffix in {".txt", ".html", ".css", ".json", ".svg"}:
        kind = mimetypes.guess_type(path.name)[0] or "text/plain"
        return f"{kind}; charset=utf-8"
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


HANGUPS = (ConnectionError, TimeoutError)
"""A client gone: BrokenPipeError, ConnectionResetError, ConnectionAbortedError, a timeout."""


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], preview: Preview, debug: bool = False):
        self.preview = preview
        self.debug = debug
        super().__init__(address, PreviewHandler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that hangs up mid-answer (a reload, a closed tab, a poll that timed out)
        is no error: only a real failure is printed, as the standard library does."""
        if isinstance(sys.exc_info()[1], HANGUPS):
            return
        super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        host, port = str(self.server_address[0]), self.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.debug:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self.respond(send_body=True)

    def do_HEAD(self) -> None:
        self.respond(send_body=False)

    def host_allowed(self) -> bool:
        """On a loopback address, answer only requests addressed to this machine by name,
        so a web page elsewhere cannot read the preview through DNS rebinding."""
        bound = str(self.server.server_address[0])
        try:
            loopback = ip_address(bound).is_loopback
        except ValueError:
            loopback = bound == "localhost"
        if not loopback:
            return True
        host = (self.headers.get("Host") or "").strip()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.strip("[]") in LOOPBACK_NAMES

    def respond(self, send_body: bool) -> None:
        preview = self.server.preview
        if not self.host_allowed():
            self.send(HTTPStatus.BAD_REQUEST, b"unknown host\n", "text/plain", send_body)
            return
        parts = urlsplit(self.path)
        path = parts.path
        query = parse_qs(parts.query)
        if path == "/":
            self.send(HTTPStatus.OK, preview.index_html(), "text/html; charset=utf-8", send_body)
        elif path == BUILD_ENDPOINT:
            self.send(HTTPStatus.OK, preview.state_json(), "application/json", send_body)
        elif path.startswith("/post/"):
            slug = unquote(path.removeprefix("/post/")).strip("/")
            campaign = query["campaign"][0] if query.get("campaign") else None
            page = preview.post_html(slug, campaign)
            self.send_page(page, path, send_body)
        elif path.startswith(STATIC_PREFIX) and path[len(STATIC_PREFIX) :] in STATIC_FILES:
            name = path[len(STATIC_PREFIX) :]
            template = preview.jinja.get_template(f"preview/{name}")
            data = template.render().encode("utf-8")
            self.send(HTTPStatus.OK, data, STATIC_FILES[name], send_body)
        elif path == OUTPUT_PREFIX.rstrip("/"):
            self.redirect(OUTPUT_PREFIX)
        elif path.startswith(OUTPUT_PREFIX):
            self.send_output(path.removeprefix(OUTPUT_PREFIX), send_body)
        else:
            self.send_page(None, path, send_body)

    def send_page(self, page: bytes | None, path: str, send_body: bool) -> None:
        if page is None:
            data = self.server.preview.not_found_html(path)
            self.send(HTTPStatus.NOT_FOUND, data, "text/html; charset=utf-8", send_body)
        else:
            self.send(HTTPStatus.OK, page, "text/html; charset=utf-8", send_body)

    def send_output(self, relative: str, send_body: bool) -> None:
        """A built file, byte for byte, under :data:`OUTPUT_POLICY` whatever its type."""
        found = read_output(self.server.preview.output, relative)
        if found is None:
            self.send_page(None, OUTPUT_PREFIX + relative, send_body)
            return
        file, data = found
        extra = {"Content-Security-Policy": OUTPUT_POLICY}
        self.send(HTTPStatus.OK, data, content_type(file), send_body, extra)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send(
        self,
        status: HTTPStatus,
        data: bytes,
        kind: str,
        send_body: bool,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(data)


def start_server(preview: Preview, host: str, port: int, debug: bool = False) -> PreviewServer:
    try:
        return PreviewServer((host, port), preview, debug)
    except OSError as exc:
        in_use = exc.errno == errno.EADDRINUSE
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}",
            "another program (or another preview) uses that port; try --port 8001"
            if in_use
            else "--host must be an IPv4 address of this computer, e.g. 127.0.0.1 or 0.0.0.0",
        ) from None


def remember_facts(memo: dict[tuple[str, str], Any], report: BuildReport) -> None:
    """Keep the facts of what the build rendered, and only of files now in output/: the
    memo holds one entry per file at most, whatever the number of saves."""
    if report.manifest is None:
        return
    current = {(r.channel, r.sha256): r.path for r in report.manifest.outputs}
    for key in [k for k in memo if k not in current]:
        del memo[key]
    for key, path in current.items():
        if path in report.facts:
            memo[key] = report.facts[path]
