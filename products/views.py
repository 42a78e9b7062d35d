from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.decorators.http import require_POST

from yumroad.request_limits import max_body_size

from .decorators import cache_for_visitors, catalog_cached, store_required
from .forms import (
    MAX_PRODUCT_FORM_BYTES,
    MAX_STORE_FORM_BYTES,
    ProductForm,
    ProductSearchForm,
    StoreForm,
)
from .models import Product, Store

PRODUCTS_PER_PAGE = 12
STORES_PER_PAGE = 12
# A full row of cards at every width (two on phones, four on wide screens).
MORE_FROM_STORE = 4
STORE_INDEX_PRODUCTS = 4
# The catalog pages through its first 1,200 products at most: counting
# the rest, or an OFFSET past them, walks every row and slows down as the
# catalog grows. Search and sort reach the others.
CATALOG_MAX_PAGES = 100


class CappedPaginator(Paginator):
    """Pages through at most `max_pages` pages: the count stops one object
    past them, which tells whether there are more (`is_capped`)."""

    def __init__(self, object_list, per_page, max_pages):
        super().__init__(object_list, per_page)
        self.max_count = per_page * max_pages

    @cached_property
    def counted(self):
        # Unordered: any max_count + 1 rows tell, and the database can stop there.
        return self.object_list.order_by()[: self.max_count + 1].count()

    @property
    def count(self):
        return min(self.counted, self.max_count)

    @property
    def is_capped(self):
        return self.counted > self.max_count


def _page(request, paginator):
    """The requested page of `paginator()`; a missing, bad or out-of-range
    number gives a valid one.

    Lazy, as everything the catalog's cached fragments show: made, counted
    and read only if the template renders it, not when its fragment comes
    from the cache (building the querysets alone cost more than a hit).
    """
    return SimpleLazyObject(lambda: paginator().get_page(request.GET.get("page")))


@cache_for_visitors
def index(request):
    search = SimpleLazyObject(lambda: ProductSearchForm.checked(request.GET))
    return render(
        request,
        "products/index.html",
        {
            "search": search,
            "page_obj": _page(
                request,
                lambda: CappedPaginator(
                    search.filter(Product.objects.for_listing()),
                    PRODUCTS_PER_PAGE,
                    CATALOG_MAX_PAGES,
                ),
            ),
        },
    )


@cache_for_visitors
def detail(request, pk):
    product = catalog_cached(
        request,
        f"listed-product:{pk}",
        lambda: get_object_or_404(Product.objects.listed().select_related("store"), pk=pk),
    )
    more_from_store = SimpleLazyObject(
        lambda: product.store.products.for_listing().exclude(pk=product.pk)[:MORE_FROM_STORE]
    )
    return render(
        request,
        "products/detail.html",
        {
            "product": product,
            "is_owner": product.store.owner_id == request.user.pk,
            "more_from_store": more_from_store,
        },
    )


@max_body_size(MAX_PRODUCT_FORM_BYTES)
@store_required
def create(request):
    if request.method == "POST":
        form = ProductForm(request.POST, request.FILES)
        if form.is_valid():
            product = form.save(commit=False)
            product.store = request.user.store
            # The row and its catalog bump (a post_save receiver) commit
            # together, or neither does and the error page tells the truth.
            # Only the write: on SQLite the transaction holds the database's
            # write lock from its start (IMMEDIATE), so reads stay outside.
            with transaction.atomic():
                product.save()
            messages.success(request, "Product created.")
            return redirect(product)
    else:
        form = ProductForm()
    return render(request, "products/product_form.html", {"form": form})


@max_body_size(MAX_PRODUCT_FORM_BYTES)
@login_required
def edit(request, pk):
    # Someone else's product gives a 404, which hides that it exists.
    product = get_object_or_404(Product.objects.listed().owned_by(request.user), pk=pk)
    if request.method == "POST":
        form = ProductForm(request.POST, request.FILES, instance=product)
        if form.is_valid():
            with transaction.atomic():  # with its catalog bump, as in `create`
                form.save()
            messages.success(request, "Product updated.")
            return redirect(product)
    else:
        form = ProductForm(instance=product)
    return render(request, "products/product_form.html", {"form": form, "product": product})


@require_POST
@login_required
def delete(request, pk):
    product = get_object_or_404(
        Product.objects.listed().owned_by(request.user).select_related("store"), pk=pk
    )
    if product.delete_or_archive():
        messages.success(request, f"Product “{product.name}” deleted.")
    else:
        messages.success(
            request,
            f"Product “{product.name}” archived: it is off sale, "
            "and its buyers keep their downloads.",
        )
    return redirect(product.store)


@cache_for_visitors
def store_index(request):
    return render(
        request,
        "products/store_index.html",
        {
            "page_obj": _page(
                request,
                lambda: Paginator(
                    # A store with nothing on sale would be a heading over an empty grid.
                    Store.objects.with_listed_products().with_newest_products(STORE_INDEX_PRODUCTS),
                    STORES_PER_PAGE,
                ),
            )
        },
    )


@cache_for_visitors
def store_detail(request, slug):
    store = catalog_cached(request, f"store:{slug}", lambda: get_object_or_404(Store, slug=slug))
    return render(
        request,
        "products/store_detail.html",
        {
            "store": store,
            "is_owner": store.owner_id == request.user.pk,
            "page_obj": _page(
                request, lambda: Paginator(store.products.for_listing(), PRODUCTS_PER_PAGE)
            ),
        },
    )


@max_body_size(MAX_STORE_FORM_BYTES)
@login_required
def store_edit(request, slug):
    store = get_object_or_404(Store, slug=slug, owner=request.user)
    if request.method == "POST":
        form = StoreForm(request.POST, request.FILES, instance=store)
        if form.is_valid():
            with transaction.atomic():  # with its catalog bump, as in `create`
                form.save()
            messages.success(request, "Store updated.")
            return redirect(store)
    else:
        form = StoreForm(instance=store)
    return render(request, "products/store_form.html", {"form": form, "store": store})
