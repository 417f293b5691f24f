"""Load test of the local service, as issue 4 asks: real pages, concurrent clients, one run.

    .venv/bin/python bench/load_test.py [--requests 5000] [--clients 8]

Starts `quietpage serve` (the command users run) on a free port on 127.0.0.1 and sends N requests of
real scrapinghub pages (bench/corpus/scrapinghub/html/*.html.gz, as UTF-8 JSON like a browser's
JSON.stringify) from C concurrent clients (keep-alive connections) to 127.0.0.1 only, bounded in
count and in time. The clients are real HTTP over TCP, but lean (`Conn`: each request encoded once,
answers parsed by hand), because they run on the same cores as the service; every answer is read
in full and must be a 200 with a JSON object, or it counts as a failure. Their CPU is reported. In the same run, in rounds alternating with the service's, it measures the
engine's in-process speed on the same pages (one process, and one process per core at once), so
that drifts of a shared machine hit both sides alike. Reports req/s, p50/p95/p99 latency,
failures, resident memory (server + its worker processes) after warm-up and at the end, and the
service's throughput as a ratio of the engine's in-process pages/s on the same cores.
"""
from __future__ import annotations

import argparse
import gzip
import http.client
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES_DIR = ROOT / "bench" / "corpus" / "scrapinghub" / "html"


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def load_pages(limit: int | None = None) -> list[bytes]:
    files = sorted(PAGES_DIR.glob("*.html.gz"))[:limit]
    if not files:
        raise SystemExit(f"no pages in {PAGES_DIR}")
    out = []
    for p in files:
        with gzip.open(p, "rb") as f:
            out.append(f.read())
    return out


# ---- the engine in-process ---------------------------------------------------------------------

def _engine_pass(pages: list[bytes], seconds: float, cpu: list | None = None) -> tuple[int, float]:
    """Clean pages in a loop for about `seconds` (at least one pass); returns (pages done, elapsed)
    and appends the CPU seconds used to `cpu`."""
    from quietpage import QuietpageError, clean
    done, t0, c0 = 0, time.perf_counter(), time.process_time()
    while True:
        for p in pages:
            try:
                clean(p)
            except QuietpageError:
                pass
            done += 1
        if time.perf_counter() - t0 >= seconds:
            if cpu is not None:
                cpu.append(time.process_time() - c0)
            return done, time.perf_counter() - t0


_PAGES: list[bytes] = []


def _engine_init(pages: list[bytes]) -> None:
    _PAGES[:] = pages
    _engine_pass(pages[:10], 0)       # warm up


def _engine_worker(seconds: float) -> tuple[int, float, float]:
    cpu: list = []
    n, dt = _engine_pass(_PAGES, seconds, cpu)
    return n, dt, cpu[0]


class EngineBench:
    """The engine in-process on the same pages: in this process (one core) and in one process per
    core at once (a pool kept for the whole run, so rounds can alternate with the service's)."""

    def __init__(self, pages: list[bytes], cores: int):
        self.pages, self.cores = pages, cores
        _engine_pass(pages[:20], 0)
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                          else "spawn")
        self.pool = ctx.Pool(cores, initializer=_engine_init, initargs=(pages,))
        self.single: list[tuple[int, float]] = []
        self.parallel: list[float] = []
        self.pages_done = 0
        self.cpu = []

    def round(self, seconds: float) -> None:
        self.single.append(_engine_pass(self.pages, seconds, self.cpu))
        self.pages_done += self.single[-1][0]
        res = self.pool.map(_engine_worker, [seconds] * self.cores)
        self.parallel.append(sum(n / dt for n, dt, _ in res))
        self.pages_done += sum(n for n, _, _ in res)
        self.cpu += [c for _, _, c in res]

    def close(self) -> None:
        self.pool.close()
        self.pool.join()

    def figures(self) -> dict:
        single = sum(n for n, _ in self.single) / sum(dt for _, dt in self.single)
        parallel = sum(self.parallel) / len(self.parallel)
        return {"single_core": single, "cores": self.cores, "single_x_cores": single * self.cores,
                "parallel": parallel, "cpu_ms_per_page": sum(self.cpu) / self.pages_done * 1e3,
                "rounds_single": [n / dt for n, dt in self.single],
                "rounds_parallel": list(self.parallel)}


# ---- the server ------------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


def _tree(pid: int):
    """A process and all its descendants (server, forkserver, worker processes), each once."""
    todo, seen = [pid], set()
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            yield p
            todo += _children(p)


def tree_rss_kib(pid: int, per: dict | None = None) -> int:
    """VmRSS of a process and all its descendants."""
    total = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        if per is not None:
                            per[p] = int(line.split()[1]) // 1024
        except OSError:
            continue
    return total


