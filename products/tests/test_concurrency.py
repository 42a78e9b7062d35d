"""Many owners editing at once: no error page, and nothing saved behind one.

Every store or product change also bumps the catalog version (one shared
row), so all writers meet there. Under load on SQLite that bump once failed
with "database is locked" after the change had committed: an error page for
a saved change, and a retried create made a duplicate. A change must commit
with its bump or not at all.

The first test sends real HTTP requests to `live_server` (a threaded server,
each request with its own database connection) from one thread per owner;
`transaction=True`, since the server's connections only see committed rows.
http.client rather than `requests`, which the root `no_network` fixture
blocks; the live server is on loopback. The others make every bump fail, to
show each write takes its change back with it.
"""

import http.client
import threading
import time
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from accounts.factories import SignupDataFactory
from accounts.models import User
from products.factories import ProductFactory, StoreFactory
from products.models import CatalogVersion, Product, Store

OWNERS = 20
PRODUCTS_PER_OWNER = 10
# Per owner: each product created, then edited, the store renamed, one
# product deleted.
WRITES_PER_OWNER = 2 * PRODUCTS_PER_OWNER + 2
# Any 32 letters or digits make a valid CSRF secret: sent as the cookie and
# as the form field, it passes the check without a page to read it from.
CSRF_SECRET = "concurrencyconcurrencyconcurrenc"


class Owner:
    """One creator's browser: their session cookie, and what the site answered."""

    def __init__(self, number, live_server_url):
        store = StoreFactory(name=f"Owner {number} store")
        self.number = number
        self.store = store
        client = Client()
        client.force_login(store.owner)
        self.cookie = f"sessionid={client.cookies['sessionid'].value}; csrftoken={CSRF_SECRET}"
        self.address = urlsplit(live_server_url)
        self.answers = []  # (path, status)
        self.created = {}  # name -> pk, for creates the site confirmed
        self.prices = {}  # pk -> price in cents, as the last confirmed write left it
        self.store_name = store.name
        self.deleted = set()

    def post(self, path, data):
        """POST the form; the status and the redirect's target."""
        body = urlencode({**data, "csrfmiddlewaretoken": CSRF_SECRET})
        connection = http.client.HTTPConnection(
            self.address.hostname, self.address.port, timeout=60
        )
        try:
            connection.request(
                "POST",
                path,
                body=body,
                headers={
                    "Cookie": self.cookie,
                    "Content-Type": "application/x-www-form-urlencoded",
                },
            )
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        self.answers.append((path, response.status))
        return response.status, response.getheader("Location", "")

    def write(self):
        names = [f"Owner {self.number} item {index}" for index in range(PRODUCTS_PER_OWNER)]
        for name in names:
            status, location = self.post(
                reverse("products:create"), {"name": name, "description": "", "price": "1.00"}
            )
            if status == 302:
                pk = int(location.rstrip("/").rsplit("/", 1)[1])
                self.created[name] = pk
                self.prices[pk] = 100
        for index, (name, pk) in enumerate(self.created.items()):
            price = 100 * self.number + index + 200
            status, _location = self.post(
                reverse("products:edit", args=[pk]),
                {"name": name, "description": "Edited.", "price": f"{price / 100:.2f}"},
            )
            if status == 302:
                self.prices[pk] = price
        new_name = f"Owner {self.number} renamed"
        status, _location = self.post(
            reverse("products:store_edit", args=[self.store.slug]), {"name": new_name}
        )
        if status == 302:
            self.store_name = new_name
        if self.created:
            name, pk = next(iter(self.created.items()))
            status, _location = self.post(reverse("products:delete", args=[pk]), {})
            if status == 302:
                self.deleted.add(name)


