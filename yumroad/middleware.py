from django.utils.cache import patch_cache_control


def private_cache_for_users(get_response):
    """Mark every response to a logged-in user `Cache-Control: private`.

    Their pages carry their email, orders and CSRF token: a shared cache (a
    proxy, a CDN) must never keep one and hand it to someone else. The
    browser may still keep it; views that must not be kept at all (the
    downloads) say `no-store` themselves, and that stays. Anonymous pages
    are left alone, so the visitor cache and public caching keep working.
    """

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response

    return middleware
