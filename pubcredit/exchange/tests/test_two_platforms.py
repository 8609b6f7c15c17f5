"""Three platforms in three databases, two of them serving over loopback: a district platform feeds
the city platform, which feeds the province (杭州 第五条, 西安 第六条、第十三条). A correction, a
repair and a purge travel through; a pull killed after its first page resumes without loss or
duplication; a tampered page is refused with nothing applied.

The platforms are child processes with their own SQLite files (copies of the migrated test
database), so this runs once, in the SQLite pass of the suite.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]
SETTINGS = {
    "DJANGO_SECRET_KEY": "exchange-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "PUBCREDIT_SM4_KEY": "00112233445566778899aabbccddeeff",
    "PUBCREDIT_INDEX_KEY": "ab" * 32,
    "PUBCREDIT_ENV_FILE": "/nonexistent",
    "PUBCREDIT_SEARCH_RATE": "1000000",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("PUBCREDIT_TEST_DATABASE_URL")),
    reason="runs once, in the SQLite pass: the platforms use SQLite files of their own",
)


@dataclass
class Platform:
    name: str
    base: Path
    pack: str

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PUBCREDIT_", "DJANGO_", "DATABASE_URL"))}
        env.update(SETTINGS)
        env["PUBCREDIT_POLICY"] = self.pack
        env["DATABASE_URL"] = f"sqlite:///{self.base / 'platform.sqlite3'}"
        env["PUBCREDIT_VAR_DIR"] = str(self.base / "var")
        return env

    def steps(self, *args: str) -> subprocess.Popen[str]:
        """Steps of tests/instance.py in one child process (`STEP ARGS + STEP ARGS`), started."""
        return subprocess.Popen(
            [sys.executable, "-m", "pubcredit.exchange.tests.instance", *args],
            cwd=ROOT,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def dump(self) -> dict[str, Any]:
        """The platform's records, received links and cursors, read from its SQLite file."""
        with closing(sqlite3.connect(self.base / "platform.sqlite3")) as db:
            rows = db.execute(
                "SELECT r.source_ref, r.item_code, r.status, r.version, json_extract(r.data, '$.CF_NR_FK'), o.name, "
                "(SELECT group_concat(a.kind) FROM records_annotation a WHERE a.record_id = r.id AND a.active), "
                "(SELECT count(*) FROM records_recordversion v WHERE v.record_id = r.id) "
                "FROM records_record r JOIN accounts_organisation o ON o.id = r.provider_id ORDER BY r.source_ref"
            ).fetchall()
            received = db.execute("SELECT count(*) FROM exchange_receivedrecord").fetchone()[0]
            cursors = dict(db.execute("SELECT code, cursor FROM exchange_exchangepartner").fetchall())
        keys = ("ref", "item", "status", "version", "fine", "provider", "holds", "versions")
        records = [dict(zip(keys, row, strict=True)) for row in rows]
        for record in records:
            record["holds"] = sorted(record["holds"].split(",")) if record["holds"] else []
        return {"records": records, "received": received, "cursors": cursors}

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pubcredit.cli", *args],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def pull_args(self, partner: str, url: str, token: str, *extra: str) -> list[str]:
        return [sys.executable, "-m", "pubcredit.cli", "exchange", "pull", "--partner", partner, "--from", url,
                "--token", token, *extra]  # fmt: skip


def finished(process: subprocess.Popen[str]) -> Any:
    """The JSON outputs of the steps once the child has ended well."""
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the platform server exited"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}")


class Serving:
    """`manage.py runserver --noreload` of one platform on a free loopback port."""

    def __init__(self, platform: Platform) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=platform.env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait(self) -> Serving:
        _wait_listening(self.port, self.process)
        return self

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class TamperingProxy:
    """Passes feed requests to a platform and changes one character of each page on the way."""

    def __init__(self, target: str) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                request = urllib.request.Request(
                    target + self.path, headers={"Authorization": self.headers["Authorization"]}
                )
                with urllib.request.urlopen(request, timeout=60) as answer:
                    body = answer.read()
                    headers = dict(answer.headers)
                body = body.replace("罚".encode(), "赏".encode(), 1)
                self.send_response(200)
                for name in ("Content-Type", "X-Pubcredit-Signature", "X-Pubcredit-Key-Id"):
                    self.send_header(name, headers[name])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def platforms(transactional_db: Any, django_db_blocker: Any, tmp_path: Path) -> Iterator[dict[str, Platform]]:
    """District, city and province platforms, each a copy of the migrated, empty test database."""
    with django_db_blocker.unblock():
        connection.ensure_connection()
        assert connection.vendor == "sqlite"
        made = {}
        for name, pack in (("district", "yuanbaoshan"), ("city", "xian"), ("province", "xian")):
            base = tmp_path / name
            (base / "var").mkdir(parents=True)
            target = sqlite3.connect(base / "platform.sqlite3")
            connection.connection.backup(target)
            target.close()
            made[name] = Platform(name, base, pack)
    yield made


