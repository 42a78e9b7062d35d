"""`make bench`: throughput, latency and SQL queries of the main pages.

Builds a database with demo data (a throw-away SQLite file, or DATABASE_URL's
database), serves the site with gunicorn as production does (DEBUG off,
whitenoise's manifest storage), drives each page with wrk and prints one
markdown table. Each page's throughput is compared with a baseline page that
returns a constant through the same settings, middleware and server.

SQL queries are counted in this process with Django's test client, once with
a few demo products and once with the full set: a list page whose count grows
with the data runs a query per row.

The catalog pages are measured twice: for a visitor, and for the demo buyer
logged in (a session made here, its cookie sent by wrk with a CSRF cookie,
as a browser would). So are the login and signup pages (visitors), the
buyer's library (topped up to 50 purchases) and a checkout page, and the
creator's dashboard of the first demo store, topped up to 50,000 orders
over 120 days. The sales CSV of the second demo store, topped up to 100,000
orders, is exported once in a process of its own (bench/csv_export.py): its
time and memory are printed after the table.

Knobs (environment): BENCH_DURATION (seconds of load per page, default 10),
BENCH_STORES (100), BENCH_PRODUCTS (10000), BENCH_SMALL_PRODUCTS (10),
BENCH_DASHBOARD_ORDERS (50000), BENCH_CSV_ORDERS (100000), BENCH_LIBRARY_ORDERS (50),
BENCH_CONNECTIONS (16), BENCH_WORKERS (gunicorn workers, 2), DATABASE_URL.

Exits non-zero when a page answers anything but 200, when wrk sees any error
under load, when a page's query count grows with the data, or when the CSV
export fails, is short of rows or takes memory that grows with them.
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
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
CSV_EXPORT = Path(__file__).resolve().parent / "csv_export.py"
# Each page's target, in % of the baseline's throughput: the catalog's pages
# for visitors come from the visitor cache, so they must come close to it.
TARGET_PERCENT = 30
VISITOR_TARGET_PERCENT = 60
SEARCH_WORD = "Cozy"  # the first adjective of seed_demo's product names


def knob(name, default):
    return int(os.environ.get(name, default))


DURATION = knob("BENCH_DURATION", 10)
STORES = knob("BENCH_STORES", 100)
PRODUCTS = knob("BENCH_PRODUCTS", 10_000)
SMALL_PRODUCTS = knob("BENCH_SMALL_PRODUCTS", 10)
DASHBOARD_ORDERS = knob("BENCH_DASHBOARD_ORDERS", 50_000)
LIBRARY_ORDERS = knob("BENCH_LIBRARY_ORDERS", 50)
CSV_ORDERS = knob("BENCH_CSV_ORDERS", 100_000)
# Streamed, the export takes a chunk's worth of memory (about 4 MiB) whatever
# the number of rows; gathered, 100,000 rows would take tens of MiB.
CSV_GROWTH_MIB = 10
CONNECTIONS = knob("BENCH_CONNECTIONS", 16)
WORKERS = knob("BENCH_WORKERS", 2)
# The bench's orders are paid over this many days, up to now.
ORDER_DAYS = 120
ORDER_BATCH = 5000
# wrk counts a response slower than this as an error. Its default, 2 s, is
# less than the dashboard's queue at 16 connections on 2 workers.
WRK_TIMEOUT = "10s"


class Page(NamedTuple):
    label: str
    path: str
    # A `Cookie` header for a page that needs a login.
    cookie: str | None = None
    target: int = TARGET_PERCENT


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


def get_status(port, path, cookie=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def demo_store(number):
    from accounts.models import User
    from orders.management.commands.seed_demo import DEMO_DOMAIN

    return User.objects.select_related("store").get(email=f"demo{number}@{DEMO_DOMAIN}").store


def session_cookie(user):
    """A `Cookie` header that logs `user` in: a session saved in the
    database, as the test client's force_login makes it, which gunicorn's
    workers read as they would a browser's, and the CSRF cookie a browser
    has kept from an earlier page."""
    from django.conf import settings
    from django.middleware.csrf import CSRF_SECRET_LENGTH
    from django.test import Client
    from django.utils.crypto import get_random_string

    client = Client()
    client.force_login(user)
    return (
        f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
        f"{settings.CSRF_COOKIE_NAME}={get_random_string(CSRF_SECRET_LENGTH)}"
    )


def demo_buyer():
    from accounts.models import User
    from orders.management.commands.seed_demo import DEMO_BUYER

    return User.objects.get(email=DEMO_BUYER)


def product_to_buy(buyer):
    """A product on sale that `buyer` has not bought, so its checkout page opens."""
    from products.models import Product

    product = (
        Product.objects.listed()
        .exclude(file="")
        .exclude(orders__buyer=buyer)
        .order_by("pk")
        .first()
    )
    if product is None:
        raise BenchError(f"{buyer.email} has bought every product: no checkout to measure")
    return product


def demo_pages(to_buy):
    """The pages to measure, the baseline first: the catalog's both ways,
    for a visitor and for the demo buyer logged in, then the pages only a
    visitor or only a logged-in user sees."""
    store = demo_store(1)
    product = store.products.order_by("pk").first()
    if product is None:
        raise BenchError(f"the demo store {store.slug} has no product to measure")
    buyer = demo_buyer()
    buyer_cookie = session_cookie(buyer)
    catalog = [
        ("home", "/"),
        ("catalog", "/products/"),
        ("catalog page 400", "/products/?page=400"),
        (f"search “{SEARCH_WORD}”", f"/products/?q={SEARCH_WORD}"),
        ("stores", "/stores/"),
        ("store", store.get_absolute_url()),
        ("product", product.get_absolute_url()),
    ]
    return [
        Page("baseline (constant page)", "/bench/baseline/"),
        *(Page(label, path, target=VISITOR_TARGET_PERCENT) for label, path in catalog),
        *(Page(f"{label} (logged in)", path, buyer_cookie) for label, path in catalog),
        Page("login", "/accounts/login/"),
        Page("signup", "/accounts/signup/"),
        Page(f"library, {LIBRARY_ORDERS} orders (logged in)", "/library/", buyer_cookie),
        Page("checkout (logged in)", f"/products/{to_buy.pk}/buy/", buyer_cookie),
        Page(
            f"dashboard, {DASHBOARD_ORDERS:,} orders (logged in)",
            "/dashboard/",
            session_cookie(store.owner),
        ),
    ]


def add_purchases(buyer, total, keep):
    """Top `buyer` up to `total` paid orders, each of another product, none
    of them `keep` (whose checkout page is measured)."""
    import random

    from django.utils import timezone

    from orders.management.commands.seed_demo import demo_sale
    from orders.models import Order
    from products.models import Product

    wanted = total - Order.objects.for_buyer(buyer).paid().count()
    products = (Product.objects.exclude(orders__buyer=buyer).exclude(pk=keep.pk).order_by("pk"))[
        :wanted
    ]
    rng = random.Random(buyer.pk)
    now = timezone.now()
    orders = [demo_sale(rng, product, buyer, now, now) for product in products]
    for order in orders:
        order.status, order.refunded_at = Order.Status.PAID, None
    Order.objects.bulk_create(orders)


def add_orders(store, total):
    """Top `store` up to `total` orders by the demo customers over the last
    ORDER_DAYS days, made as seed_demo makes its demo sales (mostly paid,
    some refunded, a few never paid), a batch at a time."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User
    from orders.management.commands.seed_demo import CUSTOMER_EMAILS, demo_sale
    from orders.models import Order

    wanted = total - Order.objects.for_store(store).count()
    products = list(store.products.order_by("pk"))
    buyers = list(User.objects.filter(email__in=CUSTOMER_EMAILS).order_by("pk"))
    if wanted > 0 and not (products and buyers):
        raise BenchError(f"the demo store {store.slug} has no products or no demo customers")
    rng = random.Random(store.pk)
    now = timezone.now()
    first = now - timedelta(days=ORDER_DAYS)
    # Oldest first, so the primary keys follow the dates as real orders' do.
    times = sorted(
        first + timedelta(seconds=rng.uniform(0, ORDER_DAYS * 86400)) for _ in range(wanted)
    )
    for start in range(0, len(times), ORDER_BATCH):
        Order.objects.bulk_create(
            demo_sale(rng, rng.choice(products), rng.choice(buyers), when, now)
            for when in times[start : start + ORDER_BATCH]
        )


