import logging
import uuid

from django.core.cache import cache
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache

from products.decorators import cache_for_visitors
from products.models import Product, Store

logger = logging.getLogger(__name__)

FEATURED_STORES = 6
NEWEST_PRODUCTS = 8


@cache_for_visitors
def home(request):
    # Lazy: built only when the template's cached fragment is not in the cache.
    return render(
        request,
        "home.html",
        {
            "stores": SimpleLazyObject(lambda: Store.objects.featured()[:FEATURED_STORES]),
            "products": SimpleLazyObject(lambda: Product.objects.for_listing()[:NEWEST_PRODUCTS]),
        },
    )


def csrf_failure(request, reason=""):
    """Styled page for a rejected form post, e.g. after the session expired."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)


def _database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def _cache_answers():
    # A key of its own: servers sharing the cache check it at the same time.
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, True, 10)
    answers = cache.get(key) is True
    cache.delete(key)
    return answers


def _storage_answers():
    # A name that is never stored: the answer (False) proves the storage replied.
    for alias in ["default", "private"]:
        storages[alias].exists("healthz")
    return True


HEALTH_CHECKS = {
    "database": _database_answers,
    "cache": _cache_answers,
    "storage": _storage_answers,
}


@never_cache
def healthz(request):
    """For the load balancer: 200 when this server reaches the database, the
    cache and file storage; 503 naming what it cannot reach. The answer holds
    only those names: the reason goes to the log."""
    failing = []
    for part, check in HEALTH_CHECKS.items():
        try:
            answers = check()
        except Exception:
            # Any error at all means the part is down; the log keeps why.
            logger.exception("Health check: the %s failed", part)
            answers = False
        else:
            if not answers:
                logger.error("Health check: the %s gave a wrong answer", part)
        if not answers:
            failing.append(part)
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    return JsonResponse({"status": "ok"})
