"""A misbehaving stand-in for the Quietpage service, for the failure states the real one can't be made
to show on demand (an internal error, a hang). The browser tests use the real `quietpage serve` for
everything else.

    python stub_service.py PORT MODE      MODE: error500 | slow | notjson

It speaks the same CORS as the real service (extension origins only) so that the extension's request
reaches the point being tested.
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE = "error500"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def cors(self):
        origin = self.headers.get("Origin", "")
        if origin.startswith(("chrome-extension://", "moz-extension://")):
            self.send_header("Access-Control-Allow-Origin", origin)
            self.send_header("Vary", "Origin")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Authorization")
            self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")

    def send(self, status, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.cors()
        self.end_headers()
        self.wfile.write(data)

    def do_OPTIONS(self):
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.cors()
        self.end_headers()

    def do_GET(self):
        if self.path.startswith("/api/v1/health"):
            return self.send(200, {"status": "ok", "version": "stub", "rules": 0})
        self.send(404, {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "", "code": "not_found"},
                  "application/problem+json")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(n)
        if MODE == "slow":
            time.sleep(30)
            return self.send(200, {})
        if MODE == "notjson":
            return self.send(200, b"<html>hello</html>", "text/html")
        self.send(500, {"type": "about:blank", "title": "Internal Server Error", "status": 500,
                        "detail": "the engine crashed (stub)", "code": "internal_error"}, "application/problem+json")


def main():
    global MODE
    port = int(sys.argv[1])
    MODE = sys.argv[2] if len(sys.argv) > 2 else "error500"
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
