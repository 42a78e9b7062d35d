"""The site's URLs plus MEDIA_URL served from MEDIA_ROOT, as `runserver` does
with DEBUG on (yumroad/urls.py adds that route only then), read at request
time so a test's MEDIA_ROOT applies."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from yumroad.urls import urlpatterns as site_urlpatterns


def serve_media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", serve_media), *site_urlpatterns]
