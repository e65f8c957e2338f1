"""Times ooi 1.2.0's request parsers on the corpus `cargo bench -p tern-occi` writes when
TERN_BENCH_DUMP is set, else in $TMPDIR/tern-ooi-corpus (records separated by a line holding
only U+001E). `cargo bench -p tern-occi` runs this script itself when a Python with ooi is
found (OOI_PYTHON, else /tmp/ooi-venv/bin/python) and prints the ratio to tern's time.

Setup (scratch virtualenv, nothing installed system-wide):
    python3 -m venv /tmp/ooi-venv
    /tmp/ooi-venv/bin/pip install --no-deps ooi==1.2.0 && /tmp/ooi-venv/bin/pip install six webob
    TERN_BENCH_DUMP=/tmp/occi-corpus cargo bench -p tern-occi
    /tmp/ooi-venv/bin/python bench/ooi_parse.py /tmp/occi-corpus
ooi's package imports OpenStack logging and configuration; only its parsers module is
loaded here, with `collections.Mapping` shimmed for Python >= 3.10 and a stand-in logger.
"""
import collections
import collections.abc
import importlib.util
import logging
import pathlib
import sys
import time
import types

collections.Mapping = collections.abc.Mapping
collections.Sequence = collections.abc.Sequence
sys.modules["oslo_log"] = types.SimpleNamespace(log=types.SimpleNamespace(getLogger=logging.getLogger))

import ooi  # noqa: E402  (the package itself imports nothing heavy)

spec = importlib.util.spec_from_file_location("ooi_parsers", pathlib.Path(ooi.__file__).parent / "wsgi" / "parsers.py")
parsers = importlib.util.module_from_spec(spec)
spec.loader.exec_module(parsers)


def records(path):
    return [r for r in path.read_text().split("\n\x1e\n") if r.strip()]


def headers_of(text):
    hdrs = collections.defaultdict(list)
    for line in text.splitlines():
        name, value = line.split(":", 1)
        hdrs[name].append(value.strip())
    return {k: ", ".join(v) for k, v in hdrs.items()}


def best_of(n, fn, clock=time.perf_counter):
    fn()
    times = []
    for _ in range(n):
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def main():
    corpus = pathlib.Path(sys.argv[1])
    cases = [
        ("text/plain", "plain.txt", lambda t: parsers.TextParser({}, t).parse()),
        ("text/occi", "occi.hdr", None),
        ("application/occi+json", "json", lambda t: parsers.JsonParser({}, t).parse()),
    ]
    for media, name, parse in cases:
        docs = records(corpus / name)
        size = sum(len(d.encode()) for d in docs)
        if parse is None:
            hdr_docs = [headers_of(d) for d in docs]
            run = lambda: [parsers.HeaderParser(h, None).parse() for h in hdr_docs]  # noqa: E731
        else:
            run = lambda: [parse(d) for d in docs]  # noqa: E731
        secs = best_of(5, run)
        # This thread's processor time: what other processes on the machine do not inflate.
        cpu = best_of(5, run, time.thread_time)
        print(f"ooi {media:<28} {len(docs)} docs {secs * 1e3:9.1f} ms {size / secs / 1e6:8.1f} MB/s {len(docs) / secs:10.0f} docs/s {cpu * 1e3:9.1f} ms CPU")


if __name__ == "__main__":
    main()
