#!/usr/bin/env python3
"""lxml parse + XSD validation throughput, for bench/ovf-lxml.sh.

  ovf-lxml.py XSD_DIR ROUNDS PATH...

Each PATH (a file, or a directory read recursively for *.ovf) is one row: every file is
parsed by lxml (libxml2) and validated against DSP8023 (1.1.1 for the /envelope/1 and
VMware 0.9 namespaces, 2.0.1 for /envelope/2), ROUNDS times, in this one process; the
schemas are compiled once, before timing. Prints bytes, rounds, and MB/s of this thread's
processor time (time.thread_time: other processes on a shared machine do not inflate it).
Files lxml cannot parse are left out of the row (tern's bench reads the same list).
"""
import pathlib
import sys
import time

from lxml import etree


def files(path):
    p = pathlib.Path(path)
    if p.is_file():
        return [p]
    return sorted(f for f in p.rglob("*") if f.suffix.lower() == ".ovf")


def main():
    xsd_dir, rounds, paths = pathlib.Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    schemas = {
        1: etree.XMLSchema(etree.parse(str(xsd_dir / "ovf-1.1.1/dsp8023_1.1.1.xsd"))),
        2: etree.XMLSchema(etree.parse(str(xsd_dir / "ovf-2.0.1/dsp8023_2.0.1.xsd"))),
    }
    for path in paths:
        data = []
        for f in files(path):
            b = f.read_bytes()
            try:
                etree.fromstring(b)
            except Exception:
                continue
            data.append((b, 2 if b"schemas.dmtf.org/ovf/envelope/2" in b else 1))
        size = sum(len(b) for b, _ in data)
        if not size:
            continue
        n = rounds or max(3, (64 << 20) // size)
        valid = 0
        start = time.thread_time()
        for _ in range(n):
            for b, version in data:
                doc = etree.fromstring(b)
                valid += schemas[version].validate(doc)
        secs = time.thread_time() - start
        name = pathlib.Path(path).name + (f" ({len(data)} files)" if len(data) > 1 else "")
        print(f"{name}\t{size}\t{n}\t{n * size / 1e6 / secs:.1f}\t{valid // n}")


if __name__ == "__main__":
    main()
