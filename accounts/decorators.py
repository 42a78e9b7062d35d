from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect


def anonymous_required(view):
    """Send a user who is already logged in to the products page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            messages.info(request, "You are already logged in.")
            return redirect("products:index")
        return view(request, *args, **kwargs)

    return wrapper
