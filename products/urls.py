from django.urls import path

from . import views

app_name = "products"

urlpatterns = [
    path("products/", views.index, name="index"),
    path("products/create/", views.create, name="create"),
    path("products/<int:pk>/", views.detail, name="detail"),
    path("products/<int:pk>/edit/", views.edit, name="edit"),
    path("products/<int:pk>/delete/", views.delete, name="delete"),
    path("stores/", views.store_index, name="store_index"),
    path("stores/<slug:slug>/", views.store_detail, name="store_detail"),
    path("stores/<slug:slug>/edit/", views.store_edit, name="store_edit"),
]
