import hashlib
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import redirect

from .models import CatalogVersion, Store

VISITOR_PAGE_TIMEOUT = 10 * 60
# The parts of pages that are the same for every logged-in user too
# (templates' {% cache %} blocks, keyed by the catalog version).
FRAGMENT_TIMEOUT = VISITOR_PAGE_TIMEOUT


def catalog_version(request):
    """The catalog's version, read once a request, before anything the
    page shows: a change made meanwhile gives the next request a new key."""
    if not hasattr(request, "catalog_version"):
        request.catalog_version = CatalogVersion.current()
    return request.catalog_version


def catalog_cached(request, name, fetch):
    """`fetch()`, from the cache until the catalog changes: the stores and
    products a logged-in page shows (the ORM costs more than the page)."""
    return cache.get_or_set(f"catalog:{catalog_version(request)}:{name}", fetch, FRAGMENT_TIMEOUT)


def user_store(request):
    """The logged-in user's store, or None (visitors, accounts without one);
    from the cache until the catalog changes."""
    user = request.user
    if not user.is_authenticated:
        return None
    store = catalog_cached(
        request, f"user-store:{user.pk}", lambda: Store.objects.filter(owner=user).first()
    )
    if store is not None:
        # Fills the reverse relation's cache: request.user.store makes no query.
        user.store = store
    return store


def store_required(view):
    """Log in first, and have a store: products always belong to one.

    Signup opens a store for every creator; accounts made another way
    (createsuperuser, the admin) may have none.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if user_store(request) is None:
            messages.error(request, "Your account has no store, so it cannot sell products.")
            return redirect("products:index")
        return view(request, *args, **kwargs)

    return wrapper


def cache_for_visitors(view):
    """Serve the same catalog page to every anonymous visitor from the cache.

    Only a GET from a visitor who is not logged in and has no pending flash
    message is cached: those pages carry nothing personal (no email, no CSRF
    token, no message). The key holds the catalog's version, so any change
    to a store or product makes every cached page stale at once.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            request.method != "GET"
            or request.user.is_authenticated
            or len(messages.get_messages(request))
        ):
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"visitor-page:{catalog_version(request)}:{path}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            # A page that used a CSRF token or set a cookie is personal.
            personal = response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            if response.status_code == 200 and not personal:
                cache.set(key, response, VISITOR_PAGE_TIMEOUT)
        return response

    return wrapper
