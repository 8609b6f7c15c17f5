#!/usr/bin/env python
"""Django's manage.py; the same as the `pubcredit` command."""

from pubcredit.cli import main

if __name__ == "__main__":
    main()