def tree_cpu_seconds(pid: int) -> dict:
    """utime+stime per process of the tree (to see where the CPU goes)."""
    out = {}
    tick = os.sysconf("SC_CLK_TCK")
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            out[p] = (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            continue
    return out


def machine_busy_seconds() -> float:
    """CPU seconds all processes on the machine have used so far (from /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return float("nan")
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return (sum(v[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def start_server(port: int, extra: list[str], log) -> subprocess.Popen:
    exe = Path(sys.executable).parent / "quietpage"
    cmd = [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), *extra]
    proc = subprocess.Popen(cmd, stdout=log, stderr=log, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}; see {log.name}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/api/v1/health")
            if c.getresponse().status == 200:
                c.close()
                return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise SystemExit("server did not answer /api/v1/health within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, 15)
        proc.wait(15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, 9)
        except ProcessLookupError:
            pass


# ---- the clients -----------------------------------------------------------------------------

class Conn:
    """A lean keep-alive HTTP/1.1 client on one TCP connection: the request (head and body) is encoded
    once per page and sent with one sendall; the answer's status line and headers are parsed by hand
    and its body read in full (Content-Length framing, as the service answers). It does less work per
    request than http.client, whose CPU, on the same cores, would count against the service."""

    def __init__(self, port: int, timeout: float = 60):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def exchange(self, request: bytes) -> tuple[int, dict, bytes]:
        self.sock.sendall(request)
        while (end := self.buf.find(b"\r\n\r\n")) < 0:
            self._more()
        head, self.buf = self.buf[:end].decode("latin-1").split("\r\n"), self.buf[end + 4:]
        status = int(head[0].split(" ", 2)[1])
        headers = {}
        for line in head[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        if "content-length" not in headers:
            raise http.client.HTTPException(f"no Content-Length in the answer (status {status})")
        n = int(headers["content-length"])
        while len(self.buf) < n:
            self._more(n - len(self.buf))
        body, self.buf = self.buf[:n], self.buf[n:]
        return status, headers, body

    def _more(self, want: int = 65536) -> None:
        chunk = self.sock.recv(max(want, 65536))
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buf += chunk

    def close(self) -> None:
        self.sock.close()


def encode_requests(port: int, bodies: list[bytes], content_type: str, keepalive: bool = True) -> list[bytes]:
    """Each page's whole request, head and body, encoded once, so that the clients' CPU goes to
    sending and reading, not to re-encoding the same bytes."""
    close = "" if keepalive else "Connection: close\r\n"
    return [(f"POST /api/v1/clean HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n"
             f"Content-Length: {len(b)}\r\nAccept: application/json\r\n{close}\r\n").encode("ascii") + b
            for b in bodies]


class Load:
    def __init__(self, port: int, bodies: list[bytes], total: int, clients: int, deadline: float,
                 keepalive: bool = True, raw: bool = False, requests: list[bytes] | None = None):
        self.port, self.total, self.clients = port, total, clients
        self.deadline, self.keepalive = deadline, keepalive
        content_type = "text/html" if raw else "application/json"
        self.requests = requests or encode_requests(port, bodies, content_type, keepalive)
        self.lock = threading.Lock()
        self.next = 0
        self.lat: list[tuple[int, float]] = []    # (request index, seconds)
        self.failures: list[str] = []
        self.done_at: dict[int, float] = {}

    def _take(self) -> int | None:
        with self.lock:
            if self.next >= self.total or time.time() > self.deadline:
                return None
            i = self.next
            self.next += 1
            return i

    def _client(self) -> None:
        conn = None
        while (i := self._take()) is not None:
            req = self.requests[i % len(self.requests)]
            t = time.perf_counter()
            err = None
            try:
                if conn is None:
                    conn = Conn(self.port)
                status, headers, body = conn.exchange(req)
                if status != 200:
                    err = f"HTTP {status}"
                elif not headers.get("content-type", "").startswith("application/json") \
                        or not isinstance(json.loads(body), dict):
                    err = "200 without a JSON object"
                if not self.keepalive or headers.get("connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, ValueError, http.client.HTTPException) as e:
                err = f"{type(e).__name__}: {e}"
                if conn is not None:
                    conn.close()
                conn = None
            dt = time.perf_counter() - t
            with self.lock:
                self.lat.append((i, dt))
                self.done_at[i] = time.perf_counter()
                if err:
                    self.failures.append(err)
        if conn is not None:
            conn.close()

    def run(self) -> None:
        threads = [threading.Thread(target=self._client, daemon=True) for _ in range(self.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(max(0.0, self.deadline - time.time()) + 70)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * q))] if xs else float("nan")


def run(requests: int = 5000, clients: int = 8, warmup: int | None = None, max_seconds: float = 900.0,
        engine_seconds: float = 2.0, rounds: int = 5, server_args: list[str] | None = None,
        keepalive: bool = True, raw: bool = False) -> dict:
    """Alternate `rounds` times: the engine in-process (one pass over the pages, at least
    `engine_seconds`, in one process and then in one per core), then requests/rounds requests to the
    service. Alternating keeps drifts of the machine (other work, thermal) out of the ratio."""
    pages = load_pages()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    rounds = max(1, min(rounds, requests))
    bodies = [json.dumps({"html": p.decode("utf-8", "replace")}, ensure_ascii=False).encode("utf-8")
              for p in pages]   # as a browser's JSON.stringify sends it: UTF-8, not \u escapes
    # Warm-up: every worker process cleans the corpus twice before memory is measured. An engine
    # process's resident memory grows over its first two passes over a corpus (caches, interned
    # strings, malloc arenas reaching their working size) and is flat after that, measured in-process;
    # requests spread evenly over the workers, so that takes 2 x pages x workers requests (the
    # server starts one worker per core). With one pass per worker (362 requests) the "growth" the
    # run then reports is mostly the workers' second pass, not a leak.
    warmup = min(requests, 2 * len(pages) * cores) if warmup is None else warmup
    port = free_port()
    encoded = encode_requests(port, bodies, "text/html" if raw else "application/json", keepalive)
    engine = EngineBench(pages, cores)
    log = tempfile.NamedTemporaryFile("w+b", prefix="quietpage-serve-", suffix=".log", delete=False)
    proc = start_server(port, server_args or [], log)
    lat: list[float] = []
    failures: list[str] = []
    service_wall = 0.0
    round_rps: list[float] = []
    rss_samples: list[int] = []
    try:
        deadline = time.time() + max_seconds
        warm_fail = 0
        if warmup:
            w = Load(port, bodies, warmup, clients, deadline, keepalive, raw, encoded)
            w.run()
            warm_fail = len(w.failures)
        per_warm: dict = {}
        rss_warm = tree_rss_kib(proc.pid, per_warm)
        rss_samples.append(rss_warm)
        cpu0 = tree_cpu_seconds(proc.pid)
        client_cpu = 0.0
        busy = 0.0
        sent = 0
        for r in range(rounds):
            if time.time() > deadline:
                break
            engine.round(engine_seconds)
            n = requests // rounds + (1 if r < requests % rounds else 0)
            load = Load(port, bodies, n, clients, deadline, keepalive, raw, encoded)
            load.next = 0
            stop = threading.Event()

            def sample():
                while not stop.wait(1.0):
                    rss_samples.append(tree_rss_kib(proc.pid))
            threading.Thread(target=sample, daemon=True).start()
            c0, b0, t0 = time.process_time(), machine_busy_seconds(), time.perf_counter()
            load.run()
            dt = time.perf_counter() - t0
            client_cpu += time.process_time() - c0
            busy += machine_busy_seconds() - b0
            stop.set()
            service_wall += dt
            lat += [x for _, x in load.lat]
            failures += load.failures
            sent += len(load.lat)
            round_rps.append(len(load.lat) / dt if dt else 0.0)
        per_end: dict = {}
        rss_end = tree_rss_kib(proc.pid, per_end)
        cpu1 = tree_cpu_seconds(proc.pid)
        alive = proc.poll() is None
    finally:
        stop_server(proc)
        engine.close()
        log.close()
    n = len(lat)
    main_cpu = cpu1.get(proc.pid, 0) - cpu0.get(proc.pid, 0)
    worker_cpu = sum(v - cpu0.get(p, 0) for p, v in cpu1.items() if p != proc.pid)
    rps = n / service_wall if service_wall else 0.0
    e = engine.figures()
    return {
        "body": "text/html" if raw else "application/json", "requests": n, "planned": requests, "clients": clients, "warmup": warmup, "warmup_failures": warm_fail,
        "rounds": len(round_rps), "seconds": service_wall, "req_per_s": rps, "rounds_req_per_s": round_rps,
        "p50_ms": pct(lat, .5) * 1e3, "p95_ms": pct(lat, .95) * 1e3, "p99_ms": pct(lat, .99) * 1e3,
        "max_ms": max(lat) * 1e3 if lat else float("nan"),
        "failures": len(failures), "failure_examples": sorted(set(failures))[:5],
        "rss_warm_mib": rss_warm / 1024, "rss_end_mib": rss_end / 1024, "rss_max_mib": max(rss_samples) / 1024,
        "rss_growth": (rss_end - rss_warm) / rss_warm if rss_warm else float("nan"),
        "rss_per_process_mib": {("server" if p == proc.pid else str(p)): (per_warm.get(p), per_end.get(p))
                                for p in sorted(set(per_warm) | set(per_end))},
        "engine": e,
        "ratio_single_x_cores": rps / e["single_x_cores"],
        "ratio_parallel": rps / e["parallel"],
        # CPU time is what the cores give; it hardly depends on what else runs on a shared machine
        "service_cpu_ms_per_req": (main_cpu + worker_cpu + client_cpu) / n * 1e3 if n else float("nan"),
        "ratio_cpu": e["cpu_ms_per_page"] / ((main_cpu + worker_cpu + client_cpu) / n * 1e3) if n else float("nan"),
        "cpu_ms_per_req": {"server_main": main_cpu / n * 1e3 if n else 0, "workers": worker_cpu / n * 1e3 if n else 0,
                           "clients": client_cpu / n * 1e3 if n else 0},
        "client_cpu_share": client_cpu / (service_wall * cores) if service_wall else 0.0,
        "other_cpu_share": max(0.0, busy - main_cpu - worker_cpu - client_cpu) / (service_wall * cores)
        if service_wall else 0.0,
        "server_alive": alive, "log": log.name,
    }


def summary(r: dict) -> str:
    e = r["engine"]
    c = r["cpu_ms_per_req"]
    lines = [
        f"load: {r['requests']}/{r['planned']} {r['body']} requests from {r['clients']} clients in {r['seconds']:.1f} s "
        f"(after {r['warmup']} warm-up requests, {r['warmup_failures']} failed)",
        f"  throughput {r['req_per_s']:.1f} req/s; latency p50 {r['p50_ms']:.0f} ms, p95 {r['p95_ms']:.0f} ms, "
        f"p99 {r['p99_ms']:.0f} ms, max {r['max_ms']:.0f} ms; failures {r['failures']}"
        + (f" {r['failure_examples']}" if r["failures"] else ""),
        f"  memory (server + workers): {r['rss_warm_mib']:.0f} MiB after warm-up, {r['rss_end_mib']:.0f} MiB at the "
        f"end (growth {r['rss_growth'] * 100:+.1f}%), peak {r['rss_max_mib']:.0f} MiB",
        f"  engine in-process: {e['single_core']:.1f} pages/s on one core; x{e['cores']} cores = "
        f"{e['single_x_cores']:.1f}; {e['cores']} processes at once: {e['parallel']:.1f} pages/s "
        f"(measured in {len(e['rounds_parallel'])} rounds alternating with the service's)",
        f"  service / engine: {r['ratio_single_x_cores']:.2f} of single-core x cores, "
        f"{r['ratio_parallel']:.2f} of {e['cores']} processes measured at once; by round (service/parallel): "
        + ", ".join(f"{a / b:.2f}" for a, b in zip(r["rounds_req_per_s"], e["rounds_parallel"])),
        f"  CPU per request: server main process {c['server_main']:.2f} ms, engine workers {c['workers']:.2f} ms, "
        f"load clients {c['clients']:.2f} ms ({r['client_cpu_share'] * 100:.1f}% of the cores); other processes on the machine used "
        f"{r['other_cpu_share'] * 100:.0f}% of the CPU during the load",
        f"  CPU efficiency: the engine in-process takes {e['cpu_ms_per_page']:.2f} ms CPU per page, the service "
        f"{r['service_cpu_ms_per_req']:.2f} ms per request (server, workers and clients): on cores of its own the "
        f"service reaches {r['ratio_cpu']:.2f} x the engine's in-process pages/s",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", "-n", type=int, default=5000)
    ap.add_argument("--clients", "-c", type=int, default=8)
    ap.add_argument("--warmup", type=int, default=None,
                    help="warm-up requests (default: two passes over the pages per worker, 2 x pages x cores, "
                         "at most n)")
    ap.add_argument("--max-seconds", type=float, default=900.0, help="stop sending after this long")
    ap.add_argument("--engine-seconds", type=float, default=2.0,
                    help="least time of each in-process engine measure (one pass over the pages at least)")
    ap.add_argument("--rounds", type=int, default=5, help="alternations of engine and service measures")
    ap.add_argument("--no-keepalive", action="store_true", help="a new connection per request")
    ap.add_argument("--raw", action="store_true", help="send pages as text/html bodies instead of JSON")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON too")
    ap.add_argument("server_args", nargs="*", help="extra arguments for quietpage serve (after --)")
    a = ap.parse_args(argv)
    if a.requests <= 0 or a.clients <= 0:
        ap.error("--requests and --clients must be positive")
    r = run(a.requests, a.clients, a.warmup, a.max_seconds, a.engine_seconds, a.rounds, a.server_args,
            keepalive=not a.no_keepalive, raw=a.raw)
    print(summary(r))
    if a.json:
        print(json.dumps(r, indent=1))
    ok = r["failures"] == 0 and r["server_alive"] and r["requests"] == r["planned"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
