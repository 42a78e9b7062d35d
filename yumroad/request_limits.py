"""Limits on what a request may carry, enforced before Django reads it.

Django reads and parses a whole body the first time anything looks at
`request.POST` or `request.FILES`, and CsrfViewMiddleware does that for
every POST, before any view or view decorator runs; an upload is streamed to
a temporary file however big it is. So the size of the body is checked here,
in a middleware placed before CsrfViewMiddleware, against the limit of the
view the request is for.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.shortcuts import render


def max_body_size(size):
    """Let a view take a request body of up to `size` bytes (one with
    uploads); any other takes at most settings.DATA_UPLOAD_MAX_MEMORY_SIZE.

    Put it above the view's other decorators: the middleware reads it from
    the function the URL resolves to.
    """

    def decorator(view):
        view.max_body_size = size
        return view

    return decorator


def has_nul(query):
    return any("\0" in key or "\0" in value for key, values in query.lists() for value in values)


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The admin puts query values straight into queries (its search, its
        # autocomplete, its filters), and PostgreSQL refuses a NUL in a
        # string with a 500. No real link sends one. (The site's own pages
        # clean their query values in forms, which ignore a NUL.)
        if request.resolver_match.app_name == "admin" and has_nul(request.GET):
            return HttpResponseBadRequest("The address holds a NUL character.")
        limit = getattr(view_func, "max_body_size", settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django then reads no body at all
        if length > limit:
            return render(request, "413.html", {"limit": limit}, status=413)
        return None
