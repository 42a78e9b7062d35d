from django.shortcuts import render

from products.models import Product


def home(request):
    products = Product.objects.for_listing()[:8]
    return render(request, "home.html", {"products": products})


def csrf_failure(request, reason=""):
    """Styled page for a rejected form post, e.g. after the session expired."""
    return render(request, "403_csrf.html", {"reason": reason}, status=403)
