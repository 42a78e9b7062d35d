"""`make bench`: throughput, latency and SQL queries of the main pages.

Builds a database with demo data (a throw-away SQLite file, or DATABASE_URL's
database), serves the site with gunicorn as production does (DEBUG off,
whitenoise's manifest storage), drives each page with wrk and prints one
markdown table. Each page's throughput is compared with a baseline page that
returns a constant through the same settings, middleware and server.

SQL queries are counted in this process with Django's test client, once with
a few demo products and once with the full set: a list page whose count grows
with the data runs a query per row.

Knobs (environment): BENCH_DURATION (seconds of load per page, default 10),
BENCH_STORES (100), BENCH_PRODUCTS (10000), BENCH_SMALL_PRODUCTS (10),
BENCH_CONNECTIONS (16), BENCH_WORKERS (gunicorn workers, 2), DATABASE_URL.

Exits non-zero when a page answers anything but 200, when wrk sees any error
under load, or when a page's query count grows with the data.
"""

import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
TARGET_PERCENT = 30
SEARCH_WORD = "Cozy"  # the first adjective of seed_demo's product names


def knob(name, default):
    return int(os.environ.get(name, default))


DURATION = knob("BENCH_DURATION", 10)
STORES = knob("BENCH_STORES", 100)
PRODUCTS = knob("BENCH_PRODUCTS", 10_000)
SMALL_PRODUCTS = knob("BENCH_SMALL_PRODUCTS", 10)
CONNECTIONS = knob("BENCH_CONNECTIONS", 16)
WORKERS = knob("BENCH_WORKERS", 2)


class BenchError(Exception):
    pass


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise BenchError("wrk is missing: install it with `sudo apt-get install -y wrk`.")
    log("installing wrk with apt-get")
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], stdout=subprocess.DEVNULL, check=True)
        subprocess.run(install, stdout=subprocess.DEVNULL, check=True)


