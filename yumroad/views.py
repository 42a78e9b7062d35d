from django.shortcuts import render

from products.decorators import cache_for_visitors
from products.models import Product, Store

FEATURED_STORES = 6
NEWEST_PRODUCTS = 8


@cache_for_visitors
def home(request):
    return render(
        request,
        "home.html",
        {
            "stores": Store.objects.featured()[:FEATURED_STORES],
            "products": Product.objects.for_listing()[:NEWEST_PRODUCTS],
        },
    )


def csrf_failure(request, reason=""):
    """Styled page for a rejected form post, e.g. after the session expired."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