def client_for(page):
    """A test client, with the page's login if it has one."""
    from django.test import Client

    headers = {"HTTP_COOKIE": page.cookie} if page.cookie else {}
    return Client(HTTP_HOST="127.0.0.1", **headers)


def export_csv(store, warm_up_store):
    """Time and memory of one export of `store`'s sales CSV, in a process
    of its own so that its peak memory is the export's (bench/csv_export.py)."""
    from orders.models import Order

    command = [sys.executable, str(CSV_EXPORT), store.owner.email, warm_up_store.owner.email]
    export = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if export.returncode != 0:
        raise BenchError(f"the CSV export failed ({export.returncode}):\n{export.stderr}")
    result = json.loads(export.stdout.splitlines()[-1])
    result["sales"] = Order.objects.for_store(store).sales().count()
    return result


def csv_growth(result):
    """MiB the export's process peaked at over its memory before the export."""
    return result["peak_mib"] - result["rss_before_mib"]


def csv_line(store, result):
    early = ""
    if result["rss_early_mib"] is not None:
        early = f"{result['rss_early_mib']:.1f} MiB after {result['early_lines']:,} rows, "
    return (
        f"CSV export `/dashboard/sales.csv` of {store.slug}, {CSV_ORDERS:,} orders "
        f"({result['sales']:,} sales): {result['lines'] - 1:,} rows, "
        f"{result['bytes'] / 2**20:.1f} MiB in {result['seconds']:.1f} s "
        f"({result['sales'] / result['seconds']:,.0f} rows/s); process memory "
        f"{result['rss_before_mib']:.1f} MiB before, {early}"
        f"{result['rss_after_mib']:.1f} MiB at the end, "
        f"peak {result['peak_mib']:.1f} MiB ({csv_growth(result):+.1f} MiB)"
    )


