from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from .forms import ProductForm
from .models import Product


def index(request):
    products = Product.objects.for_listing()
    return render(request, "products/index.html", {"products": products})


def detail(request, pk):
    product = get_object_or_404(Product.objects.select_related("store"), pk=pk)
    return render(request, "products/detail.html", {"product": product})


@login_required
def create(request):
    if request.method == "POST":
        form = ProductForm(request.POST)
        if form.is_valid():
            product = form.save(commit=False)
            product.store = request.user.store
            product.save()
            messages.success(request, "Product created.")
            return redirect(product)
    else:
        form = ProductForm()
    return render(request, "products/product_form.html", {"form": form})
