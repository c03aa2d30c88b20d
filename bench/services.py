#!/usr/bin/env python3
"""Serve the external services that the Python and JavaScript example hooks
call, for bench/run.sh and bench/check_polyglot_twins.sh.

    python3 bench/services.py [--port PORT]

It listens on 127.0.0.1 (port 0, the default, picks a free port) and prints
`listening on http://127.0.0.1:PORT` on standard output once it accepts
connections. Endpoints:

  GET  /api/v1/hosts/ADDRESS  the vulnerability scanner that guests/vuln-check
                              queries. It returns the same answers as the
                              scanner of tests/all/python.rs: findings for
                              10.20.30.40 and 172.16.5.10, none for
                              192.168.10.5, and 404 for every other address.
  POST /api/tickets/...       the KPI collector that guests/kpi-export posts
                              to. It returns 202 with `{"stored": true}`.
  GET  /requests              the requests received so far, as a JSON list of
                              {method, path, content_type, body}.
  POST /reset                 forgets the received requests.

The service keeps the last MAX_RECORDED requests, so a long benchmark does
not grow its memory.
"""

import argparse
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The scanner's findings per host address, as tests/all/python.rs serves them.
SCANNER_FINDINGS = {
    "10.20.30.40": [
        {"id": "CVE-2023-44487", "severity": "medium", "title": "HTTP/2 rapid reset"},
        {
            "id": "CVE-2024-6387",
            "severity": "critical",
            "title": "OpenSSH signal handler race",
        },
    ],
    "172.16.5.10": [{"id": "CVE-2021-44228", "severity": "high", "title": "Log4Shell"}],
    "192.168.10.5": [],
}

SCANNER_PREFIX = "/api/v1/hosts/"
COLLECTOR_PREFIX = "/api/tickets/"
MAX_RECORDED = 1000
# Request bodies larger than this are rejected with 413; the kpi-export
# policy caps its bodies at 16 KiB.
MAX_BODY_BYTES = 1 << 20


class Recorder:
    """The requests received, shared by the server's threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []

    def add(self, request):
        with self.lock:
            self.requests.append(request)
            del self.requests[:-MAX_RECORDED]

    def snapshot(self):
        with self.lock:
            return list(self.requests)

    def clear(self):
        with self.lock:
            self.requests.clear()


RECORDER = Recorder()


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections open, as the hooks' clients expect.
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == "/requests":
            self.reply(200, RECORDER.snapshot())
            return
        self.record(b"")
        if not self.path.startswith(SCANNER_PREFIX):
            self.reply(404, {"error": f"no endpoint {self.path}"})
            return
        address = self.path[len(SCANNER_PREFIX) :]
        findings = SCANNER_FINDINGS.get(address)
        if findings is None:
            self.reply(404, {"error": "unknown host"})
            return
        self.reply(200, {"vulnerabilities": findings})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self.reply(413, {"error": f"body of {length} bytes is larger than {MAX_BODY_BYTES}"})
            return
        body = self.rfile.read(length)
        if self.path == "/reset":
            RECORDER.clear()
            self.reply(200, {"cleared": True})
            return
        self.record(body)
        if not self.path.startswith(COLLECTOR_PREFIX):
            self.reply(404, {"error": f"no endpoint {self.path}"})
            return
        self.reply(202, {"stored": True})

    def record(self, body):
        RECORDER.add(
            {
                "method": self.command,
                "path": self.path,
                "content_type": self.headers.get("Content-Type"),
                "body": body.decode("utf-8", "replace"),
            }
        )

    def reply(self, status, document):
        payload = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        # One line per request on standard error, which the scripts redirect
        # to a log file.
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one")
    arguments = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), Handler)
    server.daemon_threads = True
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
