"""WSGI entry point for gunicorn. A configuration problem is printed as one sentence."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from pubcredit.core.errors import ConfigurationError

try:
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
except ConfigurationError as exc:
    print(f"pubcredit: {exc}", file=sys.stderr)
    sys.exit(3)
