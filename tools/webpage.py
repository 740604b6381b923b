"""The demo page with the chat (`web/`), served from this machine: nothing from a CDN.

A fixed list of files, nothing else: the page, its script and style, socket.io-client's
browser bundle from `web/node_modules` (`make web` installs it with `npm ci`) and
`/config.js`, which tells the page where Rasa's socket.io channel is. The
Content-Security-Policy lets the page run only these scripts, load nothing from elsewhere and
connect only to that channel.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from project import ROOT

logger = logging.getLogger(__name__)

WEB = ROOT / "web"
SOCKET_IO = WEB / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
FILES = {
    "/": (WEB / "index.html", "text/html; charset=utf-8"),
    "/chat.js": (WEB / "chat.js", "text/javascript; charset=utf-8"),
    "/style.css": (WEB / "style.css", "text/css; charset=utf-8"),
    "/vendor/socket.io.js": (SOCKET_IO, "text/javascript; charset=utf-8"),
}


def page_origins(host: str, port: int) -> list[str]:
    """The origins a browser gives the page: loopback has two names."""
    hosts = ["127.0.0.1", "localhost"] if host in ("127.0.0.1", "localhost") else [host]
    return [f"http://{name}:{port}" for name in hosts]


def security_policy(socket_url: str) -> str:
    """Scripts from the page only; connections to the socket.io channel only."""
    channel = urlsplit(socket_url)
    websocket = channel._replace(scheme="wss" if channel.scheme == "https" else "ws")
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src {channel.scheme}://{channel.netloc} {websocket.scheme}://{websocket.netloc}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


class _PageHandler(BaseHTTPRequestHandler):
    def __init__(self, *args, socket_url: str, **kwargs) -> None:
        self.socket_url = socket_url
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        path = urlsplit(self.path).path
        if path == "/config.js":
            body = f"window.ASSISTANT_CONFIG = {json.dumps({'socketUrl': self.socket_url})};\n".encode()
            self._send(200, "text/javascript; charset=utf-8", body)
        elif path in FILES:
            file, content_type = FILES[path]
            self._send(200, content_type, file.read_bytes())
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found\n")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", security_policy(self.socket_url))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's name)
        """To the logger, not stderr: with `make run` the terminal is the chat's."""
        logger.info("%s %s", self.address_string(), format % args)


@contextmanager
def page_server(port: int, socket_url: str, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve the page on `host:port` (0: any free port) for the duration of the block; yields its address."""
    if not SOCKET_IO.exists():
        raise SystemExit(f"{SOCKET_IO.relative_to(WEB.parent)} is missing: run `make web` (npm ci in web/)")
    server = ThreadingHTTPServer((host, port), partial(_PageHandler, socket_url=socket_url))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="page-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
