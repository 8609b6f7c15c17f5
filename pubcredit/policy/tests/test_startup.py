"""Start-up refuses a wrong PUBCREDIT_POLICY or a broken pack with one sentence."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.test import override_settings

from pubcredit.core.errors import ConfigurationError
from pubcredit.policy import loader
from pubcredit.policy.tests.packfiles import PackWriter, shipped

ROOT = Path(__file__).resolve().parents[3]


def test_ready_refuses_an_unknown_pack() -> None:
    config = apps.get_app_config("policy")
    with (
        override_settings(PUBCREDIT_POLICY="xain"),
        pytest.raises(
            ConfigurationError, match=r"^Unknown policy pack 'xain' \(PUBCREDIT_POLICY\); available: dalian, "
        ),
    ):
        config.ready()
    with override_settings(PUBCREDIT_POLICY="xian"):
        config.ready()


def test_ready_refuses_a_broken_pack_that_is_not_the_configured_one(
    pack_dir: PackWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = pack_dir(dalian=shipped("dalian").replace("value = 3\n", "value = -3\n"))
    monkeypatch.setattr(loader, "PACKS_DIR", broken)
    config = apps.get_app_config("policy")
    with override_settings(PUBCREDIT_POLICY="xian"), pytest.raises(ConfigurationError) as caught:
        config.ready()
    assert (
        "dalian.toml: key 'objection.first_check_wd' must be a non-negative integer (or unset = true), not -3"
        in str(caught.value)
    )
    # `pubcredit policy check` must get to list the problems itself.
    monkeypatch.setattr(sys, "argv", ["pubcredit", "policy", "check"])
    config.ready()


def test_cli_prints_one_line_and_exits_2_for_a_typo() -> None:
    env = {"DJANGO_SETTINGS_MODULE": "config.settings_test", "PUBCREDIT_POLICY": "foo", "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", "from pubcredit.cli import main; main(['policy', 'list'])"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "pubcredit: Unknown policy pack 'foo' (PUBCREDIT_POLICY); "
        "available: dalian, nantong, national, shaoshan, xian, xinghualing, yuanbaoshan"
    )


def test_importing_the_package_touches_no_model() -> None:
    code = (
        "import sys, pubcredit.policy; "
        "print(any(m.endswith('.models') for m in sys.modules if m.startswith('pubcredit')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False"
