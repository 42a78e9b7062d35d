"""Settings for `make bench`: the production settings plus a baseline page.

Everything else (middleware, templates, database, static files) is what
yumroad.settings gives for the same environment, so the baseline measures
the same stack as the real pages.
"""

import os

from yumroad.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# collectstatic writes to a throw-away folder, not the project's staticfiles/.
if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
