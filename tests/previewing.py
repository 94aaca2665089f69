"""Running the preview server inside a test: on a free loopback port, in threads, with
bounded waits. Shared by the preview tests and the real-browser tests."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from omnipress.build.builder import BuildOptions
from omnipress.preview.server import Preview, PreviewServer, start_server
from tests.conftest import CONTENT, TEMPLATES

WAIT_SECONDS = 60.0


@dataclass
class LivePreview:
    preview: Preview
    server: PreviewServer

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def get(self, path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) of a GET with the path sent exactly as written."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.getheader("Content-Type", ""), response.read()
        finally:
            connection.close()

    def text(self, path: str) -> str:
        status, _, body = self.get(path)
        assert status == 200, f"GET {path} answered {status}"
        return body.decode("utf-8")

    def state(self) -> dict[str, object]:
        with urllib.request.urlopen(self.url + "__preview__/build", timeout=10) as response:
            state: dict[str, object] = json.load(response)
            return state

    def wait_for_build_after(self, build_id: int, nudge: Callable[[], None]) -> dict[str, object]:
        """Wait (bounded) for a build newer than ``build_id``; ``nudge`` repeats the edit now
        and then, in case the watcher was not yet listening when the file was first saved."""
        deadline = time.monotonic() + WAIT_SECONDS
        last_nudge = time.monotonic()
        while time.monotonic() < deadline:
            state = self.state()
            if int(str(state["id"])) > build_id and not state["building"]:
                return state
            if time.monotonic() - last_nudge > 5:
                nudge()
                last_nudge = time.monotonic()
            time.sleep(0.1)
        raise AssertionError(f"no new build within {WAIT_SECONDS:.0f} s after build {build_id}")


def seed_output(example_output: Path, output: Path) -> None:
    """Start from the example's build so only what a test changes is rendered again."""
    shutil.copytree(example_output, output)


@contextmanager
def running_preview(
    output: Path, watch: bool = False, *, content: Path = CONTENT, templates: Path = TEMPLATES
) -> Iterator[LivePreview]:
    options = BuildOptions(content=content, templates=templates, output=output)
    preview = Preview(options)
    preview.rebuild()
    server = start_server(preview, "127.0.0.1", 0)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    serving.start()
    stop = threading.Event()
    watcher = threading.Thread(target=preview.watch, args=(stop,), kwargs={"debounce_ms": 150})
    if watch:
        watcher.start()
    try:
        yield LivePreview(preview, server)
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        serving.join(timeout=10)
        if watch:
            watcher.join(timeout=10)
