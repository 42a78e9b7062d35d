from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from .decorators import anonymous_required
from .forms import LoginForm, SignupForm
from .models import DUPLICATE_EMAIL_MESSAGE

# Signup logs the new user in without a password check; with django-axes'
# backend first in AUTHENTICATION_BACKENDS, login() must be told which one.
MODEL_BACKEND = "accounts.backends.ModelBackend"


def _next_url(request):
    """The `next` the visitor carried here, or "" when it is not safe to follow."""
    url = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, ""))
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@sensitive_post_parameters()
@never_cache
@anonymous_required
def signup(request):
    next_url = _next_url(request)
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            try:
                user = form.save()
            except IntegrityError:
                # The transaction rolled back both rows. Only a signup with
                # this email that committed after our form checked is the
                # visitor's to fix; anything else is our error.
                if not form.email_is_taken():
                    raise
                form.add_error("email", DUPLICATE_EMAIL_MESSAGE)
            else:
                auth_login(request, user, backend=MODEL_BACKEND)
                messages.success(request, "Welcome to Yumroad! Your account and store are ready.")
                return redirect(next_url or "products:index")
    else:
        form = SignupForm()
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


@sensitive_post_parameters()
@never_cache
@anonymous_required
def login(request):
    next_url = _next_url(request)
    if request.method == "POST":
        form = LoginForm(request, request.POST)
        if form.is_valid():
            auth_login(request, form.user)
            messages.success(request, "Logged in successfully.")
            return redirect(next_url or "products:index")
    else:
        form = LoginForm(request)
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


def logout(request):
    if request.method != "POST":
        # Logging out changes state, so it takes a POST (with its CSRF
        # token) and GET stays a 405, as the contract says; but the visitor
        # who typed or followed the address gets a page of ours with the
        # button, not the browser's bare error.
        response = render(request, "accounts/logout_confirm.html", status=405)
        response["Allow"] = "POST"
        return response
    if request.user.is_authenticated:
        auth_logout(request)
        messages.success(request, "You have been logged out.")
    return redirect("products:index")
