"""Who may change the catalogue: the credit centre (西安 第九条: 目录由主管部门牵头编制、经批准后发布)."""

from __future__ import annotations

from pubcredit.accounts.actors import Actor, actor_may
from pubcredit.core.errors import PermissionDenied
from pubcredit.core.roles import Role


def can_manage_catalog(actor: Actor) -> bool:
    return actor_may(actor, Role.OPERATOR)


def require_catalog_manager(actor: Actor) -> None:
    if not can_manage_catalog(actor):
        raise PermissionDenied(f"“{actor or '匿名用户'}”不是信用中心工作人员，不能维护公共信用信息目录")
