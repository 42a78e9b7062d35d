from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("sales.csv", views.sales_csv, name="sales_csv"),
    path("orders/<uuid:public_id>/refund/", views.refund, name="refund"),
    path("codes/", views.codes, name="codes"),
    path("codes/<int:pk>/deactivate/", views.code_deactivate, name="code_deactivate"),
]
