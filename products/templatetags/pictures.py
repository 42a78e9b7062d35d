"""A stored picture's generated sizes in templates (products.pictures)."""

from django import template

from products import pictures

register = template.Library()


@register.filter
def size_url(picture, width):
    """`{{ product.picture|size_url:320 }}`: the URL of one size."""
    return pictures.size_url(picture, width)


@register.filter
def srcset(picture):
    """`{{ product.picture|srcset }}`: every size, for <img srcset>."""
    return pictures.srcset(picture)
