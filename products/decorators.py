from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect


def store_required(view):
    """Log in first, and have a store: products always belong to one.

    Signup opens a store for every creator; accounts made another way
    (createsuperuser, the admin) may have none.
    """

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not hasattr(request.user, "store"):
            messages.error(request, "Your account has no store, so it cannot sell products.")
            return redirect("products:index")
        return view(request, *args, **kwargs)

    return wrapper
