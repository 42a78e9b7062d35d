"""How django-axes sees a login attempt, and what a locked-out visitor gets.

The settings name these (AUTHENTICATION_BACKENDS, AXES_USERNAME_CALLABLE,
AXES_CLIENT_IP_CALLABLE, AXES_LOCKOUT_CALLABLE).
"""

import ipaddress

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from .models import User


class LockoutBackend(AxesStandaloneBackend):
    """Refuses logins of a locked-out email and address before the password is checked.

    Axes' own backend also refuses any authenticate() without a request;
    those come from code, not from a visitor (the shell, the test client's
    `login()`), so here they pass unchecked. Every login page passes the
    request: ours through LoginForm, the admin's through Django's form.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def attempted_email(request, credentials=None):
    """The email a login tried, stored as accounts store it.

    Our form sends `email`, the admin's form `username`; normalising means
    "Creator@Example.com" and "creator@example.com" count as one account,
    so changing the case does not buy an attacker more tries.
    """
    source = credentials or request.POST
    email = User.objects.normalize_email(source.get("email") or source.get("username"))
    return email or None


def client_ip(request):
    """The visitor's address.

    With DJANGO_PROXY_COUNT proxies in front, the address the outermost of
    them saw: each proxy appends the address it got the request from to
    X-Forwarded-For, so entries further left are the client's own claims and
    never trusted. Without proxies, or with a header that does not fit,
    the connection's address.
    """
    count = settings.PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= count:
            address = forwarded[-count].strip()
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """Our page for a locked-out login (ours or the admin's), not axes' bare text.

    429 Too Many Requests, with the wait in Retry-After; never cached.
    """
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60)
    response = render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(int(cool_off.total_seconds()))
    add_never_cache_headers(response)
    return response
