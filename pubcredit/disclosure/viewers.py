"""Who is looking: the one description of a viewer that the disclosure decision takes.

Every way out (portal, self-query, authorised query, government sharing, operators' screens)
builds a `Viewer` and passes it to the decision; nothing reads records around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ViewerKind(StrEnum):
    PUBLIC = "public"  # anyone on the portal or the public API
    SUBJECT = "subject"  # the subject itself, after identity verification (self-query)
    AUTHORISED = "authorised"  # a requester holding the subject's authorisation
    SHARING = "sharing"  # a consumer department under a sharing agreement
    PROVIDER = "provider"  # the department that provided the record
    OPERATOR = "operator"  # credit-centre staff
    CHECK = "check"  # a department's credit check inside its own procedure (no record content)


@dataclass(frozen=True)
class Viewer:
    kind: ViewerKind
    label: str  # who, as written in the query log (never an ID number)
    user_id: int | None = None
    api_client_id: int | None = None
    organisation_id: int | None = None
    subject_id: int | None = None  # SUBJECT: the viewer's own subject
    items: frozenset[str] | None = None  # AUTHORISED / SHARING: the item codes granted
    purpose: str = ""  # AUTHORISED / SHARING: the stated purpose
    basis: str = ""  # what allows the look, e.g. "authorisation:12", "agreement:3"

    @property
    def is_public(self) -> bool:
        return self.kind is ViewerKind.PUBLIC
