"""`make bench-scale`: how the catalog pages' render time and SQL queries
grow from 10,000 products in 100 stores to 100,000 in 1,000.

Builds the demo data with seed_demo as `make bench` does (a throw-away SQLite
file, or DATABASE_URL's database, reset first), then renders each page with
Django's test client, logged in as the demo buyer so that no visitor cache
answers, and with the cache emptied before every render: the median of
SCALE_RENDERS full renders. Prints one markdown table.

Knobs (environment): SCALE_RENDERS (20), SCALE_SMALL_PRODUCTS (10000),
SCALE_SMALL_STORES (100), SCALE_PRODUCTS (100000), SCALE_STORES (1000),
DATABASE_URL.

Exits non-zero when a page answers anything but 200, when its query count
grows with the data, or when a render takes TARGET_RATIO times its time at
the smaller size or more.
"""

import statistics
import sys
import time
from pathlib import Path

from run import SEARCH_WORD, BenchError, database_name, knob, log, machine, prepare, run

ROOT = Path(__file__).resolve().parent.parent
RENDERS = knob("SCALE_RENDERS", 20)
SIZES = [
    (knob("SCALE_SMALL_PRODUCTS", 10_000), knob("SCALE_SMALL_STORES", 100)),
    (knob("SCALE_PRODUCTS", 100_000), knob("SCALE_STORES", 1_000)),
]
TARGET_RATIO = 3
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pages():
    """(label, path) of each page measured; the catalog's last page by its
    number, as its pager links it."""
    from products.models import Product
    from products.views import CATALOG_MAX_PAGES, PRODUCTS_PER_PAGE, CappedPaginator

    listing = Product.objects.for_listing()
    last = CappedPaginator(listing, PRODUCTS_PER_PAGE, CATALOG_MAX_PAGES).num_pages
    return [
        ("landing", "/"),
        (f"search “{SEARCH_WORD}”", f"/products/?q={SEARCH_WORD}"),
        ("catalog, last page", f"/products/?page={last}"),
        ("stores", "/stores/"),
    ]


def measure(client, path):
    """(median milliseconds of RENDERS full renders, SQL queries of one)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)  # warm-up: templates, URL resolver
    timings = []
    for _ in range(RENDERS):
        cache.clear()
        start = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise BenchError(f"GET {path} answered {response.status_code}, not 200")
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return 1000 * statistics.median(timings), len(queries)


def buyer_client():
    from django.test import Client

    from accounts.models import User
    from orders.management.commands.seed_demo import DEMO_BUYER

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=DEMO_BUYER))
    return client


def scale(workdir):
    from_env = prepare(workdir)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    results = []
    for number, (products, stores) in enumerate(SIZES):
        reset = ["--reset"] if from_env and number == 0 else []
        log(f"seeding {stores} stores, {products} products")
        # In this process, with a fast hasher: hashing a thousand demo
        # creators' passwords as production does would take minutes.
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            call_command(
                "seed_demo",
                "--force",
                f"--stores={stores}",
                f"--products={products}",
                *reset,
                stdout=sys.stderr,
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would, after a bulk load
        client = buyer_client()
        results.append({path: (label, *measure(client, path)) for label, path in pages()})
    database = database_name(connection) + (" (DATABASE_URL)" if from_env else "")
    connection.close()

    small, large = SIZES
    print(
        f"{machine()}, {database}; logged in, test client, cache emptied before each "
        f"render, median of {RENDERS}\n"
    )
    print(
        f"| page | ms at {small[0]:,} products | ms at {large[0]:,} | ratio "
        f"| SQL queries at {small[0]:,} | at {large[0]:,} |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    problems = []
    # The last page's path differs with the size: pair the pages by position.
    for (_, (label, small_ms, small_sql)), (_, (_, large_ms, large_sql)) in zip(
        results[0].items(), results[1].items(), strict=True
    ):
        ratio = large_ms / small_ms
        mark = "" if ratio < TARGET_RATIO else " ⚠"
        print(
            f"| {label} | {small_ms:.1f} | {large_ms:.1f} | {ratio:.1f}×{mark} "
            f"| {small_sql} | {large_sql} |"
        )
        if ratio >= TARGET_RATIO:
            problems.append(f"{label}: {ratio:.1f}× its time at {small[0]:,} products")
        if large_sql != small_sql:
            problems.append(f"{label}: {large_sql} queries, {small_sql} at {small[0]:,}")
    return problems


if __name__ == "__main__":
    sys.exit(run("bench-scale", scale))
