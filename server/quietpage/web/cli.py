"""`quietpage serve`: the local service under waitress (never the Flask development server)."""
from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import signal
import sys
from pathlib import Path

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def _is_loopback(host: str) -> bool:
    if host.strip("[]") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _extension_dir() -> Path | None:
    d = Path(__file__).resolve().parents[3] / "extension"
    return d if d.is_dir() else None


def register(sub) -> None:
    p = sub.add_parser("serve", help="run the local HTTP service (waitress)",
                       description="Run the local HTTP service that the browser extension talks to.")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1; anything else exposes the service to your network)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--threads", type=int, default=16, help="waitress threads that handle connections (default 16)")
    p.add_argument("--workers", type=int, default=None,
                   help="engine worker processes (default: one per CPU core; 0 runs the engine in the threads)")
    p.add_argument("--token", default=os.environ.get("QUIETPAGE_TOKEN") or None,
                   help="require this token (Authorization: Bearer T or X-Quietpage-Token: T); "
                        "default from $QUIETPAGE_TOKEN, which keeps it out of the process list")
    p.add_argument("--max-body", type=int, default=10 * 1024 * 1024, metavar="BYTES",
                   help="largest request body (default 10 MiB)")
    p.add_argument("--time-limit", type=float, default=20.0, metavar="SECONDS",
                   help="engine time per request (default 20)")
    p.add_argument("--max-waiting", type=int, default=8, metavar="N",
                   help="requests that may queue for the engine before the service answers 503 (default 8)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="accept this Host name besides localhost/127.0.0.1/[::1] (repeatable)")
    p.add_argument("--extension-id", action="append", default=[], metavar="ID",
                   help="allow only these extension ids (repeatable; default: any chrome-/moz-extension)")
    p.add_argument("--rules", action="append", default=[], metavar="FILE",
                   help="an extra rule file used for every request (repeatable)")
    p.add_argument("--quiet", action="store_true", help="no access log lines")
    p.set_defaults(func=cmd_serve)


def cmd_serve(a: argparse.Namespace) -> int:
    import waitress

    from .. import __version__, rules
    from . import create_app
    from .pool import default_workers
    from .work import tune_malloc

    tune_malloc()   # before waitress starts its threads

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    logging.getLogger("quietpage.web.access").setLevel(logging.WARNING if a.quiet else logging.INFO)
    if a.max_body <= 0 or a.threads <= 0 or not 0 <= a.port <= 65535:
        print("quietpage serve: --max-body, --threads must be positive and --port in 0..65535", file=sys.stderr)
        return 2
    rules.load(tuple(a.rules))  # a broken rule file stops us here, with its message
    workers = default_workers() if a.workers is None else max(0, a.workers)
    app = create_app({
        "MAX_CONTENT_LENGTH": a.max_body, "QUIETPAGE_TOKEN": a.token or None,
        "QUIETPAGE_ALLOWED_HOSTS": a.allow_host, "QUIETPAGE_EXTENSION_IDS": a.extension_id,
        "QUIETPAGE_WORKERS": workers, "QUIETPAGE_TIME_LIMIT": a.time_limit,
        "QUIETPAGE_MAX_WAITING": a.max_waiting, "QUIETPAGE_RULE_FILES": tuple(a.rules),
    })
    dispatcher = app.extensions["quietpage.dispatcher"]
    server = waitress.create_server(
        app, host=a.host, port=a.port, threads=a.threads, ident="quietpage",
        # waitress stops bodies far over the limit itself; Flask answers 413 (problem+json) below that
        max_request_body_size=a.max_body * 2 + 65536,
        recv_bytes=65536, channel_timeout=60, clear_untrusted_proxy_headers=True)
    listen = getattr(server, "effective_listen", None) or [(server.effective_host, server.effective_port)]
    try:
        dispatcher.start()
    except BaseException:
        server.close()
        raise
    urls = [f"http://{f'[{h}]' if ':' in str(h) else h}:{p}" for h, p in listen]
    print(f"Quietpage {__version__} serving on {', '.join(urls)} "
          f"({workers} engine worker{'s' if workers != 1 else ''}, {a.threads} threads"
          f"{', token required' if a.token else ''})", flush=True)
    print(f"Open {urls[0]}/ to try it; the API is at {urls[0]}/api/v1 (see /api/v1/openapi.json).", flush=True)
    ext = _extension_dir()
    print("Load the extension: chrome://extensions → Developer mode → Load unpacked → "
          f"{ext if ext else '<repo>/extension'}", flush=True)
    if not _is_loopback(a.host):
        bar = "!" * 78
        print(f"\n{bar}\nWARNING: bound to {a.host}, not 127.0.0.1: other machines can reach this service.\n"
              f"Requests must still name a loopback host or one given with --allow-host "
              f"({', '.join(a.allow_host) or 'none given'}).\n"
              f"{'A token is required.' if a.token else 'No token is set: anyone who can reach it can use it (use --token).'}"
              f"\n{bar}\n", file=sys.stderr, flush=True)

    def _stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.close()
        dispatcher.close()
        print("Quietpage stopped.", file=sys.stderr, flush=True)
    return 0
