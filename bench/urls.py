from django.http import HttpResponse
from django.urls import path

from yumroad.urls import urlpatterns as site_urlpatterns


def baseline(request):
    """A constant page through the same settings, middleware and server.

    Its throughput is the ceiling a real page is compared with: the cost of
    gunicorn, WSGI and the middleware with no database and no template.
    """
    return HttpResponse("ok")


# First, so that the baseline pays for no URL pattern but its own.
urlpatterns = [path("bench/baseline/", baseline), *site_urlpatterns]
