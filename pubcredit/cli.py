"""The `pubcredit` command: Django's management commands with a clean error for bad settings.

`pubcredit policy show xian`, `pubcredit audit verify`, `pubcredit serve`, `pubcredit migrate`...
A configuration problem (settings, keys, policy pack, an unreachable database) prints one
sentence and exits with status 2, never a traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line
    from django.db.utils import InterfaceError, OperationalError

    from pubcredit.core.errors import ConfigurationError

    args = ["pubcredit", *(sys.argv[1:] if argv is None else argv)]
    try:
        execute_from_command_line(args)
    except ConfigurationError as exc:
        print(f"pubcredit: {exc}", file=sys.stderr)
        sys.exit(2)
    except (OperationalError, InterfaceError) as exc:
        from pubcredit.ops.preflight import database_failure

        print(f"pubcredit: {database_failure(exc)}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