def count_queries(pages):
    """SQL queries of one GET of each page rendered anew, anonymous or
    with the page's login.

    A warm-up GET first, then the visitor cache is emptied so the count is
    that of a full render (a cached page reads only the catalog version).
    """
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in pages:
        client = client_for(page)
        client.get(page.path)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.path)
        if response.status_code != 200:
            raise BenchError(f"GET {page.path} answered {response.status_code}, not 200")
        counts[page.label] = len(queries)
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


def run_wrk(port, path, cookie=None):
    command = [
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{DURATION}s",
        "--latency",
        f"--timeout={WRK_TIMEOUT}",
        "-s",
        str(WRK_SCRIPT),
        *(["-H", f"Cookie: {cookie}"] if cookie else []),
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
    baseline_rps = results[pages[0].label]["rps"]
    lines = [
        "| page | requests/s | p50 | p99 | errors | SQL queries "
        f"| SQL at {SMALL_PRODUCTS} products | % of baseline |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, path, _, target in pages:
        result = results[label]
        percent = 100 * result["rps"] / baseline_rps
        mark = "" if percent >= target else " ⚠"
        # Below 1%, a whole number would read 0%.
        shown = f"{percent:.0f}" if percent >= 1 else f"{percent:.1f}"
        lines.append(
            f"| {label} `{path}` | {result['rps']:.0f} | {milliseconds(result['p50_us'])} "
            f"| {milliseconds(result['p99_us'])} | {result['errors']} | {counts[label]} "
            f"| {small_counts[label]} | {shown}%{mark} |"
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


def prepare(workdir):
    """Set the environment of production (DEBUG off, whitenoise's manifest)
    and make its database and static files: a throw-away SQLite file in
    `workdir`, or DATABASE_URL's database. True if DATABASE_URL's."""
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
    log("migrating " + ("DATABASE_URL's database" if from_env else "a throw-away SQLite file"))
    manage("migrate", "--noinput", "-v0")
    log("collecting static files")
    manage("collectstatic", "--noinput", "-v0")
    return from_env


def bench(workdir):
    ensure_wrk()
    if STORES < 3:
        raise BenchError("BENCH_STORES must be at least 3: the dashboard, the CSV, a warm-up.")
    host = machine()
    from_env = prepare(workdir)

    # A few products first, then topped up to the full set: the same pages
    # are counted at both sizes.
    reset = ["--reset"] if from_env else []
    seed = ["seed_demo", "--force", "--stores", str(STORES)]
    log(f"seeding {STORES} stores, {SMALL_PRODUCTS} products")
    manage(*seed, "--products", str(SMALL_PRODUCTS), *reset)

    import django

    django.setup()
    from django.db import connection

    to_buy = product_to_buy(demo_buyer())
    pages = demo_pages(to_buy)
    small_counts = count_queries(pages)
    log(f"seeding {STORES} stores, {PRODUCTS} products")
    manage(*seed, "--products", str(PRODUCTS))
    dashboard_store, csv_store = demo_store(1), demo_store(2)
    log(f"adding orders: {DASHBOARD_ORDERS:,} for {dashboard_store.slug}")
    add_orders(dashboard_store, DASHBOARD_ORDERS)
    log(f"adding orders: {CSV_ORDERS:,} for {csv_store.slug}")
    add_orders(csv_store, CSV_ORDERS)
    log(f"adding purchases: {LIBRARY_ORDERS} for the demo buyer")
    add_purchases(demo_buyer(), LIBRARY_ORDERS, keep=to_buy)
    counts = count_queries(pages)
    log(f"exporting the sales CSV of {csv_store.slug}")
    csv_result = export_csv(csv_store, warm_up_store=demo_store(3))
    database = database_name(connection)
    database += " (DATABASE_URL)" if from_env else " (throw-away file)"
    connection.close()

    port = free_port()
    log_path = workdir / "gunicorn.log"
    server = start_gunicorn(port, log_path)
    try:
        wait_until_ready(server, port, log_path)
        # Warm every worker up (templates, URL resolver) and check each page.
        for _, path, cookie, _ in pages:
            for _ in range(2 * WORKERS):
                status = get_status(port, path, cookie)
                if status != 200:
                    raise BenchError(f"GET {path} answered {status} under gunicorn, not 200")
        results = {}
        for label, path, cookie, _ in pages:
            log(f"{DURATION}s of load on {label}: {path}")
            results[label] = run_wrk(port, path, cookie)
    finally:
        stop(server)

    print(
        f"{host}, {database}; {STORES} stores, {PRODUCTS} products; "
        f"gunicorn {WORKERS} sync workers; "
        f"wrk -t2 -c{CONNECTIONS} -d{DURATION}s --timeout={WRK_TIMEOUT} per page\n"
    )
    print(table(pages, results, small_counts, counts))
    print(f"\n{csv_line(csv_store, csv_result)}")

    problems = []
    if csv_result["lines"] != csv_result["sales"] + 1:
        problems.append(
            f"CSV export: {csv_result['lines']:,} lines for {csv_result['sales']:,} sales"
        )
    elif csv_growth(csv_result) > CSV_GROWTH_MIB:
        problems.append(
            f"CSV export: memory peaked {csv_growth(csv_result):.1f} MiB over its start "
            f"(streamed rows keep it to a chunk's worth)"
        )
    for label, *_ in pages:
        if results[label]["errors"] or not results[label]["requests"]:
            problems.append(f"{label}: {results[label]['errors']} errors under load")
        if counts[label] != small_counts[label]:
            problems.append(
                f"{label}: {counts[label]} queries at {PRODUCTS} products, "
                f"{small_counts[label]} at {SMALL_PRODUCTS}"
            )
    slow = [
        f"{page.label} ({page.target}%)"
        for page in pages
        if 100 * results[page.label]["rps"] / results[pages[0].label]["rps"] < page.target
    ]
    if slow:
        print(f"\nBelow their target, in % of the baseline (⚠): {', '.join(slow)}")
    return problems


def run(name, measure):
    """`measure(workdir)` in a throw-away folder: the exit code, non-zero if
    it failed or found problems (printed on stderr)."""
    # `kill` stops the run the same way as Ctrl-C: through the finally blocks.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix=f"yumroad-{name}-"))
    try:
        problems = measure(workdir)
    except (BenchError, subprocess.CalledProcessError) as error:
        print(f"{name}: failed: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for problem in problems:
        print(f"{name}: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(run("bench", bench))
