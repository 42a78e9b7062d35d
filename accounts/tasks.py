"""Account emails, sent by the task queue (django-tasks), never inside a request."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django_tasks import task


@task()
def send_password_reset(email):
    """Email a reset link to the active account with this address, if any.

    Django's own form does the work (the lookup, the one-time token, the
    email); only the link's start comes from SITE_URL, as there is no
    request here.
    """
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    form.save(
        domain_override=site.netloc,
        use_https=site.scheme == "https",
        subject_template_name="accounts/password_reset_subject.txt",
        email_template_name="accounts/password_reset_email.txt",
    )
