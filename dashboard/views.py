"""The creator's sales pages: how the store is doing, refunds, discount codes."""

import csv
import datetime
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from orders import payments
from orders.forms import DiscountCodeForm
from orders.models import DiscountCode, Order, SalesVersion, sales_figures
from orders.views import see_other
from products.decorators import store_required
from products.models import Product, format_cents

CHART_DAYS = 30
RECENT_SALES = 20
CSV_HEADER = ["date", "order", "product", "buyer", "amount", "status"]
# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@store_required
def index(request):
    """The template caches the figures keyed by the store's sales version,
    the catalog version (product names) and the day, so each figure is
    lazy: worked out, queries and all, only when that cache misses."""
    store = request.user.store
    orders = SimpleLazyObject(lambda: Order.objects.for_store(store))
    today = timezone.now().astimezone(datetime.UTC).date()
    first_day = today - timedelta(days=CHART_DAYS - 1)
    since = datetime.datetime.combine(first_day, datetime.time(), tzinfo=datetime.UTC)
    days = SimpleLazyObject(lambda: _every_day(orders.revenue_by_day(since), first_day))
    context = {
        "store": store,
        "sales_version": SalesVersion.current(store.pk),
        "today": today,
        "totals": SimpleLazyObject(lambda: _totals(orders, since)),
        "days": days,
        "chart": SimpleLazyObject(lambda: _bar_chart(days)),
        "products": SimpleLazyObject(lambda: _product_figures(store)),
        "recent_sales": SimpleLazyObject(
            lambda: orders.sales().select_related("discount_code")[:RECENT_SALES]
        ),
    }
    return render(request, "dashboard/index.html", context)


def _totals(orders, since):
    """The figures of all time, and as `recent_<name>` of the sales since `since`."""
    recent = {f"recent_{name}": value for name, value in sales_figures(since=since).items()}
    return orders.aggregate(**sales_figures(), **recent)


def _product_figures(store):
    # Only what the table shows: on SQLite every selected column is grouped by.
    return (
        Product.objects.filter(store=store)
        .only("name", "archived_at")
        .annotate(**sales_figures("orders__"))
        .order_by("-gross_cents", "name")
    )


def _every_day(rows, first_day):
    """The rows of `revenue_by_day`, with the days that had no sales as zeros."""
    by_day = {row["day"]: row for row in rows}
    days = []
    for offset in range(CHART_DAYS):
        day = first_day + timedelta(days=offset)
        days.append(by_day.get(day, {"day": day, "sales": 0, "net_cents": 0}))
    return days


CHART_WIDTH, CHART_HEIGHT = 720, 240
# Room for the dollar labels on the left and the dates below.
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 80, 12, CHART_HEIGHT - 28


def _nice_ceiling(cents):
    """The axis' top: `cents` rounded up to 1, 2 or 5 times a power of ten dollars."""
    step = 100
    while True:
        for multiple in (1, 2, 5):
            if cents <= step * multiple:
                return step * multiple
        step *= 10


def _bar_chart(days):
    """Where each bar and label of the revenue chart goes, in SVG units."""
    top = _nice_ceiling(max(day["net_cents"] for day in days))
    plot_height = PLOT_BOTTOM - PLOT_TOP
    slot = (CHART_WIDTH - PLOT_LEFT) / len(days)
    bars = []
    for index, day in enumerate(days):
        height = day["net_cents"] / top * plot_height
        bars.append(
            {
                "x": round(PLOT_LEFT + index * slot + slot * 0.15, 1),
                "y": round(PLOT_BOTTOM - height, 1),
                "width": round(slot * 0.7, 1),
                "height": round(height, 1),
                "center": round(PLOT_LEFT + index * slot + slot / 2, 1),
                "day": day,
                # Every 7th day, counted back from today, so today is labelled.
                "show_date": (len(days) - 1 - index) % 7 == 0,
            }
        )
    ticks = [
        {
            # Round amounts: "$1,500", not "$1,500.00".
            "label": format_cents(top * share // 4).removesuffix(".00"),
            "y": round(PLOT_BOTTOM - plot_height * share / 4, 1),
        }
        for share in range(5)
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": PLOT_LEFT,
        "bottom": PLOT_BOTTOM,
        "date_y": CHART_HEIGHT - 8,
        "bars": bars,
        "ticks": ticks,
    }


class _Echo:
    """A file for csv.writer that hands each line back instead of keeping it."""

    def write(self, line):
        return line


def _text_cell(value):
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@store_required
def sales_csv(request):
    """Every sale of the store, oldest first, streamed a chunk of rows at a
    time: memory stays flat however many there are."""
    store = request.user.store
    rows = (
        Order.objects.for_store(store)
        .sales()
        .order_by("paid_at", "pk")
        .values_list("paid_at", "public_id", "product_name", "email", "amount_cents", "status")
        .iterator(chunk_size=2000)
    )
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(CSV_HEADER)
        for paid_at, public_id, product_name, email, cents, status in rows:
            yield writer.writerow(
                [
                    paid_at.astimezone(datetime.UTC).isoformat(timespec="seconds"),
                    public_id,
                    _text_cell(product_name),
                    _text_cell(email),
                    f"{cents // 100}.{cents % 100:02d}",
                    status,
                ]
            )

    today = timezone.now().astimezone(datetime.UTC).date()
    return StreamingHttpResponse(
        lines(),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": content_disposition_header(
                True, f"yumroad-sales-{store.slug}-{today.isoformat()}.csv"
            ),
            "Cache-Control": "private, no-store",
        },
    )


@store_required
@require_POST
def refund(request, public_id):
    # Another store's order is a 404, like an unknown one.
    order = get_object_or_404(Order.objects.for_store(request.user.store), public_id=public_id)
    try:
        refunded = payments.refund(order)
    except payments.PaymentError as error:
        messages.error(
            request, f"The refund of {order.product_name} to {order.email} failed: {error}"
        )
        return see_other("dashboard:index")
    if refunded:
        messages.success(
            request,
            f"Refunded {order.amount} to {order.email}. Their download has ended and "
            "they get an email.",
        )
    else:
        # Not paid, or refunded by someone else (a webhook) meanwhile.
        order.refresh_from_db(fields=["status"])
        messages.info(request, f"This order is {order.status}, so there is nothing to refund.")
    return see_other("dashboard:index")


@store_required
def codes(request):
    store = request.user.store
    if request.method == "POST":
        form = DiscountCodeForm(store, request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    code = form.save()
            except IntegrityError:
                # The same code added twice at once (a double click).
                form.add_error("code", "Your store already has this code.")
            else:
                messages.success(request, f"Code {code.code} added.")
                return see_other("dashboard:codes")
    else:
        form = DiscountCodeForm(store)
    discount_codes = (
        DiscountCode.objects.for_store(store).with_earnings().prefetch_related("products")
    )
    return render(request, "dashboard/codes.html", {"form": form, "codes": discount_codes})


@store_required
@require_POST
def code_deactivate(request, pk):
    code = get_object_or_404(DiscountCode.objects.for_store(request.user.store), pk=pk)
    if code.deactivate():
        messages.success(request, f"Code {code.code} is no longer active.")
    return see_other("dashboard:codes")
