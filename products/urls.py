from django.urls import path

from . import views

app_name = "products"

urlpatterns = [
    path("products/", views.index, name="index"),
    path("products/create/", views.create, name="create"),
    path("products/<int:pk>/", views.detail, name="detail"),
]