@pytest.mark.django_db(transaction=True)
def test_owners_writing_at_once_get_no_errors_and_get_exactly_what_was_confirmed(live_server):
    owners = [Owner(number, live_server.url) for number in range(OWNERS)]
    barrier = threading.Barrier(OWNERS)
    crashes = []

    def run(owner):
        try:
            barrier.wait(timeout=30)
            owner.write()
        except Exception as error:  # noqa: BLE001 (reported by the test)
            crashes.append(error)

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=[owner]) for owner in owners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started
    assert not any(thread.is_alive() for thread in threads), "an owner never finished"

    assert crashes == []
    answers = [answer for owner in owners for answer in owner.answers]
    failures = [answer for answer in answers if answer[1] >= 500]
    # The database as the answers describe it, and as it is.
    promised, saved = {}, {}
    for owner in owners:
        store = Store.objects.get(pk=owner.store.pk)
        promised[store.pk] = owner.store_name
        saved[store.pk] = store.name
        for name, pk in owner.created.items():
            if name not in owner.deleted:
                promised[name] = owner.prices[pk]
        saved.update(store.products.values_list("name", "price_cents"))
    behind_errors = {key: value for key, value in saved.items() if promised.get(key) != value}
    print(
        f"{len(answers)} writes in {elapsed:.1f} s: {len(failures)} errors, "
        f"{len(behind_errors)} rows changed without a confirmation"
    )

    assert failures == []
    assert behind_errors == {}
    assert saved == promised
    assert [status for _path, status in answers] == [302] * OWNERS * WRITES_PER_OWNER


# Whatever the load, a catalog bump that fails must take its change with it.
# SQLite's "database is locked" past the busy timeout is one such failure.


@pytest.fixture
def failing_bumps(monkeypatch):
    """From now on the catalog bump fails, after the row was written."""

    def bump():
        raise OperationalError("database is locked")

    def start():
        monkeypatch.setattr(CatalogVersion, "bump", bump)

    return start


def test_a_create_whose_catalog_bump_fails_saves_no_product(logged_in_client, failing_bumps):
    failing_bumps()

    with pytest.raises(OperationalError):
        logged_in_client.post(reverse("products:create"), {"name": "Never saved", "price": "1"})

    assert not Product.objects.exists()


def test_an_edit_whose_catalog_bump_fails_changes_nothing(logged_in_client, user, failing_bumps):
    product = ProductFactory(store=user.store, name="Old name", price_cents=500)
    failing_bumps()

    with pytest.raises(OperationalError):
        logged_in_client.post(
            reverse("products:edit", args=[product.pk]), {"name": "New name", "price": "9"}
        )

    product.refresh_from_db()
    assert (product.name, product.price_cents) == ("Old name", 500)


def test_a_store_rename_whose_catalog_bump_fails_changes_nothing(
    logged_in_client, user, failing_bumps
):
    old_name = user.store.name
    failing_bumps()

    with pytest.raises(OperationalError):
        logged_in_client.post(
            reverse("products:store_edit", args=[user.store.slug]), {"name": "New store name"}
        )

    assert Store.objects.get(pk=user.store.pk).name == old_name


def test_a_delete_whose_catalog_bump_fails_keeps_the_product(logged_in_client, user, failing_bumps):
    product = ProductFactory(store=user.store)
    failing_bumps()

    with pytest.raises(OperationalError):
        logged_in_client.post(reverse("products:delete", args=[product.pk]))

    assert Product.objects.filter(pk=product.pk).exists()


def test_an_archive_whose_catalog_bump_fails_keeps_the_product_on_sale(db, failing_bumps):
    product = ProductFactory()
    failing_bumps()

    with pytest.raises(OperationalError):
        product.archive()

    assert Product.objects.listed().filter(pk=product.pk).exists()


def test_a_signup_whose_catalog_bump_fails_makes_no_account(db, client, failing_bumps):
    failing_bumps()

    with pytest.raises(OperationalError):
        client.post(reverse("accounts:signup"), SignupDataFactory())

    assert not User.objects.exists()
    assert not Store.objects.exists()
