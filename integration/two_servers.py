"""Yumroad on two app servers that share PostgreSQL, Redis and S3.

Run by .ci/two_servers, which starts the services (PostgreSQL, redis-server,
moto's S3 server) and exports the site's variables for them (DATABASE_URL,
CACHE_URL, AWS_*, EMAIL_URL). This script starts the rest as production
runs it: two gunicorn instances (A and B) and two `db_worker`s, as if on
four machines. A seller and a buyer work through A; B then must show what
they did at once (the product and its picture, the paid order, the receipt,
the download); a price change on B must show on A's cached pages at once;
a login locked out on A stays locked out on B. Last, A stops half-way
through a burst of requests to B, and B must answer every one.

Not collected by pytest (it needs the services): each check is an
`expect()` that stops the run with a message, and the numbers are printed.
"""

import io
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import median

import boto3
import psycopg
import redis
import requests
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT_A = int(os.environ.get("TWO_SERVERS_PORT_A", "8302"))
PORT_B = int(os.environ.get("TWO_SERVERS_PORT_B", "8303"))
SERVER_A = f"http://127.0.0.1:{PORT_A}"
SERVER_B = f"http://127.0.0.1:{PORT_B}"
S3_ENDPOINT = os.environ["AWS_S3_ENDPOINT_URL"]
MAIL_DIR = Path(os.environ["EMAIL_URL"].removeprefix("filemail:///"))
LOG_DIR = Path(os.environ["TWO_SERVERS_LOG_DIR"])
PASSWORD = "correct-horse-battery-staple-42"
FILE_NAME = "Guía de campo — 2ª edición.pdf"
FILE_BYTES = b"%PDF-1.7 the field guide, second edition\n" + os.urandom(64 * 1024)
BURST_REQUESTS = 500
BURST_THREADS = 4
TIMEOUT = 30

processes = {}
steps = []


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def step(message):
    steps.append(message)
    print(f"-- {message}", flush=True)


