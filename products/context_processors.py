from django.utils.functional import SimpleLazyObject

from .decorators import FRAGMENT_TIMEOUT, catalog_version, user_store


def catalog(request):
    """What templates' cached fragments are keyed by, and the user's store."""
    return {
        # Read only if a template asks, at most once a request.
        "catalog_version": SimpleLazyObject(lambda: catalog_version(request)),
        "fragment_timeout": FRAGMENT_TIMEOUT,
        # None for visitors and for users without a store. Lazy: read only
        # when the navbar or the footer is not cached.
        "user_store": SimpleLazyObject(lambda: user_store(request)),
    }
