from django.contrib import admin
from django.utils.html import format_html

from .models import Product, Store


class PriceListFilter(admin.SimpleListFilter):
    title = "price"
    parameter_name = "price"

    def lookups(self, request, model_admin):
        return [("free", "Free"), ("paid", "Paid")]

    def queryset(self, request, queryset):
        if self.value() == "free":
            return queryset.filter(price_cents=0)
        if self.value() == "paid":
            return queryset.filter(price_cents__gt=0)
        return queryset


class ArchivedListFilter(admin.SimpleListFilter):
    title = "on sale"
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", "Listed"), ("yes", "Archived")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


class ProductInline(admin.TabularInline):
    model = Product
    fields = ["name", "price_cents", "picture", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0
    show_change_link = True


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "product_count", "created_at"]
    list_select_related = ["owner"]
    list_filter = ["created_at"]
    search_fields = ["name", "slug", "owner__email"]
    readonly_fields = ["slug", "created_at"]
    autocomplete_fields = ["owner"]
    inlines = [ProductInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_product_count()

    @admin.display(description="products", ordering="product_count")
    def product_count(self, store):
        return store.product_count


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "store", "owner", "price", "created_at", "archived_at"]
    list_select_related = ["store__owner"]
    list_filter = ["created_at", PriceListFilter, "pay_what_you_want", ArchivedListFilter]
    search_fields = ["name", "store__name", "store__owner__email"]
    readonly_fields = ["picture_preview", "file_name", "created_at", "updated_at", "archived_at"]
    autocomplete_fields = ["store"]
    date_hierarchy = "created_at"

    @admin.display(ordering="store__owner__email")
    def owner(self, product):
        return product.store.owner

    @admin.display(description="price", ordering="price_cents")
    def price(self, product):
        return product.price

    @admin.display(description="current picture")
    def picture_preview(self, product):
        if not product.picture:
            return "No picture"
        return format_html('<img src="{}" alt="" style="max-width: 240px">', product.picture.url)
