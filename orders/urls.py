from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("products/<int:pk>/buy/", views.checkout, name="checkout"),
    path("orders/<uuid:public_id>/", views.detail, name="detail"),
    path("orders/<uuid:public_id>/download/", views.download, name="download"),
    path("library/", views.library, name="library"),
    path("checkout/test/<uuid:public_id>/", views.test_payment, name="test_payment"),
    path("webhooks/stripe/", views.stripe_webhook, name="stripe_webhook"),
]