def wait_for(condition, what, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise CheckFailed(f"{what}: not within {timeout}s")


# Processes


def manage(*args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, check=True)


def start(name, *command):
    log = open(LOG_DIR / f"{name}.log", "wb")  # noqa: SIM115 (open while it runs)
    processes[name] = subprocess.Popen(
        command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def start_gunicorn(name, port):
    start(
        name,
        PYTHON,
        "-m",
        "gunicorn",
        "yumroad.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        "--workers=2",
        "--log-level=warning",
    )


def stop(name):
    process = processes.pop(name)
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def crash(name):
    process = processes.pop(name)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def stop_all(*_):
    for name in list(processes):
        stop(name)


def healthy(server):
    try:
        return requests.get(f"{server}/healthz/", timeout=5).status_code == 200
    except requests.RequestException:
        return False


# Services


def create_database():
    """The database of DATABASE_URL, made on its server if it is missing."""
    url = os.environ["DATABASE_URL"]
    server_url, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server_url}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def create_buckets():
    """The two buckets, with the policy README gives: anyone may read the
    public/ prefix, and only signed requests the rest."""
    s3 = boto3.client("s3", endpoint_url=S3_ENDPOINT, region_name="us-east-1")
    public_bucket = os.environ["AWS_STORAGE_BUCKET_NAME"]
    for bucket in [public_bucket, os.environ["AWS_PRIVATE_STORAGE_BUCKET_NAME"]]:
        s3.create_bucket(Bucket=bucket)
    public_read = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{public_bucket}/public/*",
    }
    s3.put_bucket_policy(
        Bucket=public_bucket,
        Policy=json.dumps({"Version": "2012-10-17", "Statement": [public_read]}),
    )


# A visitor with a browser's cookie jar (cookies are per host, not per port:
# a session that started on A goes on on B, as behind one load balancer).


class Visitor:
    def __init__(self):
        self.http = requests.Session()

    def get(self, server, path, **kwargs):
        kwargs.setdefault("allow_redirects", False)
        return self.http.get(server + path, timeout=TIMEOUT, **kwargs)

    def submit(self, server, path, data, files=None):
        """Open the page with the form, then post it with its CSRF token."""
        page = self.get(server, path)
        expect(page.status_code == 200, f"GET {path} on {server}: {page.status_code}")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        expect(token, f"{path}: no CSRF token in the form")
        return self.http.post(
            server + path,
            data={"csrfmiddlewaretoken": token.group(1), **data},
            files=files,
            allow_redirects=False,
            timeout=TIMEOUT,
        )

    def sign_up(self, server, email, store_name):
        response = self.submit(
            server,
            "/accounts/signup/",
            {
                "email": email,
                "password1": PASSWORD,
                "password2": PASSWORD,
                "store_name": store_name,
            },
        )
        expect(response.status_code == 302, f"signup of {email}: {response.status_code}")


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 90, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def storage_images(page):
    """The URLs on the bucket of a page's pictures, in every size (src, srcset)."""
    return set(re.findall(rf"{re.escape(S3_ENDPOINT)}[^\"\s,]+", page.text))


def receipts():
    return [path for path in MAIL_DIR.glob("*.log") if "Your receipt for" in path.read_text()]


# The journey


def run_journey():
    seller, buyer, visitor = Visitor(), Visitor(), Visitor()
    suffix = uuid.uuid4().hex[:8]

    step("A: a seller signs up and creates a product with a picture and a file")
    seller.sign_up(SERVER_A, f"seller-{suffix}@example.com", "Two Server Press")
    response = seller.submit(
        SERVER_A,
        "/products/create/",
        {"name": "Field guide", "description": "Birds of two servers.", "price": "5.00"},
        files={
            "picture": ("cover.png", png_bytes(), "image/png"),
            "file": (FILE_NAME, FILE_BYTES, "application/pdf"),
        },
    )
    expect(response.status_code == 302, f"product create: {response.status_code}")
    product_path = response.headers["Location"]
    expect(re.fullmatch(r"/products/\d+/", product_path), f"went to {product_path}")

    step("A: a buyer signs up and pays on the test provider's page")
    buyer_email = f"buyer-{suffix}@example.com"
    buyer.sign_up(SERVER_A, buyer_email, "Buyer Books")
    response = buyer.submit(SERVER_A, f"{product_path}buy/", {})
    expect(response.status_code == 303, f"checkout: {response.status_code}")
    payment_path = response.headers["Location"]
    response = buyer.submit(SERVER_A, payment_path, {"outcome": "pay"})
    expect(response.status_code == 303, f"payment: {response.status_code}")
    order_path = response.headers["Location"]

    step("B: the product and its picture, at once")
    page = visitor.get(SERVER_B, product_path)
    expect(page.status_code == 200 and "Field guide" in page.text, "B does not show the product")
    images = storage_images(page)
    expect(images, f"B's product page has no picture from {S3_ENDPOINT}")
    for url in images:
        picture = requests.get(url, timeout=TIMEOUT)
        expect(picture.status_code == 200, f"picture {url}: {picture.status_code}")
        expect(picture.headers["Content-Type"].startswith("image/"), f"{url} is not an image")
        expect(
            "max-age=31536000" in picture.headers.get("Cache-Control", ""),
            f"picture {url} is not cached for a year: {picture.headers.get('Cache-Control')}",
        )
    print(f"   {len(images)} picture(s) served by the bucket, cached for a year")

    step("B: the order is paid (the buyer's session, made on A, goes on on B)")
    page = buyer.get(SERVER_B, order_path)
    expect(page.status_code == 200 and "Thank you!" in page.text, "B does not show a paid order")

    step("a worker sends the receipt, once")
    wait_for(lambda: receipts(), "the receipt email")
    time.sleep(1)  # time for a second worker to send it twice, if it could
    sent = receipts()
    expect(len(sent) == 1, f"{len(sent)} receipts sent")
    expect(buyer_email in sent[0].read_text(), "the receipt is not to the buyer")
    # Each task is started by one worker only (SELECT ... FOR UPDATE SKIP LOCKED).
    started = [
        line.split("id=")[1].split()[0]
        for worker in ["worker-1", "worker-2"]
        for line in (LOG_DIR / f"{worker}.log").read_text().splitlines()
        if "state=RUNNING" in line
    ]
    expect(started and len(started) == len(set(started)), f"tasks started: {started}")
    print(f"   {len(started)} tasks, each started once by one of the two workers")

    step("B: the download is a redirect to a signed link that returns the bytes")
    response = buyer.get(SERVER_B, f"{order_path}download/")
    expect(response.status_code == 302, f"download: {response.status_code}")
    link = response.headers["Location"]
    expect(link.startswith(S3_ENDPOINT) and "X-Amz-Expires=300" in link, f"download went to {link}")
    unsigned = requests.get(link.split("?")[0], timeout=TIMEOUT)
    expect(unsigned.status_code == 403, f"the file is public: {unsigned.status_code}")
    file = requests.get(link, timeout=TIMEOUT)
    expect(file.status_code == 200 and file.content == FILE_BYTES, "the file's bytes differ")
    expect(
        "filename*=utf-8''Gu%C3%ADa" in file.headers.get("Content-Disposition", ""),
        f"the file's name is lost: {file.headers.get('Content-Disposition')}",
    )
    stranger = Visitor()
    stranger.sign_up(SERVER_B, f"stranger-{suffix}@example.com", "Stranger Things")
    response = stranger.get(SERVER_B, f"{order_path}download/")
    expect(response.status_code == 404, f"someone else's download: {response.status_code}")

    step("B: a price change shows at once on A's pages cached for visitors")
    for _ in range(2):
        page = visitor.get(SERVER_A, product_path)
        expect("$5.00" in page.text, "A does not show the first price")
    cached = redis.Redis.from_url(os.environ["CACHE_URL"]).keys("*visitor-page*")
    expect(cached, "no visitor page in Redis")
    response = seller.submit(
        SERVER_B,
        f"{product_path}edit/",
        {"name": "Field guide", "description": "Birds of two servers.", "price": "7.00"},
    )
    expect(response.status_code == 302, f"price change: {response.status_code}")
    page = visitor.get(SERVER_A, product_path)
    expect("$7.00" in page.text and "$5.00" not in page.text, "A still shows the old price")
    print(f"   {len(cached)} visitor page(s) were cached in Redis before the change")

    step("A: five wrong passwords; B then refuses the right one (axes' lockout)")
    attacker = Visitor()
    for _ in range(5):
        response = attacker.submit(
            SERVER_A, "/accounts/login/", {"email": buyer_email, "password": "wrong"}
        )
    response = attacker.submit(
        SERVER_B, "/accounts/login/", {"email": buyer_email, "password": PASSWORD}
    )
    expect(response.status_code == 429, f"B let a locked-out login through: {response.status_code}")

    return product_path, order_path


def run_on_rq(order_path):
    """The receipt task again, queued in Redis and run by RQ's worker: the
    same task code runs there, and still sends the receipt only once."""
    step("the same task on RQ: queued in Redis, run by `rqworker`, no second receipt")
    env = {
        **os.environ,
        "TASKS_BACKEND": "rq",
        "TASKS_REDIS_URL": os.environ["CACHE_URL"].rsplit("/", 1)[0] + "/1",
    }
    public_id = order_path.strip("/").rsplit("/", 1)[-1]

    def shell(command):
        result = subprocess.run(
            [PYTHON, "manage.py", "shell", "--verbosity=0", "-c", command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return result.stdout.strip()

    result_id = shell(
        "from orders.models import Order; from orders.tasks import send_receipt; "
        f"print(send_receipt.enqueue(Order.objects.get(public_id='{public_id}').pk).id)"
    )
    with open(LOG_DIR / "rqworker.log", "wb") as log:
        subprocess.run(
            [PYTHON, "manage.py", "rqworker", "--burst", "--job-class", "django_tasks_rq.Job"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
        )
    outcome = shell(
        "from orders.tasks import send_receipt; "
        f"result = send_receipt.get_result('{result_id}'); "
        "print(result.status, result.return_value)"
    )
    expect(outcome == "SUCCESSFUL False", f"the RQ task: {outcome}")
    expect(len(receipts()) == 1, f"{len(receipts())} receipts sent")


def run_burst(product_path):
    """BURST_REQUESTS page views on B from a few threads; once a fifth of
    them are done, A is lost as a crashed machine is (its gunicorn and
    workers killed at once), well before the last."""
    step(f"B: {BURST_REQUESTS} requests from {BURST_THREADS} threads; A stops mid-way")
    paths = ["/", "/products/", product_path, "/stores/", "/healthz/"]
    lock = threading.Lock()
    done = []
    errors = []
    stop_a = threading.Event()

    def one(index):
        path = paths[index % len(paths)]
        started = time.monotonic()
        try:
            response = requests.get(SERVER_B + path, timeout=TIMEOUT, allow_redirects=False)
            failed = response.status_code != 200 and f"{path}: {response.status_code}"
        except requests.RequestException as error:
            failed = f"{path}: {type(error).__name__}"
        with lock:
            done.append(time.monotonic() - started)
            if failed:
                errors.append(failed)
            if len(done) == BURST_REQUESTS // 5:
                stop_a.set()

    started = time.monotonic()
    with ThreadPoolExecutor(BURST_THREADS) as pool:
        pending = pool.map(one, range(BURST_REQUESTS))
        stop_a.wait(timeout=5 * TIMEOUT)
        stopping_after = len(done)
        crash("gunicorn-a")
        stopped_after = len(done)
        list(pending)
    elapsed = time.monotonic() - started

    latencies = sorted(done)
    print(
        f"   requests: {len(done)}, errors: {len(errors)}; A killed after "
        f"{stopping_after}, gone after {stopped_after}; "
        f"{elapsed:.1f} s, {len(done) / elapsed:.0f} requests/s, "
        f"median {median(latencies) * 1000:.0f} ms, "
        f"95th percentile {latencies[int(len(latencies) * 0.95)] * 1000:.0f} ms"
    )
    expect(stopped_after < BURST_REQUESTS, "A stopped only after the burst")
    expect(not healthy(SERVER_A), "A still answers")
    expect(not errors, f"B failed {len(errors)} requests: {errors[:5]}")
    expect(healthy(SERVER_B), "B is not healthy after A stopped")


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    started = time.monotonic()
    try:
        step("services: the database, the buckets; migrate and collectstatic")
        create_database()
        create_buckets()
        manage("migrate", "--noinput", "-v0")
        manage("collectstatic", "--noinput", "-v0")

        step(f"two app servers ({SERVER_A}, {SERVER_B}) and two db_workers")
        start_gunicorn("gunicorn-a", PORT_A)
        start_gunicorn("gunicorn-b", PORT_B)
        for worker in ["worker-1", "worker-2"]:
            start(worker, PYTHON, "manage.py", "db_worker", "--interval=0.2")
        for server in [SERVER_A, SERVER_B]:
            wait_for(lambda server=server: healthy(server), f"{server}/healthz/")

        product_path, order_path = run_journey()
        run_on_rq(order_path)
        run_burst(product_path)
    except (CheckFailed, subprocess.CalledProcessError) as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        for log in sorted(LOG_DIR.glob("*.log")):
            print(f"== {log.name}\n{log.read_text()[-3000:]}", file=sys.stderr)
        print(f"two-servers: {len(steps) - 1} passed, 1 failed")
        return 1
    finally:
        stop_all()
    print(f"all steps passed in {time.monotonic() - started:.0f} s")
    # The closing line CI reads, as a test runner's: each step is a test.
    print(f"two-servers: {len(steps)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
