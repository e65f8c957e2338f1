#!/usr/bin/env python3
"""Hostile inputs through the command line: mutated copies of the repository's samples (and
of the 20 reference descriptors when shared/reference is beside the repository) run through
the release `tern`, each command under a time limit. A run fails when a command

  * dies by a signal or exits with a code other than 0, 1 or 2 (a panic exits 101),
  * runs past the time limit (cost that is not linear shows up as a timeout),
  * prints a diagnostic line longer than the cap on echoed excerpts allows, or
  * leaves files behind in its working directory besides the one it was asked to write.

Each failing input is kept under fuzz/artifacts/cli/ with the command line beside it.
Stdlib only; the mutations come from a seeded generator, so a run can be repeated.

Usage: fuzz/cli-mutate.py [--count N] [--seed S] [--timeout SECONDS] [--tern PATH]
  (default: 2000 inputs, seed 1, 10 s per command, target/release/tern, built if missing)
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What each kind of input goes through: the commands a user would run on such a file.
COMMANDS = {
    "ovf": [
        ["ovf", "info"],
        ["ovf", "validate"],
        ["ovf", "validate", "--lax", "--format", "json"],
        ["ovf", "fmt", "-o", "OUT"],
        ["ovf2occi"],
    ],
    "occi-json": [
        ["occi", "validate"],
        ["occi", "convert", "--to", "text/plain", "--collection", "bodies"],
    ],
    "occi-text": [["occi", "validate"]],
    "cdmi": [["cdmi", "validate"]],
    "topology": [["plan", "SELF"], ["diff", "SELF", "--format", "json"]],
}
# Pieces that mean something to the readers: inserted or repeated by the mutations.
TOKENS = [
    b"<", b">", b"</", b"/>", b"&", b"&amp;", b"&#x0;", b"&#1114112;", b"]]>", b"<![CDATA[",
    b"<!--", b"-->", b"<?", b"?>", b"<!DOCTYPE a [<!ENTITY e \"x\">]>", b"&e;", b"xmlns:a=\"\"",
    b"xmlns=\"urn:x\"", b"ovf:", b"rasd:", b"\"", b"'", b"=", b"{", b"}", b"[", b"]", b":",
    b",", b"\\u0000", b"\\ud800", b"\\", b"1e999999", b"-0", b"99999999999999999999999",
    b"null", b"\r", b"\r\n", b"\n", b"\t", b"\x00", b"\xff", b"\xc3", b"\xef\xbb\xbf",
    b"\xe2\x80\xae", b"\x1b[31m", b"\x07", b";", b"; scheme=\"", b"class=\"kind\"",
    b"X-OCCI-Attribute: ", b"Category: ", b"Link: <", b"byte * 2^", b"GB", b"%", b"../",
]


def kind_of(path):
    name = path.name
    if path.suffix == ".ovf":
        return "ovf"
    if "topologies" in path.parts or "migration" in path.parts:
        return "topology"
    if "cdmi" in path.parts:
        return "cdmi"
    if "occi" in path.parts:
        return "occi-json" if path.suffix == ".json" else "occi-text"
    return None


def seeds():
    found = []
    for path in sorted((ROOT / "samples").rglob("*")):
        if path.is_file() and kind_of(path):
            found.append(path)
    d = ROOT
    while d != d.parent:
        reference = d / "shared" / "reference" / "ovf" / "samples"
        if reference.is_dir():
            found.extend(sorted(reference.glob("*.ovf")))
            break
        d = d.parent
    return found


def mutate(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        at = rng.randint(0, len(data))
        if op == 0 and data:  # flip a byte
            i = rng.randrange(len(data))
            data[i] = rng.randrange(256)
        elif op == 1:  # insert a token
            data[at:at] = rng.choice(TOKENS)
        elif op == 2 and data:  # delete a slice
            data[at : at + rng.randint(1, 64)] = b""
        elif op == 3 and data:  # repeat a slice many times (the shapes that go quadratic)
            end = min(len(data), at + rng.randint(1, 200))
            data[at:at] = bytes(data[at:end]) * rng.choice([2, 10, 1000, 20000])
        elif op == 4:  # truncate
            del data[at:]
        elif op == 5:  # a token repeated many times
            data[at:at] = rng.choice(TOKENS) * rng.choice([100, 10000, 100000])
        elif op == 6 and data:  # swap two slices
            i, j = sorted(rng.randrange(len(data)) for _ in range(2))
            n = min(rng.randint(1, 100), j - i)
            a, b = bytes(data[i : i + n]), bytes(data[j : j + n])
            data[i : i + n], data[j : j + n] = b, a
    return bytes(data)


def campaign_arguments(doc):
    """The options both campaigns take, and the `tern` binary (built when it is missing)."""
    parser = argparse.ArgumentParser(description=" ".join(doc.split("\n\n")[0].split()))
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--tern", default=str(ROOT / "target" / "release" / "tern"))
    args = parser.parse_args()
    tern = Path(args.tern).resolve()
    if not tern.exists():
        subprocess.run(["cargo", "build", "--release", "--locked", "--bin", "tern"], cwd=ROOT, check=True)
    return args, tern


def main():
    args, tern = campaign_arguments(__doc__)
    rng = random.Random(args.seed)
    inputs = seeds()
    artifacts = ROOT / "fuzz" / "artifacts" / "cli"
    failures = 0
    runs = 0
    # Exit codes seen: a campaign whose commands all exit 2 (usage) tests nothing.
    codes = {}
    slowest = (0.0, "")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="tern-cli-mutate-") as tmp:
        for n in range(args.count):
            seed = rng.choice(inputs)
            kind = kind_of(seed)
            data = mutate(rng, seed.read_bytes())
            work = Path(tmp) / f"case{n}"
            work.mkdir()
            target = work / ("input" + seed.suffix)
            target.write_bytes(data)
            for command in COMMANDS[kind]:
                argv = [str(tern)] + [
                    "out.ovf" if a == "OUT" else str(target) if a == "SELF" else a for a in command
                ] + [str(target)]
                runs += 1
                t0 = time.monotonic()
                try:
                    done = subprocess.run(argv, cwd=work, capture_output=True, timeout=args.timeout)
                    why = None
                    codes[done.returncode] = codes.get(done.returncode, 0) + 1
                    if done.returncode not in (0, 1, 2):
                        why = f"exit {done.returncode}"
                    # Echoed excerpts in diagnostics are capped (README, "Limits"): a
                    # finding's line may hold a capped excerpt, a path and a message. Values
                    # that are the output (a converted document, a table of the
                    # descriptor's own fields) are not excerpts.
                    findings = [
                        line
                        for line in done.stdout.splitlines() + done.stderr.splitlines()
                        if any(m in line for m in (b"error[", b"warning[", b"note[", b"error:"))
                    ]
                    longest = max(map(len, findings), default=0)
                    if why is None and longest > 4096:
                        why = f"a diagnostic line of {longest} bytes"
                except subprocess.TimeoutExpired:
                    why = f"timeout after {args.timeout} s"
                    done = None
                took = time.monotonic() - t0
                if took > slowest[0]:
                    slowest = (took, " ".join(command) + f" on a mutation of {seed.name} ({len(data)} bytes)")
                left = sorted(p.name for p in work.iterdir() if p.name not in (target.name, "out.ovf"))
                if why is None and left:
                    why = f"left behind: {left}"
                if why:
                    failures += 1
                    artifacts.mkdir(parents=True, exist_ok=True)
                    keep = artifacts / f"seed{args.seed}-case{n}{seed.suffix}"
                    keep.write_bytes(data)
                    keep.with_suffix(keep.suffix + ".cmd").write_text(
                        " ".join(command) + f"\n{why}\nfrom {seed}\n"
                        + (done.stderr.decode("utf-8", "replace")[-2000:] if done else "")
                    )
                    print(f"FAIL {why}: {' '.join(command)} ({keep})", flush=True)
            shutil.rmtree(work)
    elapsed = time.monotonic() - started
    print(
        f"{args.count} inputs, {runs} runs in {elapsed:.0f} s, exit codes {dict(sorted(codes.items()))}: "
        f"{failures} failure(s); "
        f"slowest {slowest[0]:.2f} s ({slowest[1]})"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
