"""The browser fixtures live in `tests/browser/support.py` and are registered once, in the root
conftest, so every page test in the tree shares one Chromium for the whole session (Playwright's
sync API allows one instance per thread at a time)."""
