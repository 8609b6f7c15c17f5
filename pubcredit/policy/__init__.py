"""The regulation as data: policy packs per jurisdiction, layered over the national baseline.

    from pubcredit.policy import get_policy
    policy = get_policy(on=date(2026, 11, 22))
    policy.value("objection.provider_answer_wd")   # 10 under the 西安 pack (西安 第三十条)

Importing this package touches no Django model, so any app (and settings-free scripts that pass
`pack=`) may import it.
"""

from pubcredit.policy.params import Param, Policy
from pubcredit.policy.resolve import get_policy

__all__ = ["Param", "Policy", "get_policy"]
