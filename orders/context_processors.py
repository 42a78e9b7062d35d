from django.conf import settings


def payment_mode(request):
    """Whether to show the test-mode strip: a live site (DEBUG off) that
    takes no real payments must say so on every page."""
    return {"payments_in_test_mode": not settings.DEBUG and settings.PAYMENT_PROVIDER == "test"}
