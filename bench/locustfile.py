"""A Monday morning at a school district, over HTTP (issue 20): locust users on demo accounts.

Run through bench/bench_load.py (it makes a throw-away installation, starts the server, runs
locust headless, measures CPU and drops everything), bench/bench_load_scaled.py (the same
against `hoso scaled` with a province), bench/bench_restarts.py (with outages), or by hand
against a running server:

    .venv/bin/locust -f bench/locustfile.py --headless -u 25 -r 5 -t 3m -H http://127.0.0.1:8000

- Teachers (15 of 25): home page, their records, upload a 1 MB PDF kế hoạch bài dạy for the
  next week and submit it (trình duyệt), open a record.
- Tổ trưởng / phó hiệu trưởng (4): the review queue, then approve a batch of up to 5 records.
- Principals (3): the sign queue, then sign a batch of up to 10 approved records with the demo
  certificate's passphrase (the batch runs in the worker); the batch page.
- Chuyên viên Phòng/Sở (3): the completion dashboard and a search.

Requests are named by page ("/ho-so/[id]/"), so locust's table is per page and operation.
HOSO_LOCUST_WAIT="0.5,1.5" sets each user's pause between actions (seconds, uniform).
HOSO_LOCUST_TEACHERS="a,b,…": teacher accounts to use instead of the demo's 21 (with the demo
password; bench/bench_load_scaled.py makes them): each simulated teacher then has an account of
its own and, once it has uploaded every week of the year, logs in as the next unused one.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import sys
import uuid
from pathlib import Path

from locust import HttpUser, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.loadkit import DEMO_TEACHERS  # noqa: E402

PASSWORD = "hoso-demo-2025"  # the public demo password (hoso/settings.py DEMO_PASSWORD)
WAIT = [float(x) for x in os.environ.get("HOSO_LOCUST_WAIT", "0.5,1.5").split(",")]
FRESH_TEACHERS = [name for name in os.environ.get("HOSO_LOCUST_TEACHERS", "").split(",") if name]
TEACHERS = itertools.cycle(FRESH_TEACHERS or DEMO_TEACHERS)
WEEKS = 35
LEADERS = itertools.cycle(["th1.totruong", "th1.phohieutruong"])
PRINCIPALS = itertools.cycle(["th1.hieutruong", "thcs1.hieutruong", "th2.hieutruong"])
INSPECTORS = itertools.cycle(["so.chuyenvien", "phong1.chuyenvien", "phong2.chuyenvien"])
SEARCHES = ["kế hoạch", "sổ chủ nhiệm", "toán", "tuần", "giáo án"]
RECORD_LINK = re.compile(r'href="/ho-so/(\d+)/"')


def pdf_1mb(title: str) -> bytes:
    from hoso.records.pdfmaker import simple_pdf

    return simple_pdf(title, ["Môn Toán", "Kế hoạch bài dạy"], pad_to=1_000_000)


class Person(HttpUser):
    abstract = True
    wait_time = between(WAIT[0], WAIT[1])
    accounts: itertools.cycle[str]

    def on_start(self) -> None:
        self.username = next(self.accounts)
        self.log_in()

    def log_in(self) -> None:
        self.client.get("/tai-khoan/login/", name="login page")
        response = self.client.post(
            "/tai-khoan/login/",
            data={
                "login": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": self.host + "/tai-khoan/login/"},
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"login as {self.username}: HTTP {response.status_code}")

    def post(self, path: str, name: str, data: dict, **kwargs):  # type: ignore[no-untyped-def]
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        with self.client.post(
            path,
            data=data,
            name=name,
            headers={"Referer": self.host + path},
            allow_redirects=False,
            catch_response=True,
            **kwargs,
        ) as response:
            if response.status_code not in (200, 302):
                alert = re.search(r'role="alert">([^<]*)<', response.text or "")
                response.failure(f"HTTP {response.status_code} {alert.group(1) if alert else ''}")
            return response


class Teacher(Person):
    weight = 15
    accounts = TEACHERS

    def on_start(self) -> None:
        super().on_start()
        self.new_weeks()

    def new_weeks(self) -> None:
        """A teacher uploads the plans of successive weeks (a week already submitted is
        refused, as it should be). On the demo's accounts the weeks go round; on accounts of
        their own (HOSO_LOCUST_TEACHERS) each week once, then the next account."""
        first = random.randint(0, WEEKS - 1)
        weeks = [(first + n) % WEEKS + 1 for n in range(WEEKS)]
        self.weeks = iter(weeks) if FRESH_TEACHERS else itertools.cycle(weeks)

    def next_week(self) -> int:
        week = next(self.weeks, None)
        if week is None:  # every week of this account uploaded: the next teacher signs in
            self.username = next(self.accounts)
            self.client.cookies.clear()
            self.log_in()
            self.new_weeks()
            week = next(self.weeks)
        return week

    @task(3)
    def home(self) -> None:
        self.client.get("/", name="home")

    @task(2)
    def my_records(self) -> None:
        page = self.client.get("/ho-so/", name="/ho-so/ (my records)")
        ids = RECORD_LINK.findall(page.text)
        if ids:
            self.client.get(f"/ho-so/{random.choice(ids)}/", name="/ho-so/[id]/ (record)")

    @task(2)
    def upload_and_submit(self) -> None:
        form = self.client.get("/ho-so/tai-len/", name="/ho-so/tai-len/ (form)").text
        types = re.findall(r'<option value="([^"]+)"', form.split('name="record_type"', 1)[-1])
        if not types:
            return
        kind = "TT28.KHBD" if "TT28.KHBD" in types else types[0]
        pdf = pdf_1mb(f"Kế hoạch bài dạy {uuid.uuid4().hex[:8]}")
        response = self.post(
            "/ho-so/tai-len/",
            "upload 1 MB PDF",
            {"record_type": kind, "title": "", "period": f"W{self.next_week():02d}"},
            files={"file": ("ke-hoach-bai-day.pdf", pdf, "application/pdf")},
        )
        found = re.search(r"/ho-so/(\d+)/$", response.headers.get("Location", ""))
        if found:
            self.post(f"/ho-so/{found.group(1)}/trinh/", "/ho-so/[id]/trinh/ (submit)", {})


class Leader(Person):
    weight = 4
    accounts = LEADERS

    @task
    def approve_batch(self) -> None:
        queue = self.client.get("/ho-so/cho-duyet/", name="/ho-so/cho-duyet/ (review queue)")
        for record_id in list(dict.fromkeys(RECORD_LINK.findall(queue.text)))[:5]:
            self.client.get(f"/ho-so/{record_id}/", name="/ho-so/[id]/ (record)")
            self.post(f"/ho-so/{record_id}/duyet/", "/ho-so/[id]/duyet/ (approve)", {})

    @task
    def home(self) -> None:
        self.client.get("/", name="home")


class Principal(Person):
    weight = 3
    accounts = PRINCIPALS

    @task
    def sign_batch(self) -> None:
        queue = self.client.get("/ky-so/cho-ky/", name="/ky-so/cho-ky/ (sign queue)").text
        ids = re.findall(r'name="records" value="(\d+)"', queue)[:10]
        if not ids:
            return
        response = self.post(
            "/ky-so/ky-hang-loat/",
            "/ky-so/ky-hang-loat/ (sign batch)",
            {"records": ids, "passphrase": PASSWORD},
        )
        location = response.headers.get("Location", "")
        if "/ky-so/lo/" in location:
            self.client.get(location, name="/ky-so/lo/[id]/ (batch)")

    @task
    def home(self) -> None:
        self.client.get("/", name="home")


class Inspector(Person):
    weight = 3
    accounts = INSPECTORS

    @task
    def dashboard(self) -> None:
        self.client.get("/ho-so/tinh-hinh-nop/", name="/ho-so/tinh-hinh-nop/ (dashboard)")

    @task
    def search(self) -> None:
        self.client.get(
            "/ho-so/tim-kiem/", params={"q": random.choice(SEARCHES)}, name="/ho-so/tim-kiem/"
        )