def _records(dump: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["ref"]: row for row in dump["records"]}


def test_district_to_city_to_province(platforms: dict[str, Platform], tmp_path: Path) -> None:
    district, city, province = platforms["district"], platforms["city"], platforms["province"]
    # Child processes run side by side where one does not need the other's result.
    district_setup = district.steps("setup-source", "city", "市公共信用信息平台", "+", "records")
    district_key, city_key = tmp_path / "district.pem", tmp_path / "city.pem"
    district_source = finished(district_setup)[0]
    district_key.write_text(district_source["public_key"], encoding="ascii")
    district_server = Serving(district)
    city_server: Serving | None = None
    proxy: TamperingProxy | None = None
    try:
        city_setup = city.steps(
            "setup-source", "province", "省公共信用信息平台", "+",
            "setup-receiver", "district", "区公共信用信息平台", district_server.url, str(district_key),
        )  # fmt: skip
        city_source = finished(city_setup)[0]
        city_key.write_text(city_source["public_key"], encoding="ascii")
        city_server = Serving(city)
        province_setup = province.steps("setup-receiver", "city", "市公共信用信息平台", city_server.url, str(city_key))
        district_server.wait()

        # A pull killed after its first page (two records), then run again.
        pull = subprocess.Popen(
            city.pull_args(
                "district", district_server.url, district_source["token"], "--page-size", "2", "--delay", "60"
            ),
            cwd=ROOT,
            env=city.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert pull.stdout is not None
        first_line = pull.stdout.readline()
        assert first_line.startswith("page after 0 applied: 2 events"), first_line + (
            pull.stderr.read() if pull.stderr else ""
        )
        pull.send_signal(signal.SIGKILL)
        pull.wait(timeout=30)
        halfway = city.dump()
        assert halfway["received"] == 2 and halfway["cursors"]["district"] > 0
        resumed = city.cli("exchange", "pull", "--partner", "district", "--from", district_server.url,
                           "--token", district_source["token"], "--page-size", "2")  # fmt: skip
        assert resumed.returncode == 0, resumed.stderr
        assert f"page after {halfway['cursors']['district']} applied" in resumed.stdout
        received = city.dump()
        assert received["received"] == 5
        assert len(received["records"]) == 5 and {r["status"] for r in received["records"]} == {"active"}
        assert {r["provider"] for r in received["records"]} == {"区公共信用信息平台"}

        # A correction, a repair and a purge at the district travel to the city.
        assert finished(district.steps("changes")) == [{"honour_status": "purged"}]
        again = city.cli("exchange", "pull", "--partner", "district", "--from", district_server.url,
                         "--token", district_source["token"])  # fmt: skip
        assert again.returncode == 0, again.stderr
        assert "corrected 1" in again.stdout and "hold_placed 1" in again.stdout and "purged 1" in again.stdout
        at_city = _records(city.dump())
        assert at_city["区市监罚〔2025〕1号"]["fine"] == "3" and at_city["区市监罚〔2025〕1号"]["version"] == 2
        assert at_city["区市监罚〔2025〕2号"]["holds"] == ["repair"]
        assert at_city["区表彰〔2025〕1号"]["status"] == "withdrawn"
        nothing = city.cli("exchange", "pull", "--partner", "district", "--from", district_server.url,
                           "--token", district_source["token"])  # fmt: skip
        assert nothing.returncode == 0 and "Pulled 1 pages" in nothing.stdout and "nothing new" in nothing.stdout

        # City to province: a tampered page first (refused, nothing applied), then the real feed.
        city_server.wait()
        finished(province_setup)
        proxy = TamperingProxy(city_server.url)
        tampered = province.cli("exchange", "pull", "--partner", "city", "--from", proxy.url,
                                "--token", city_source["token"])  # fmt: skip
        assert tampered.returncode != 0
        assert "page after cursor 0" in tampered.stderr and "signature does not verify" in tampered.stderr
        refused = province.dump()
        assert refused["records"] == [] and refused["cursors"]["city"] == 0

        upstream = province.cli("exchange", "pull", "--partner", "city", "--from", city_server.url,
                                "--token", city_source["token"], "--page-size", "3")  # fmt: skip
        assert upstream.returncode == 0, upstream.stderr
        at_province = _records(province.dump())
        assert set(at_province) == set(at_city)
        assert at_province["区市监罚〔2025〕1号"]["fine"] == "3"
        assert at_province["区市监罚〔2025〕2号"]["holds"] == ["repair"]
        assert at_province["区表彰〔2025〕1号"]["status"] == "withdrawn"
        assert {r["provider"] for r in at_province.values()} == {"市公共信用信息平台"}
        # Nothing duplicated at either end: one local record per original record.
        assert province.dump()["received"] == 5 and city.dump()["received"] == 5
    finally:
        if proxy is not None:
            proxy.stop()
        if city_server is not None:
            city_server.stop()
        district_server.stop()
