"""The loopback front end: the emulator behind a stdlib threading HTTP server.

Point the real SDK at it with `GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:<port>`
(any API key). Streams go out with chunked transfer encoding, one HTTP chunk
per SSE event, so the client sees them arrive one by one.
"""

from __future__ import annotations

import logging
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from .service import Emulator

log = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ImageStudioEmulator/1.0"
    emulator: Emulator  # set on the subclass made by make_server

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        body = self._body()
        resp = self.emulator.handle(
            self.command,
            unquote(parts.path),
            dict(parse_qsl(parts.query)),
            dict(self.headers.items()),
            body,
        )
        try:
            time.sleep(resp.delay_before(0))
            self.send_response(resp.status)
            for k, v in resp.headers.items():
                self.send_header(k, v)
            if resp.streaming:
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for i, chunk in enumerate(resp.body_chunks):
                    if i:
                        time.sleep(resp.delay_before(i))
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
            else:
                data = b"".join(resp.body_chunks)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away mid-answer; nothing to do

    def log_message(self, format: str, *args: object) -> None:
        # The default logs the raw request line, query string included; a `key=`
        # parameter would leak the API key. Log the path only.
        log.debug("%s %s", self.command, urlsplit(self.path).path)


def make_server(emulator: Emulator, host: str = "127.0.0.1", port: int = 0) -> ThreadingHTTPServer:
    handler = type("EmulatorHandler", (_Handler,), {"emulator": emulator})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server
