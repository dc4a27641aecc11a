"""Real local servers for the transports' tests: an HTTP gateway that records every request
and can be told to fail or hang, and an SMTP server (aiosmtpd)."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class StubGateway:
    """mode: "ok", "503", "400", "refuse" (200 with an error body), or "hang". `hook`, if
    set, is called with the request's number (from 1) before it is answered, in the
    server's thread for that request: a test's way to be slow, or to act mid-send."""

    mode: str = "ok"
    hang_seconds: float = 2.0
    requests: list = field(default_factory=list)
    hook: object = None

    def __post_init__(self):
        self.lock = threading.Lock()
        self.count = 0
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                mode = stub.mode
                with stub.lock:
                    stub.requests.append(
                        Received(self.command, self.path, dict(self.headers), body)
                    )
                    stub.count += 1
                    n = stub.count
                if stub.hook is not None:
                    stub.hook(n)
                if mode == "hang":
                    time.sleep(stub.hang_seconds)
                    status, answer = 504, b"late"
                elif mode == "503":
                    status, answer = 503, b"busy"
                elif mode == "400":
                    status, answer = 400, b"bad number"
                elif mode == "refuse":
                    status, answer = 200, b"ERROR: no credit"
                elif "/messages" in self.path:
                    status = 200
                    answer = json.dumps({"messages": [{"id": f"wamid.{n}"}]}).encode()
                else:
                    status, answer = 200, f"OK id={n}".encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                try:
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = _handle
            do_POST = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
