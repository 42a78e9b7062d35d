from django.urls import path, register_converter
from django.urls.converters import SlugConverter

from . import views
from .models import SLUG_MAX_LENGTH


class UnicodeSlugConverter(SlugConverter):
    """A slug in any script ("магазин", "東京ストア"); `<slug:>` takes ASCII only."""

    # No longer than a store's slug can be: it goes into cache keys.
    regex = rf"[-\w]{{1,{SLUG_MAX_LENGTH}}}"


register_converter(UnicodeSlugConverter, "unicode_slug")

app_name = "products"

urlpatterns = [
    path("products/", views.index, name="index"),
    path("products/create/", views.create, name="create"),
    path("products/<int:pk>/", views.detail, name="detail"),
    path("products/<int:pk>/edit/", views.edit, name="edit"),
    path("products/<int:pk>/delete/", views.delete, name="delete"),
    path("stores/", views.store_index, name="store_index"),
    path("stores/<unicode_slug:slug>/", views.store_detail, name="store_detail"),
    path("stores/<unicode_slug:slug>/edit/", views.store_edit, name="store_edit"),
]
