"""Hide requests for good information: 西安 withhold at once, 元宝山 delete within 5 WD."""

import datetime as dt

import pytest
import time_machine

from pubcredit.accounts.tests.factories import ProviderClerkFactory, SubjectAccountFactory
from pubcredit.core.errors import PermissionDenied, ValidationFailed
from pubcredit.disclosure.models.outcomes import HideState, Tombstone
from pubcredit.disclosure.selectors.records import records_disclosed
from pubcredit.disclosure.services.hiding import hide_request_cancel, hide_request_create
from pubcredit.disclosure.services.sweep import disclosure_sweep
from pubcredit.disclosure.tests.factories import make_record
from pubcredit.disclosure.viewers import Viewer, ViewerKind
from pubcredit.notices.models import Notice

pytestmark = pytest.mark.django_db
PUBLIC = Viewer(kind=ViewerKind.PUBLIC, label="公众")
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=SHANGHAI), tick=False)


def test_xian_withholds_good_information_at_once(pack):
    account = SubjectAccountFactory.create()
    good = make_record(account.subject, kind="good", info_class="commendation")
    with pack("xian"), _at(dt.date(2026, 9, 29)):
        assert len(records_disclosed(viewer=PUBLIC, subject=account.subject)) == 1
        request = hide_request_create(actor=account, record=good)
        assert request.state == HideState.APPLIED and request.article == "西安 第二十一条"
        assert records_disclosed(viewer=PUBLIC, subject=account.subject) == []
        own = Viewer(kind=ViewerKind.SUBJECT, label="本人", subject_id=account.subject_id)
        assert (
            "已按信息主体要求不予公开" in records_disclosed(viewer=own, subject=account.subject)[0].decision.annotations
        )
        hide_request_cancel(actor=account, hide_request=request)
        assert len(records_disclosed(viewer=PUBLIC, subject=account.subject)) == 1


def test_yuanbaoshan_deletes_within_five_working_days_across_the_national_day_holiday(
    pack, mailoutbox, django_capture_on_commit_callbacks
):
    account = SubjectAccountFactory.create()
    clerk = ProviderClerkFactory.create()
    good = make_record(account.subject, kind="good", info_class="commendation", by=clerk.organisation)
    with pack("yuanbaoshan"), _at(dt.date(2026, 9, 29)):
        request = hide_request_create(actor=account, record=good)
        # 9-30, then 10-01..10-07 off, 10-08, 10-09, 10-10 (make-up Saturday), 10-12.
        assert request.due_on == dt.date(2026, 10, 12)
        assert records_disclosed(viewer=PUBLIC, subject=account.subject) == []
    with pack("yuanbaoshan"):
        assert disclosure_sweep(on=dt.date(2026, 10, 10)).hide_requests_applied == 0
        with django_capture_on_commit_callbacks(execute=True):
            result = disclosure_sweep(on=dt.date(2026, 10, 12))
        assert (result.hide_requests_applied, result.hidden_records_purged) == (1, 1)
        request.refresh_from_db()
        assert request.state == HideState.APPLIED and request.provider_notified_at is not None
        good.refresh_from_db()
        assert good.status == "purged" and good.data == {}
        assert Tombstone.objects.get(record_id=good.pk).article == "元宝山 第二十八条"
        assert [m.to for m in mailoutbox] == [[clerk.email]]
        assert f"记录 {good.pk}" in mailoutbox[0].body and "元宝山 第二十八条" in mailoutbox[0].body
        (notice,) = Notice.objects.filter(recipient=clerk)
        assert notice.body == mailoutbox[0].body
        assert disclosure_sweep(on=dt.date(2026, 10, 12)).changed == 0


def test_refusals(pack):
    account = SubjectAccountFactory.create()
    bad = make_record(account.subject, kind="bad")
    good = make_record(account.subject, kind="good", info_class="commendation")
    stranger = SubjectAccountFactory.create()
    with pack("xian"), _at(dt.date(2026, 9, 29)):
        with pytest.raises(ValidationFailed, match="不是良好信息"):
            hide_request_create(actor=account, record=bad)
        with pytest.raises(PermissionDenied):
            hide_request_create(actor=stranger, record=good)
    with pack("nantong"), _at(dt.date(2026, 9, 29)), pytest.raises(ValidationFailed, match="不支持"):
        hide_request_create(actor=account, record=good)
