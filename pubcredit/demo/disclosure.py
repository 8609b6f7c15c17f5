"""Who may look beyond the public record in the demo city, so the access pages have content.

The trading centre (交易中心) holds an approved sharing agreement for licensing, penalty and
court-enforcement items, for checking bidders. The demo "company" login has authorised the demo
bank to see its records for a loan review. Everything goes through the disclosure services, so it
is audited like real use; created once, on the first `pubcredit demo accounts`.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from pubcredit.accounts.models import Organisation, User
from pubcredit.disclosure.models.access import Authorisation, SharingAgreement
from pubcredit.disclosure.services.authorisations import authorisation_grant
from pubcredit.disclosure.services.sharing import sharing_agreement_approve, sharing_agreement_create
from pubcredit.records.models import Record

SHARED_ITEMS = ("XK", "CF", "SX", "JYYC")
LOAN_REVIEW = "贷款审查"
BIDDER_CHECK = "公共资源交易投标人资格审查"


def demo_access(*, operator: User, company: User | None, bank: Organisation, trading_centre: Organisation) -> str:
    """One approved sharing agreement and one authorisation; nothing when they already exist."""
    today = timezone.localdate()
    made = []
    if not SharingAgreement.objects.filter(consumer=trading_centre).exists():
        agreement = sharing_agreement_create(
            actor=operator,
            consumer=trading_centre,
            item_codes=list(SHARED_ITEMS),
            purpose=BIDDER_CHECK,
            legal_basis="西安市公共信用信息管理办法 第二十三条",
            valid_from=today,
            valid_until=date(today.year + 1, 12, 31),
        )
        sharing_agreement_approve(actor=operator, agreement=agreement)
        made.append("sharing agreement")
    subject = company.subject if company is not None else None
    if company is not None and subject is not None and not Authorisation.objects.filter(subject=subject).exists():
        codes = sorted(set(Record.objects.filter(subject=subject).values_list("item_code", flat=True)))
        if codes:
            authorisation_grant(
                actor=company,
                requester_organisation=bank,
                item_codes=codes,
                purpose=LOAN_REVIEW,
                valid_from=today,
                valid_until=today + timedelta(days=180),
            )
            made.append("authorisation")
    return ", ".join(made) or "already there"
