"""Run by bench/run.py in a process of its own: one creator's sales CSV,
streamed through Django's test client, and what it cost.

Prints one JSON line: seconds, bytes and lines of the export; the process's
resident memory just before it, once the first EARLY_LINES lines are out, and
at the end; and its peak. A warm-up export of a small store first loads the
code. Streamed rows take what the first chunk needs and no more: the peak
stays a few MiB over the start and the memory is flat from the early mark to
the end, where rows gathered in a list would add tens of MiB.

The peak is the kernel's VmHWM, not getrusage's ru_maxrss: on Linux that one
keeps the high-water mark of the parent it was forked from across exec.

Usage: csv_export.py EMAIL WARM_UP_EMAIL (the settings come from the
environment, as run.py sets them).
"""

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

URL = "/dashboard/sales.csv"
EARLY_LINES = 10_000


def memory_mib(field):
    """A memory line of /proc/self/status (given in kB), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def resident_mib():
    return memory_mib("VmRSS")


def peak_mib():
    return memory_mib("VmHWM")


def export(client):
    """(bytes, lines, resident MiB once EARLY_LINES lines are out or None)
    of the CSV, read chunk by chunk and never kept."""
    response = client.get(URL)
    if response.status_code != 200 or not response.streaming:
        raise SystemExit(
            f"GET {URL} answered {response.status_code}, streaming={response.streaming}"
        )
    size = lines = 0
    early = None
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
        if early is None and lines >= EARLY_LINES:
            early = resident_mib()
    response.close()
    return size, lines, early


def main(email, warm_up_email):
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User

    def logged_in(address):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(email=address))
        return client

    export(logged_in(warm_up_email))
    client = logged_in(email)
    before = resident_mib()
    start = time.perf_counter()
    size, lines, early = export(client)
    seconds = time.perf_counter() - start
    result = {
        "seconds": seconds,
        "bytes": size,
        "lines": lines,
        "early_lines": EARLY_LINES,
        "rss_before_mib": before,
        "rss_early_mib": early,
        "rss_after_mib": resident_mib(),
        "peak_mib": peak_mib(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:])
