from django import template

register = template.Library()


@register.simple_tag
def elided_page_range(page_obj, on_each_side=1, on_ends=1):
    """The page numbers to link around `page_obj`, with the paginator's
    ELLIPSIS for the runs left out: 1 … 4 5 6 … 20. One number each side
    keeps the row on one line of a phone."""
    return page_obj.paginator.get_elided_page_range(
        page_obj.number, on_each_side=on_each_side, on_ends=on_ends
    )
