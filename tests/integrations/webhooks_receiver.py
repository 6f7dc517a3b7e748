"""A local HTTP receiver for webhook tests: http.server in a thread on 127.0.0.1, on a random port.

Use the `receiver` fixture (import it into the test module); it answers with the queued status codes
(then 200) and records every request's headers and raw body.
"""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    headers: dict
    body: bytes
    path: str


@dataclass
class Receiver:
    url: str = ""
    statuses: list = field(default_factory=list)
    requests: list = field(default_factory=list)

    def answer(self, *statuses: int) -> None:
        self.statuses.extend(statuses)


def _handler_for(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            receiver.requests.append(Received(headers=dict(self.headers.items()), body=body, path=self.path))
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            reply = b'{"ok": true}' if status < 300 else b"receiver is down"
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format, *args):  # keep the test output quiet
            pass

    return Handler


@pytest.fixture
def receiver(settings):
    """A running receiver; private URLs are allowed so deliveries may reach 127.0.0.1."""
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
