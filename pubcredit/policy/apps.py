from __future__ import annotations

import sys

from django.apps import AppConfig


def _running_policy_check() -> bool:
    """`pubcredit policy check` lists every problem itself, so start-up must not stop at the first."""
    return sys.argv[1:3] == ["policy", "check"]


class PolicyConfig(AppConfig):
    name = "pubcredit.policy"
    label = "policy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A typo in a pack or in PUBCREDIT_POLICY must stop start-up with one sentence, not
        # surface later as a wrong deadline. Parsing six small files takes a few milliseconds and
        # fills the cache that get_policy reads anyway.
        if _running_policy_check():
            return
        from pubcredit.policy.loader import load_packs
        from pubcredit.policy.resolve import configured_pack_code

        load_packs().get(configured_pack_code(), from_setting=True)
