from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import views

# The admin's own name for itself ("Django administration") tells staff
# nothing about which site they are running.
admin.site.site_header = "Yumroad administration"
admin.site.site_title = "Yumroad administration"
admin.site.index_title = "Stores, products and sales"
# The app list down the side (300 px) and the filters down the other left
# a list half of a 1280 px screen; the breadcrumbs and the index page lead
# to the other models.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("products.urls")),
    path("", include("orders.urls")),
    path("dashboard/", include("dashboard.urls")),
]
# Serves uploads in development only (static() is a no-op without DEBUG).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
