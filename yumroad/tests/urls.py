"""The site's URLs plus views that fail on purpose, for the error pages."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from yumroad.urls import urlpatterns as site_urlpatterns


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("A bug in a view.")


urlpatterns = [
    path("test/forbidden/", forbidden),
    path("test/broken/", broken),
    *site_urlpatterns,
]