def manage(*args):
    # Its output goes with the progress messages, leaving stdout to the table.
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, stdout=sys.stderr, check=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_status(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def demo_pages():
    """(label, path) of the pages to measure, the baseline first."""
    from accounts.models import User
    from orders.management.commands.seed_demo import DEMO_LOGIN

    store = User.objects.select_related("store").get(email=DEMO_LOGIN).store
    product = store.products.order_by("pk").first()
    if product is None:
        raise BenchError(f"the demo store {store.slug} has no product to measure")
    return [
        ("baseline (constant page)", "/bench/baseline/"),
        ("home", "/"),
        ("catalog", "/products/"),
        ("catalog page 400", "/products/?page=400"),
        (f"search “{SEARCH_WORD}”", f"/products/?q={SEARCH_WORD}"),
        ("store", store.get_absolute_url()),
        ("product", product.get_absolute_url()),
        ("login", "/accounts/login/"),
    ]


def count_queries(pages):
    """SQL queries of one anonymous GET of each page rendered anew.

    A warm-up GET first, then the visitor cache is emptied so the count is
    that of a full render (a cached page reads only the catalog version).
    """
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {}
    for _, path in pages:
        client.get(path)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise BenchError(f"GET {path} answered {response.status_code}, not 200")
        counts[path] = len(queries)
    connection.close()
    return counts


def start_gunicorn(port, log_path):
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "yumroad.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={WORKERS}",
        "--log-level=warning",
    ]
    with open(log_path, "wb") as log_file:
        # Its own session: a Ctrl-C reaches this script, which stops it.
        return subprocess.Popen(
            command, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_until_ready(server, port, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited ({server.returncode}):\n{log_path.read_text()}")
        try:
            if get_status(port, "/bench/baseline/") == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer within {timeout}s:\n{log_path.read_text()}")


def stop(server):
    if server is None or server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def run_wrk(port, path):
    command = [
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{DURATION}s",
        "--latency",
        "-s",
        str(WRK_SCRIPT),
        f"http://127.0.0.1:{port}{path}",
    ]
    wrk = subprocess.run(command, capture_output=True, text=True)
    output = wrk.stdout
    if wrk.returncode != 0:
        raise BenchError(f"wrk failed on {path} ({wrk.returncode}):\n{output}{wrk.stderr}")
    for line in output.splitlines():
        if line.startswith("BENCH-JSON "):
            result = json.loads(line.removeprefix("BENCH-JSON "))
            break
    else:
        raise BenchError(f"no result from wrk for {path}:\n{output}")
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(
        result[kind] for kind in ("connect", "read", "write", "timeout", "status")
    )
    return result


def milliseconds(microseconds):
    return f"{microseconds / 1000:.1f} ms"


def table(pages, results, small_counts, counts):
    baseline_rps = results[pages[0][1]]["rps"]
    lines = [
        "| page | requests/s | p50 | p99 | errors | SQL queries "
        f"| SQL at {SMALL_PRODUCTS} products | % of baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, path in pages:
        result = results[path]
        percent = 100 * result["rps"] / baseline_rps
        mark = "" if percent >= TARGET_PERCENT else " ⚠"
        lines.append(
            f"| {label} `{path}` | {result['rps']:.0f} | {milliseconds(result['p50_us'])} "
            f"| {milliseconds(result['p99_us'])} | {result['errors']} | {counts[path]} "
            f"| {small_counts[path]} | {percent:.0f}%{mark} |"
        )
    return "\n".join(lines)


def database_name(connection):
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    if connection.vendor == "postgresql":
        return f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"
    return connection.display_name


def machine():
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{len(os.sched_getaffinity(0))} CPUs (nproc), {memory:.0f} GiB, {platform.machine()}, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f} before the run"
    )


def bench(workdir):
    from_env = bool(os.environ.get("DATABASE_URL"))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="false",
        DJANGO_HTTPS="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Production settings name their payment provider; no page measured pays.
        PAYMENT_PROVIDER="test",
        BENCH_STATIC_ROOT=str(workdir / "static"),
    )
    if not from_env:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        os.environ["DJANGO_MEDIA_ROOT"] = str(workdir / "media")
        os.environ["DJANGO_PRIVATE_ROOT"] = str(workdir / "private")
    sys.path.insert(0, str(ROOT))

    host = machine()
    log("migrating " + ("DATABASE_URL's database" if from_env else "a throw-away SQLite file"))
    manage("migrate", "--noinput", "-v0")
    log("collecting static files")
    manage("collectstatic", "--noinput", "-v0")

    # A few products first, then topped up to the full set: the same pages
    # are counted at both sizes.
    reset = ["--reset"] if from_env else []
    seed = ["seed_demo", "--force", "--stores", str(STORES)]
    log(f"seeding {STORES} stores, {SMALL_PRODUCTS} products")
    manage(*seed, "--products", str(SMALL_PRODUCTS), *reset)

    import django

    django.setup()
    from django.db import connection

    pages = demo_pages()
    small_counts = count_queries(pages)
    log(f"seeding {STORES} stores, {PRODUCTS} products")
    manage(*seed, "--products", str(PRODUCTS))
    counts = count_queries(pages)
    database = database_name(connection)
    database += " (DATABASE_URL)" if from_env else " (throw-away file)"
    connection.close()

    port = free_port()
    log_path = workdir / "gunicorn.log"
    server = start_gunicorn(port, log_path)
    try:
        wait_until_ready(server, port, log_path)
        # Warm every worker up (templates, URL resolver) and check each page.
        for _, path in pages:
            for _ in range(2 * WORKERS):
                status = get_status(port, path)
                if status != 200:
                    raise BenchError(f"GET {path} answered {status} under gunicorn, not 200")
        results = {}
        for label, path in pages:
            log(f"{DURATION}s of load on {label}: {path}")
            results[path] = run_wrk(port, path)
    finally:
        stop(server)

    print(
        f"{host}, {database}; {STORES} stores, {PRODUCTS} products; "
        f"gunicorn {WORKERS} sync workers; wrk -t2 -c{CONNECTIONS} -d{DURATION}s per page\n"
    )
    print(table(pages, results, small_counts, counts))

    problems = []
    for label, path in pages:
        if results[path]["errors"] or not results[path]["requests"]:
            problems.append(f"{label}: {results[path]['errors']} errors under load")
        if counts[path] != small_counts[path]:
            problems.append(
                f"{label}: {counts[path]} queries at {PRODUCTS} products, "
                f"{small_counts[path]} at {SMALL_PRODUCTS}"
            )
    slow = [
        label
        for label, path in pages
        if 100 * results[path]["rps"] / results[pages[0][1]]["rps"] < TARGET_PERCENT
    ]
    if slow:
        print(f"\nBelow {TARGET_PERCENT}% of the baseline (⚠): {', '.join(slow)}")
    return problems


def main():
    # `kill` stops the run the same way as Ctrl-C: through the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="yumroad-bench-"))
    try:
        ensure_wrk()
        problems = bench(workdir)
    except (BenchError, subprocess.CalledProcessError) as error:
        print(f"bench: failed: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for problem in problems:
        print(f"bench: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
