from django import forms
from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from yumroad.admin import SafeDatesMixin
from yumroad.request_limits import max_body_size

from .forms import MAX_PRODUCT_FORM_BYTES, MoneyField, PictureField
from .models import Product, Store
from .pictures import smallest_size_url

# Pictures uploaded in the admin are checked and re-encoded as in the
# product form: no metadata, no oversized pixels, a generated name.
PICTURE_FIELD = {models.ImageField: {"form_class": PictureField}}
# The admin's product forms take the product form's uploads.
allows_product_uploads = max_body_size(MAX_PRODUCT_FORM_BYTES)


class ProductAdminForm(forms.ModelForm):
    """The price in dollars, as creators type it on the product form; the
    database keeps cents."""

    price_cents = MoneyField(label="Price", help_text="In US dollars. 0 makes the product free.")

    class Meta:
        model = Product
        fields = [
            "store",
            "name",
            "description",
            "price_cents",
            "pay_what_you_want",
            "picture",
            "file",
        ]


class ProductUploadsMixin:
    """For the admin pages whose forms take a product's file and picture."""

    @allows_product_uploads
    def add_view(self, request, form_url="", extra_context=None):
        return super().add_view(request, form_url, extra_context)

    @allows_product_uploads
    def change_view(self, request, object_id, form_url="", extra_context=None):
        return super().change_view(request, object_id, form_url, extra_context)


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
    form = ProductAdminForm
    fields = ["name", "price_cents", "picture", "created_at"]
    readonly_fields = ["created_at"]
    extra = 0
    show_change_link = True
    formfield_overrides = PICTURE_FIELD


@admin.register(Store)
class StoreAdmin(SafeDatesMixin, ProductUploadsMixin, admin.ModelAdmin):
    # Its inline products take pictures: ProductUploadsMixin.
    # Explicit: the product count's GROUP BY drops the model's default ordering,
    # and the autocomplete pages through the stores.
    ordering = ["name", "pk"]
    list_display = ["name", "owner", "product_count", "created_at"]
    list_select_related = ["owner"]
    list_filter = ["created_at"]
    search_fields = ["name", "slug", "owner__email"]
    readonly_fields = ["slug", "created_at"]
    autocomplete_fields = ["owner"]
    inlines = [ProductInline]
    formfield_overrides = PICTURE_FIELD  # the avatar, as the store form takes it

    def get_queryset(self, request):
        return super().get_queryset(request).with_product_count()

    @admin.display(description="products", ordering="product_count")
    def product_count(self, store):
        return store.product_count


@admin.register(Product)
class ProductAdmin(SafeDatesMixin, ProductUploadsMixin, admin.ModelAdmin):
    form = ProductAdminForm
    list_display = ["name", "store", "owner", "price", "created_at", "archived_at"]
    list_select_related = ["store__owner"]
    list_filter = ["created_at", PriceListFilter, "pay_what_you_want", ArchivedListFilter]
    search_fields = ["name", "store__name", "store__owner__email"]
    readonly_fields = ["picture_preview", "file_name", "created_at", "updated_at", "archived_at"]
    autocomplete_fields = ["store"]
    date_hierarchy = "created_at"
    formfield_overrides = PICTURE_FIELD

    def save_model(self, request, obj, form, change):
        # As the product form does: buyers download the file under the
        # name it was uploaded with, not the generated one it is stored under.
        if "file" in form.changed_data:
            obj.file_name = form.cleaned_data["file"].name if form.cleaned_data["file"] else ""
        super().save_model(request, obj, form, change)

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
        return format_html(
            '<img src="{}" alt="" class="picture-preview">', smallest_size_url(product.picture)
        )
