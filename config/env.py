"""Reading settings from the environment, failing fast with one clear sentence.

Settings modules call these helpers; any problem raises `ConfigurationError`, which the CLI and
the WSGI entry point print as a single line instead of a traceback.
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from typing import Any

from pubcredit.core.errors import ConfigurationError

BASE_DIR = Path(__file__).resolve().parent.parent


def load_env_file(path: Path) -> None:
    """Load KEY=VALUE lines into os.environ without overriding what is already set."""
    if not path.exists():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


def required(name: str, hint: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ConfigurationError(f"Setting {name} is missing: {hint}")
    return value


def hex_key(name: str, length_bytes: int) -> bytes:
    value = required(name, f"set it to {length_bytes * 2} hexadecimal characters (run `make keys`).")
    if not re.fullmatch(r"[0-9a-fA-F]+", value) or len(value) != length_bytes * 2:
        raise ConfigurationError(
            f"Setting {name} must be exactly {length_bytes * 2} hexadecimal characters "
            f"({length_bytes} bytes); got {len(value)} characters."
        )
    return bytes.fromhex(value)


def flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigurationError(f"Setting {name}={value!r} is not a boolean; use 1/0, true/false, yes/no.")


def networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """A comma-separated list of IP addresses or CIDR networks (empty by default)."""
    found = []
    for part in os.environ.get(name, "").split(","):
        if part.strip():
            try:
                found.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError as exc:
                raise ConfigurationError(
                    f"Setting {name} has {part.strip()!r}, which is not an IP address or network: {exc}"
                ) from exc
    return tuple(found)


def positive_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdecimal() or int(value) < 1:
        raise ConfigurationError(f"Setting {name}={value!r} must be a whole number of at least 1.")
    return int(value)


def database(url: str) -> dict[str, Any]:
    """Translate a DATABASE_URL into Django's DATABASES entry (sqlite:/// or postgres://)."""
    import dj_database_url

    if not (url.startswith("sqlite:") or url.startswith(("postgres://", "postgresql://"))):
        raise ConfigurationError(
            f"DATABASE_URL scheme in {_redact(url)!r} is not supported; use sqlite:///path or postgres://..."
        )
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=None))
    except Exception as exc:  # dj_database_url raises several types for malformed URLs
        raise ConfigurationError(f"DATABASE_URL {_redact(url)!r} cannot be parsed: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(config["NAME"])
        if not name.is_absolute():
            name = BASE_DIR / name
        config["NAME"] = str(name)
        # WAL lets readers go on while a batch writes; IMMEDIATE avoids lock-upgrade deadlocks.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
            "transaction_mode": "IMMEDIATE",
        }
    else:
        # Django's backend, with the health check sent only to connections idle for a while.
        config["ENGINE"] = "pubcredit.ops.postgresql"
        config.setdefault("OPTIONS", {})
        config["CONN_HEALTH_CHECKS"] = True
    return config


def _redact(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)
