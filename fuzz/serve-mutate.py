#!/usr/bin/env python3
"""Hostile requests against a real `tern serve` on 127.0.0.1: mutated copies of the
repository's OCCI, CDMI and OVF samples sent as bodies, header values and query strings over
raw sockets (so any byte can go anywhere), mixed with valid requests. A run fails when

  * the server answers 5xx to a request (hostile input is the client's fault: 4xx),
  * a request gets no complete answer within the time limit,
  * the process dies, or
  * after the campaign the server no longer serves a plain GET (it must keep working).

Each failing request is written under fuzz/artifacts/serve/ as the raw bytes sent. Stdlib
only; the mutations come from a seeded generator, so a run can be repeated. Loopback only.

Usage: fuzz/serve-mutate.py [--count N] [--seed S] [--timeout SECONDS] [--tern PATH]
  (default: 2000 requests, seed 1, 10 s per request, target/release/tern, built if missing)
"""

import importlib.util
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The mutations of the command-line campaign, shared.
_spec = importlib.util.spec_from_file_location("cli_mutate", ROOT / "fuzz" / "cli-mutate.py")
cli_mutate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cli_mutate)

OCCI_JSON = "application/occi+json"
# Where each kind of sample goes: method, path, content type.
ROUTES = {
    ".json": [("POST", "/compute/", OCCI_JSON), ("POST", "/", OCCI_JSON), ("PUT", "/compute/fz", OCCI_JSON)],
    ".txt": [("POST", "/compute/", "text/plain"), ("POST", "/network/", "text/plain")],
    ".hdr": [("POST", "/compute/", "text/occi")],
    ".uri": [("POST", "/storage/", "text/uri-list")],
    ".ovf": [("POST", "/", "application/ovf+xml")],
    "cdmi": [
        ("PUT", "/images/fz.json", "application/cdmi-object"),
        ("PUT", "/images/fz/", "application/cdmi-container"),
    ],
}
PATHS = [
    "/", "/compute/", "/compute/fz", "/-/", "/.well-known/org/ogf/occi/-/", "/images/",
    "/images/fz.json", "/deployments/", "/cdmi_capabilities/", "/cdmi_objectid/",
    "/compute/%2e%2e/%2e%2e/etc/passwd", "/images/../../etc/passwd", "/images/%00",
    "/compute/?action=start", "/compute/?occi.compute.state=inactive&page=1&number=50",
    "/images/?children:0-9;metadata:cdmi_", "/images/fz.json?value:0-99999999999999999999",
]


def samples():
    out = []
    for path in sorted((ROOT / "samples").rglob("*")):
        if not path.is_file():
            continue
        if "cdmi" in path.parts and path.suffix == ".json":
            out.append((path, "cdmi"))
        elif path.suffix in ROUTES and "topologies" not in path.parts:
            out.append((path, path.suffix))
    return out


def request(method, path, headers, body):
    head = f"{method} ".encode() + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for name, value in headers:
        head += name + b": " + value + b"\r\n"
    if body is not None:
        head += b"Content-Length: " + str(len(body)).encode() + b"\r\n"
    return head + b"\r\n" + (body or b"")


def send(port, raw, timeout):
    """The status code of the answer (None: no complete status line before the timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.settimeout(timeout)
        try:
            s.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may refuse early (a header too large); its answer still counts
        data = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            data += chunk
    line = data.split(b"\r\n", 1)[0]
    parts = line.split(b" ")
    if len(parts) >= 2 and parts[0].startswith(b"HTTP/1.") and parts[1].isdigit():
        return int(parts[1])
    return None


def main():
    args, tern = cli_mutate.campaign_arguments(__doc__)
    rng = random.Random(args.seed)
    inputs = samples()
    artifacts = ROOT / "fuzz" / "artifacts" / "serve"
    failures = 0
    codes = {}
    with tempfile.TemporaryDirectory(prefix="tern-serve-mutate-") as data:
        server = subprocess.Popen(
            [str(tern), "serve", "--listen", "127.0.0.1:0", "--data", data],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        try:
            first = server.stdout.readline().decode()
            port = int(first.rsplit(":", 1)[1].strip().rstrip("/"))
            started = time.monotonic()

            def fail(why, raw, n):
                nonlocal failures
                failures += 1
                artifacts.mkdir(parents=True, exist_ok=True)
                keep = artifacts / f"seed{args.seed}-req{n}.http"
                keep.write_bytes(raw)
                print(f"FAIL {why}: {raw[:120]!r} ({keep})", flush=True)

            for n in range(args.count):
                seed, kind = rng.choice(inputs)
                method, path, media = rng.choice(ROUTES[kind])
                body = seed.read_bytes()
                headers = [(b"Content-Type", media.encode()), (b"Accept", rng.choice([b"*/*", OCCI_JSON.encode(), b"text/plain", b"application/ovf+xml"]))]
                if kind == "cdmi":
                    headers.append((b"X-CDMI-Specification-Version", b"1.1"))
                where = rng.randrange(5)
                raw_path = path.encode()
                if where <= 2:  # the body
                    body = cli_mutate.mutate(rng, body)
                elif where == 3:  # a header value (text/occi carries the rendering there)
                    value = cli_mutate.mutate(rng, b" ".join(body.splitlines()[:3]))
                    value = value.replace(b"\r", b" ").replace(b"\n", b" ")
                    headers.append((rng.choice([b"Category", b"X-OCCI-Attribute", b"Link", b"Accept", b"Content-Type", b"Range", b"X-CDMI-Specification-Version"]), value))
                    method, body = rng.choice([("GET", None), (method, body)])
                else:  # the path and query
                    raw_path = cli_mutate.mutate(rng, rng.choice(PATHS).encode())
                    raw_path = b"/" + raw_path.replace(b" ", b"%20").replace(b"\r", b"").replace(b"\n", b"").lstrip(b"/")
                    method, body = rng.choice([("GET", None), ("DELETE", None), ("POST", body), ("PUT", body)])
                raw = request(method, raw_path, headers, body)
                try:
                    code = send(port, raw, args.timeout)
                except OSError as e:
                    code = None
                    if server.poll() is not None:
                        fail(f"the server died ({server.returncode})", raw, n)
                        break
                    fail(f"connection: {e}", raw, n)
                    continue
                codes[code] = codes.get(code, 0) + 1
                if code is None:
                    fail("no answer", raw, n)
                elif code >= 500:
                    fail(f"status {code}", raw, n)
            alive = send(port, request("GET", b"/-/", [(b"Accept", b"text/plain")], None), args.timeout)
            if alive != 200:
                fail(f"GET /-/ after the campaign answered {alive}", b"GET /-/", args.count)
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(
        f"{args.count} requests in {elapsed:.0f} s, statuses {dict(sorted(codes.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))}: "
        f"{failures} failure(s)"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
