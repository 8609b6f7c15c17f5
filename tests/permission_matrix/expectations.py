"""The permission matrix as data."""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.permission_matrix.scene import (
    GROUND_MARK,
    PDF,
    PERSON_ID,
    RESTRICTED_MARK,
    ROLES,
    STATEMENT_MARK,
    TOKEN_ROLES,
    Scene,
)

Cells = dict[str, str]


def cells(default: str, **roles: str) -> Cells:
    """Every role's class: `default` unless named. Token roles count for API operations only."""
    unknown = set(roles) - set(ROLES + TOKEN_ROLES)
    assert not unknown, f"unknown roles {sorted(unknown)}"
    return {role: roles.get(role, default) for role in ROLES + TOKEN_ROLES}


# GET: the answer class for each role. Pages check the role first (403) and hide what belongs to
# someone else (404, never confirming it exists); anonymous visitors are sent to sign in. The API
# answers 401 without a session or token, 403 to a role that may not act, 404 for others' objects.
GET: dict[str, Cells] = {
    "api:openapi-json": cells("ok"),
    "api:openapi-view": cells("ok"),
    "pubcredit_disclosure_api_records_public_record": cells("ok"),
    "pubcredit_disclosure_api_records_my_record": cells("deny", subject_own="ok", subject_other="ok"),
    "pubcredit_catalog_api_catalog_list": cells("ok"),
    "pubcredit_catalog_api_catalog_detail": cells("ok"),
    "pubcredit_catalog_api_catalog_versions": cells("ok"),
    "pubcredit_collection_api_list_batches": cells(
        "ok", public="deny", consumer_agreed_token="deny", consumer_none_token="deny", operator_token="deny"
    ),
    "pubcredit_collection_api_detail": cells(
        "hide",
        public="deny",
        provider_own="ok",
        operator="ok",
        authority="ok",
        auditor="ok",
        provider_own_token="ok",
        consumer_agreed_token="deny",
        consumer_none_token="deny",
        operator_token="deny",
    ),
    "pubcredit_subjects_api_search": cells("ok"),
    "pubcredit_subjects_api_detail": cells("ok"),
    "pubcredit_objections_api_objection_read": cells(
        "hide",
        public="deny",
        subject_own="ok",
        provider_own="ok",
        operator="ok",
        authority="ok",
        auditor="ok",
        provider_own_token="deny",
        provider_other_token="deny",
    ),
    "pubcredit_repairs_api_detail": cells(
        "ok",
        public="deny",
        subject_other="hide",
        provider_other="hide",
        consumer_agreed="hide",
        consumer_none="hide",
        provider_other_token="hide",
        consumer_agreed_token="deny",
        consumer_none_token="deny",
        operator_token="deny",
    ),
    "pubcredit_lists_api_entries": cells(
        "ok", public="deny", consumer_agreed_token="deny", consumer_none_token="deny", operator_token="deny"
    ),
    "pubcredit_lists_api_detail": cells(
        "ok", public="deny", consumer_agreed_token="deny", consumer_none_token="deny", operator_token="deny"
    ),
    "pubcredit_measures_api_catalogue": cells(
        "ok", public="deny", provider_own_token="deny", provider_other_token="deny", operator_token="deny"
    ),
    "pubcredit_measures_api_tasks": cells(
        "deny",
        provider_own="ok",
        provider_other="ok",
        consumer_agreed="ok",
        consumer_none="ok",
        consumer_agreed_token="ok",
        consumer_none_token="ok",
    ),
    "pubcredit_measures_api_check_read": cells(
        "hide",
        public="deny",
        consumer_agreed="ok",
        operator="ok",
        authority="ok",
        auditor="ok",
        consumer_agreed_token="ok",
        provider_own_token="deny",
        provider_other_token="deny",
        operator_token="deny",
    ),
    "api:api-root": cells("hide"),
    "collection:batch_upload": cells("deny", public="login", provider_own="ok", provider_other="ok"),
    "collection:batch_detail": cells(
        "hide", public="login", provider_own="ok", operator="ok", authority="ok", auditor="ok"
    ),
    "collection:batch_template": cells("ok"),
    "collection:declaration_list": cells("deny", public="login", subject_own="ok", subject_other="ok", operator="ok"),
    "collection:declaration_new": cells("deny", public="login", subject_own="ok", subject_other="ok"),
    "collection:declaration_queue": cells("deny", public="login", operator="ok"),
    "collection:declaration_detail": cells("hide", public="login", subject_own="ok", operator="ok"),
    "collection:declaration_approve": cells("method"),
    "collection:declaration_reject": cells("method"),
    "collection:declaration_mark_false": cells("method"),
    "collection:declaration_attachment": cells("hide", public="login", subject_own="ok", operator="ok"),
    "collection:reporting_overview": cells(
        "deny", public="login", provider_own="ok", provider_other="ok", operator="ok", authority="ok"
    ),
    "collection:reporting_mine": cells("deny", public="login", provider_own="ok", provider_other="ok"),
    "collection:reporting_duties": cells("deny", public="login", operator="ok"),
    "access:authorisation_list": cells("deny", public="login", subject_own="ok", subject_other="ok"),
    "access:authorisation_new": cells("deny", public="login", subject_own="ok", subject_other="ok"),
    "access:authorisation_revoke": cells("method"),
    "access:written_list": cells("ok", public="login"),
    "access:written_new": cells("ok", public="login"),
    "access:check_queue": cells("deny", public="login", operator="ok"),
    "access:check_detail": cells("deny", public="login", operator="ok"),
    "access:check_accept": cells("method"),
    "access:check_refuse": cells("method"),
    "access:authorisation_document": cells("hide", public="login", consumer_agreed="ok", operator="ok"),
    "access:agreement_list": cells("deny", public="login", operator="ok", authority="ok"),
    "access:agreement_new": cells("deny", public="login", operator="ok"),
    "access:agreement_approve": cells("method"),
    "access:agreement_end": cells("method"),
    "notices:inbox": cells("ok", public="login"),
    "notices:open": cells("method"),
    "notices:read_all": cells("method"),
    "my_record:record": cells("deny", public="login", subject_own="ok", subject_other="ok"),
    "my_record:queries": cells("deny", public="login", subject_own="ok", subject_other="ok"),
    "my_record:hide": cells("method"),
    "objections:mine": cells("deny", public="login", subject_own="ok", subject_other="ok"),
    "objections:new": cells("deny", public="login", subject_own="ok", subject_other="ok"),
    "objections:desk": cells("deny", public="login", operator="ok"),
    "objections:counter": cells("deny", public="login", operator="ok"),
    "objections:counter_entry": cells("deny", public="login", operator="ok"),
    "objections:provider_queue": cells("deny", public="login", provider_own="ok", provider_other="ok"),
    "objections:review_queue": cells("deny", public="login", authority="ok"),
    "objections:evidence": cells(
        "ok", public="login", subject_other="hide", provider_other="hide", consumer_agreed="hide", consumer_none="hide"
    ),
    "objections:detail": cells(
        "ok", public="login", subject_other="hide", provider_other="hide", consumer_agreed="hide", consumer_none="hide"
    ),
    "objections:check": cells("method"),
    "objections:answer": cells("method"),
    "objections:close": cells("method"),
    "objections:disagree": cells("method"),
    "objections:review": cells("method"),
    "repairs:index": cells("ok", public="login", consumer_agreed="deny", consumer_none="deny"),
    "repairs:mine": cells("deny", public="login", subject_own="ok", subject_other="ok"),
    "repairs:apply": cells("deny", public="login", subject_own="ok", subject_other="hide"),
    "repairs:queue": cells("deny", public="login", provider_own="ok", provider_other="ok"),
    "repairs:overview": cells("deny", public="login", operator="ok", authority="ok", auditor="ok"),
    "repairs:detail": cells(
        "ok", public="login", subject_other="hide", provider_other="hide", consumer_agreed="hide", consumer_none="hide"
    ),
    "repairs:accept": cells("method"),
    "repairs:reject": cells("method"),
    "repairs:proof": cells(
        "ok", public="login", subject_other="hide", provider_other="hide", consumer_agreed="hide", consumer_none="hide"
    ),
    "lists:index": cells(
        "deny", public="login", provider_own="ok", provider_other="ok", operator="ok", authority="ok", auditor="ok"
    ),
    "lists:create": cells("deny", public="login", provider_own="ok", provider_other="ok"),
    "lists:public": cells("ok"),
    "lists:detail": cells("ok", public="login"),
    "lists:exit": cells("method"),
    "lists:void": cells("method"),
    "lists:decision": cells("hide", public="login", provider_own="ok", operator="ok", authority="ok", auditor="ok"),
    "measures:catalogue": cells("ok", public="login"),
    "measures:queue": cells(
        "deny", public="login", provider_own="ok", provider_other="ok", consumer_agreed="ok", consumer_none="ok"
    ),
    "measures:task-feedback": cells("method"),
    "measures:loops": cells("ok", public="login", subject_own="deny", subject_other="deny"),
    "measures:checks": cells("ok", public="login", subject_own="deny", subject_other="deny"),
    "measures:check": cells("hide", public="login", consumer_agreed="ok", operator="ok", authority="ok", auditor="ok"),
    "measures:check-feedback": cells("method"),
    "staff:reason": cells("method"),
    "staff:export_list": cells("deny", public="login", operator="ok", authority="ok", auditor="ok"),
    "staff:export_new": cells("deny", public="login", operator="ok"),
    "staff:export_detail": cells("deny", public="login", operator="ok", authority="ok", auditor="ok"),
    "staff:export_approve": cells("method"),
    "staff:export_refuse": cells("method"),
    "staff:export_file": cells("method"),
    "reports:index": cells(
        "deny",
        public="login",
        subject_own="ok",
        subject_other="ok",
        consumer_agreed="ok",
        operator="ok",
        authority="ok",
        auditor="ok",
    ),
    "reports:generate": cells("method"),
    # The subject sees the page too: it lists the authorisations it granted (no other's data).
    "reports:authorised": cells("deny", public="login", subject_own="ok", consumer_agreed="ok"),
    "reports:archive": cells("deny", public="login", operator="ok", authority="ok", auditor="ok"),
    "reports:download": cells("hide", public="login", subject_own="ok", operator="ok", authority="ok", auditor="ok"),
    "reports:certificate": cells("ok"),
    "reports:certificate_pem": cells("ok"),
    "verify:lookup": cells("ok"),
    "verify:report": cells("ok"),
    "pubcredit_reports_api_verify": cells("ok"),
    "screening:index": cells(
        "deny", public="login", consumer_agreed="ok", consumer_none="ok", operator="ok", auditor="ok"
    ),
    "screening:detail": cells("hide", public="login", consumer_agreed="ok", operator="ok", auditor="ok"),
    "screening:progress": cells("hide", public="login", consumer_agreed="ok", operator="ok", auditor="ok"),
    "screening:xlsx": cells("hide", public="login", consumer_agreed="ok", operator="ok", auditor="ok"),
    "screening:mark": cells("method"),
    "screening:unmark": cells("method"),
    "pubcredit_screening_api_detail": cells(
        "hide",
        public="deny",
        consumer_agreed="ok",
        operator="ok",
        auditor="ok",
        consumer_agreed_token="ok",
        provider_own_token="deny",
        provider_other_token="deny",
        operator_token="deny",
    ),
    "pubcredit_screening_api_download": cells(
        "hide",
        public="deny",
        consumer_agreed="ok",
        operator="ok",
        auditor="ok",
        consumer_agreed_token="ok",
        provider_own_token="deny",
        provider_other_token="deny",
        operator_token="deny",
    ),
    "exchange:catalogue": cells("ok"),
    "exchange:key": cells("ok"),
    "pubcredit_exchange_api_catalogue": cells("ok"),
    "pubcredit_exchange_api_key": cells("ok"),
    # Only a client with the `exchange` scope of a partner under an agreement in force reads the feed.
    "pubcredit_exchange_api_changes": cells("deny"),
    "public_lists:index": cells("ok"),
    "public_lists:list": cells("ok"),
    "portal:home": cells("ok"),
    "portal:search": cells("ok"),
    "portal:subject": cells("ok"),
    "portal:catalog": cells("ok"),
    "portal:catalog_item": cells("ok"),
    "portal:login": cells("ok"),
    "portal:login_verify": cells("login"),
    "portal:login_enrol": cells("ok", public="login"),
    "portal:logout": cells("method"),
}

# POST: "deny" where the role must be refused (401/403/404 or the sign-in redirect), "any" where
# it may act (then only no 5xx is asserted: the minimal body may still be refused as invalid).
POST: dict[str, Cells] = {
    "pubcredit_collection_api_submit": cells(
        "deny", provider_own="any", provider_other="any", provider_own_token="any", provider_other_token="any"
    ),
    "pubcredit_collection_api_submit_file": cells(
        "deny", provider_own="any", provider_other="any", provider_own_token="any", provider_other_token="any"
    ),
    "pubcredit_records_api_correct": cells("deny", provider_own="any", provider_own_token="any"),
    "pubcredit_records_api_withdraw": cells("deny", provider_own="any", provider_own_token="any"),
    "pubcredit_subjects_api_register": cells(
        "deny",
        provider_own="any",
        provider_other="any",
        operator="any",
        provider_own_token="any",
        provider_other_token="any",
    ),
    "pubcredit_disclosure_api_access_authorised_query_view": cells("deny", consumer_agreed_token="any"),
    "pubcredit_disclosure_api_access_sharing_query_view": cells("deny", consumer_agreed_token="any"),
    "pubcredit_disclosure_api_access_sharing_batch_view": cells("deny", consumer_agreed_token="any"),
    "pubcredit_objections_api_objection_create": cells("deny", subject_own="any", subject_other="any"),
    "pubcredit_objections_api_objection_item_answer": cells("deny", provider_own="any", provider_own_token="any"),
    "pubcredit_repairs_api_apply": cells("deny", subject_own="any"),
    "pubcredit_repairs_api_decide": cells("deny", provider_own="any", provider_own_token="any"),
    "collection:batch_upload": cells("deny", provider_own="any", provider_other="any"),
    "collection:declaration_new": cells("deny", subject_own="any", subject_other="any"),
    "collection:declaration_approve": cells("deny", operator="any"),
    "collection:declaration_reject": cells("deny", operator="any"),
    "collection:declaration_mark_false": cells("deny", operator="any"),
    "collection:reporting_duties": cells("deny", operator="any"),
    "access:authorisation_new": cells("deny", subject_own="any", subject_other="any"),
    "access:authorisation_revoke": cells("deny", subject_own="any"),
    "access:written_new": cells("any", public="deny"),
    "access:check_accept": cells("deny", operator="any"),
    "access:check_refuse": cells("deny", operator="any"),
    "access:agreement_new": cells("deny", operator="any"),
    "access:agreement_approve": cells("deny", operator="any", authority="any"),
    "access:agreement_end": cells("deny", operator="any", authority="any"),
    "notices:open": cells("deny", subject_own="any"),
    "notices:read_all": cells("any", public="deny"),
    "my_record:hide": cells("deny", subject_own="any"),
    "objections:new": cells("deny", subject_own="any", subject_other="any"),
    "objections:counter_entry": cells("deny", operator="any"),
    "objections:check": cells("deny", operator="any"),
    "objections:answer": cells("deny", provider_own="any"),
    "objections:close": cells("deny", operator="any"),
    "objections:disagree": cells("deny", subject_own="any"),
    "objections:review": cells("deny", authority="any"),
    "repairs:apply": cells("deny", subject_own="any"),
    "repairs:accept": cells("deny", provider_own="any"),
    "repairs:reject": cells("deny", provider_own="any"),
    "pubcredit_lists_api_create": cells(
        "deny", provider_own="any", provider_other="any", provider_own_token="any", provider_other_token="any"
    ),
    "pubcredit_lists_api_exit_entry": cells(
        "deny", provider_own="any", operator="any", authority="any", provider_own_token="any"
    ),
    "pubcredit_lists_api_void_entry": cells(
        "deny", provider_own="any", operator="any", authority="any", provider_own_token="any"
    ),
    "pubcredit_measures_api_check_run": cells(
        "deny",
        provider_own="any",
        provider_other="any",
        consumer_agreed="any",
        consumer_none="any",
        consumer_agreed_token="any",
        consumer_none_token="any",
    ),
    "pubcredit_measures_api_check_feedback_post": cells("deny", consumer_agreed="any", consumer_agreed_token="any"),
    "pubcredit_measures_api_task_feedback_post": cells("deny", consumer_agreed="any", consumer_agreed_token="any"),
    "lists:create": cells("deny", provider_own="any", provider_other="any"),
    "lists:exit": cells("deny", provider_own="any", operator="any", authority="any"),
    "lists:void": cells("deny", provider_own="any", operator="any", authority="any"),
    "measures:task-feedback": cells("deny", consumer_agreed="any"),
    "measures:checks": cells(
        "deny", provider_own="any", provider_other="any", consumer_agreed="any", consumer_none="any"
    ),
    "measures:check-feedback": cells("deny", consumer_agreed="any"),
    "staff:reason": cells("deny", operator="any"),
    "staff:export_new": cells("deny", operator="any"),
    "staff:export_approve": cells("deny", authority="any"),
    "staff:export_refuse": cells("deny", authority="any"),
    "staff:export_file": cells("deny", operator="any", authority="any", auditor="any"),
    "reports:generate": cells("deny", subject_own="any", subject_other="any", operator="any"),
    "reports:authorised": cells("deny", consumer_agreed="any"),
    "verify:report": cells("any"),
    "screening:index": cells("deny", consumer_agreed="any", consumer_none="any", operator="any"),
    "screening:mark": cells("deny", consumer_agreed="any", operator="any"),
    "screening:unmark": cells("deny", consumer_agreed="any", operator="any"),
    "pubcredit_screening_api_submit": cells(
        "deny",
        consumer_agreed="any",
        consumer_none="any",
        operator="any",
        consumer_agreed_token="any",
        consumer_none_token="any",
    ),
    "pubcredit_screening_api_mark": cells("deny", consumer_agreed="any", operator="any", consumer_agreed_token="any"),
    "pubcredit_screening_api_unmark": cells("deny", consumer_agreed="any", operator="any", consumer_agreed_token="any"),
    "portal:logout": cells("any"),
}

# Words of the scene that only these roles may read on any page or API answer. The authority and
# auditors oversee every objection and repair application (objections/selectors.py:26 sees_all,
# repairs/selectors.py:54 user_oversees_repairs), so they read statements and grounds; nobody but
# the subject, its provider and the centre reads a restricted record on a page; the authorised
# consumer gets it only through its token client (authorised query, sharing).
MARKS: dict[str, tuple[str, set[str]]] = {
    RESTRICTED_MARK: (
        "the restricted record's content",
        {"subject_own", "provider_own", "operator", "consumer_agreed_token"},
    ),
    STATEMENT_MARK: (
        "the objection's statement",
        {"subject_own", "provider_own", "operator", "authority", "auditor"},
    ),
    PERSON_ID: ("a person's full ID number", set()),
    GROUND_MARK: (
        "the repair application's ground",
        {"subject_own", "provider_own", "operator", "authority", "auditor"},
    ),
}
BODIES: dict[str, Callable[[Scene], dict[str, object]]] = {
    "pubcredit_collection_api_submit": lambda s: {"item": "CF", "ref": "M-1", "rows": [{"CF_NR": "x"}]},
    "pubcredit_collection_api_submit_file": lambda s: {
        "file": SimpleUploadedFile("批次.csv", b"CF_NR\nx\n"),
        "item": "CF",
    },
    "pubcredit_records_api_correct": lambda s: {"reason": "更正", "data": {"CF_NR": "x"}},
    "pubcredit_records_api_withdraw": lambda s: {"reason": "撤回"},
    "pubcredit_subjects_api_register": lambda s: {
        "kind": "org",
        "name": "西安市测试有限公司",
        "uscc": s.other_subject.uscc,
    },
    "pubcredit_disclosure_api_access_authorised_query_view": lambda s: {
        "uscc": s.subject.uscc,
        "authorisation_id": s.authorisation.pk,
        "purpose": "贷款审批",
    },
    "pubcredit_disclosure_api_access_sharing_query_view": lambda s: {
        "agreement_id": s.agreement.pk,
        "uscc": s.subject.uscc,
    },
    "pubcredit_disclosure_api_access_sharing_batch_view": lambda s: {
        "agreement_id": s.agreement.pk,
        "usccs": [s.subject.uscc],
    },
    "pubcredit_objections_api_objection_create": lambda s: {
        "records": [s.record.pk],
        "ground": "error",
        "statement": "记录有误",
    },
    "pubcredit_objections_api_objection_item_answer": lambda s: {"answer": "confirmed", "reason": "核实无误"},
    "pubcredit_repairs_api_apply": lambda s: {
        "record": s.record.pk,
        "ground": "已缴清罚款",
        "commitment_signed": "true",
        "proofs": [SimpleUploadedFile("缴款凭证.pdf", PDF)],
    },
    "pubcredit_repairs_api_decide": lambda s: {"accept": False, "reason": "不符合修复条件"},
    # Pages validate their form before the service checks the actor: a valid form reaches the check.
    "collection:declaration_approve": lambda s: {"approve-reason": "材料齐全"},
    "collection:declaration_reject": lambda s: {"reject-reason": "材料不全"},
    "collection:declaration_mark_false": lambda s: {"false-reason": "证书系伪造"},
    "access:check_accept": lambda s: {"accept-reason": "核验无误"},
    "access:check_refuse": lambda s: {"refuse-reason": "签章不符"},
    "access:agreement_end": lambda s: {"reason": "协议到期"},
    "objections:answer": lambda s: {
        f"item{s.objection_item.pk}-answer": "confirmed",
        f"item{s.objection_item.pk}-reason": "核实无误",
    },
    "objections:close": lambda s: {"note": "已告知申请人"},
    "objections:disagree": lambda s: {"text": "不同意核查结果"},
    "objections:review": lambda s: {"result": "upheld", "reason": "维持"},
    "staff:reason": lambda s: {"reason_kind": "objection", "reason": "核对异议材料"},
    "staff:export_refuse": lambda s: {"note": "范围过大"},
    "reports:generate": lambda s: {
        "kind": "public",
        "span_from": "2026-01-01",
        "span_to": "2026-11-20",
        "uscc": s.subject.uscc,
    },
    "reports:authorised": lambda s: {
        "authorisation": s.authorisation.pk,
        "span_from": "2026-01-01",
        "span_to": "2026-11-20",
        "purpose": s.authorisation.purpose,
    },
    "verify:report": lambda s: {"sm3": s.report.sha},
    "pubcredit_screening_api_submit": lambda s: {
        "file": SimpleUploadedFile("名单.csv", f"单位名称\n{s.subject.name}\n".encode()),
    },
    "pubcredit_screening_api_mark": lambda s: {"row_number": 2, "subject_id": s.subject.pk},
    "screening:index": lambda s: {"file": SimpleUploadedFile("名单.csv", f"单位名称\n{s.subject.name}\n".encode())},
    "repairs:accept": lambda s: {"accept-reason": "符合条件"},
    "repairs:reject": lambda s: {"reject-reason": "不符合条件"},
    "pubcredit_lists_api_create": lambda s: {
        "list_type": "severe",
        "subject": s.other_subject.uscc,
        "decision_number": "认定〔2026〕9号",
        "reason": "事由",
        "decided_on": "2026-11-20",
        "repair_notice": "可申请修复",
    },
    "pubcredit_lists_api_exit_entry": lambda s: {"reason": "withdrawal", "note": "撤销决定"},
    "pubcredit_lists_api_void_entry": lambda s: {"note": "错误列入"},
    "pubcredit_measures_api_check_run": lambda s: {"subject": s.subject.uscc, "business_type": "tendering"},
    "pubcredit_measures_api_check_feedback_post": lambda s: {"outcome": "not_applied", "note": "未实施"},
    "pubcredit_measures_api_task_feedback_post": lambda s: {"state": "not_applicable", "note": "无相关业务"},
    "lists:exit": lambda s: {"exit-reason": "withdrawal", "exit-note": "撤销决定"},
    "lists:void": lambda s: {"void-note": "错误列入"},
    "measures:task-feedback": lambda s: {"state": "not_applicable", "note": "无相关业务"},
    "measures:checks": lambda s: {"subject_code": s.subject.uscc, "business_type": "tendering"},
    "measures:check-feedback": lambda s: {"outcome": "not_applied", "note": "未实施"},
}

# Path arguments from the scene, by endpoint key: the subject's own objects wherever a path names one.
ARGS: dict[str, Callable[[Scene], dict[str, object]]] = {
    "pubcredit_disclosure_api_records_public_record": lambda s: {"uscc": s.subject.uscc},
    "pubcredit_catalog_api_catalog_detail": lambda s: {"code": "CF"},
    "pubcredit_catalog_api_catalog_versions": lambda s: {"code": "CF"},
    "pubcredit_collection_api_detail": lambda s: {"batch_id": s.batch.pk},
    "pubcredit_records_api_correct": lambda s: {"record_id": s.record.pk},
    "pubcredit_records_api_withdraw": lambda s: {"record_id": s.record.pk},
    "pubcredit_subjects_api_detail": lambda s: {"subject_id": s.subject.pk},
    "pubcredit_objections_api_objection_read": lambda s: {"objection_id": s.objection.pk},
    "pubcredit_objections_api_objection_item_answer": lambda s: {
        "objection_id": s.objection.pk,
        "item_id": s.objection_item.pk,
    },
    "pubcredit_repairs_api_detail": lambda s: {"application_id": s.repair.pk},
    "pubcredit_repairs_api_decide": lambda s: {"application_id": s.repair.pk},
    "collection:batch_detail": lambda s: {"batch_id": s.batch.pk},
    "collection:batch_template": lambda s: {"code": "CF"},
    "collection:declaration_detail": lambda s: {"pk": s.declaration.pk},
    "collection:declaration_approve": lambda s: {"pk": s.declaration.pk},
    "collection:declaration_reject": lambda s: {"pk": s.declaration.pk},
    "collection:declaration_mark_false": lambda s: {"pk": s.declaration.pk},
    "collection:declaration_attachment": lambda s: {"pk": s.declaration.attachments.get().pk},
    "access:authorisation_revoke": lambda s: {"pk": s.authorisation.pk},
    "access:check_detail": lambda s: {"pk": s.written.pk},
    "access:check_accept": lambda s: {"pk": s.written.pk},
    "access:check_refuse": lambda s: {"pk": s.written.pk},
    "access:authorisation_document": lambda s: {"pk": s.written.pk},
    "access:agreement_approve": lambda s: {"pk": s.agreement.pk},
    "access:agreement_end": lambda s: {"pk": s.agreement.pk},
    "notices:open": lambda s: {"notice_id": s.notice.pk},
    "my_record:hide": lambda s: {"record_id": s.record.pk},
    "objections:counter_entry": lambda s: {"subject_pk": s.subject.pk},
    "objections:evidence": lambda s: {"pk": s.objection.evidence.get().pk},
    "objections:detail": lambda s: {"pk": s.objection.pk},
    "objections:check": lambda s: {"pk": s.objection.pk},
    "objections:answer": lambda s: {"pk": s.objection.pk, "item_pk": s.objection_item.pk},
    "objections:close": lambda s: {"pk": s.objection.pk},
    "objections:disagree": lambda s: {"pk": s.objection.pk},
    "objections:review": lambda s: {"pk": s.objection.pk},
    "repairs:apply": lambda s: {"record_id": s.record.pk},
    "repairs:detail": lambda s: {"pk": s.repair.pk},
    "repairs:accept": lambda s: {"pk": s.repair.pk},
    "repairs:reject": lambda s: {"pk": s.repair.pk},
    "repairs:proof": lambda s: {"pk": s.repair.proofs.get().pk},
    "public_lists:list": lambda s: {"code": s.record.item_code},
    "pubcredit_lists_api_detail": lambda s: {"entry_id": s.entry.pk},
    "pubcredit_lists_api_exit_entry": lambda s: {"entry_id": s.entry.pk},
    "pubcredit_lists_api_void_entry": lambda s: {"entry_id": s.entry.pk},
    "pubcredit_measures_api_check_read": lambda s: {"number": s.check.number},
    "pubcredit_measures_api_check_feedback_post": lambda s: {"number": s.check.number},
    "pubcredit_measures_api_task_feedback_post": lambda s: {"task_id": s.task.pk},
    "staff:reason": lambda s: {"subject_id": s.subject.pk},
    "staff:export_detail": lambda s: {"pk": s.export.pk},
    "staff:export_approve": lambda s: {"pk": s.export.pk},
    "staff:export_refuse": lambda s: {"pk": s.export.pk},
    "staff:export_file": lambda s: {"pk": s.export.pk},
    "reports:download": lambda s: {"pk": s.report.pk},
    "verify:report": lambda s: {"number": s.report.number},
    "pubcredit_reports_api_verify": lambda s: {"number": s.report.number},
    "screening:detail": lambda s: {"pk": s.screening.pk},
    "screening:progress": lambda s: {"pk": s.screening.pk},
    "screening:xlsx": lambda s: {"pk": s.screening.pk},
    "screening:mark": lambda s: {"pk": s.screening.pk, "row_number": 2, "subject_id": s.subject.pk},
    "screening:unmark": lambda s: {"mark_id": s.false_match.pk},
    "pubcredit_screening_api_detail": lambda s: {"job_id": s.screening.pk},
    "pubcredit_screening_api_download": lambda s: {"job_id": s.screening.pk},
    "pubcredit_screening_api_mark": lambda s: {"job_id": s.screening.pk},
    "pubcredit_screening_api_unmark": lambda s: {"mark_id": s.false_match.pk},
    "lists:public": lambda s: {"kind": "black"},
    "lists:detail": lambda s: {"pk": s.entry.pk},
    "lists:exit": lambda s: {"pk": s.entry.pk},
    "lists:void": lambda s: {"pk": s.entry.pk},
    "lists:decision": lambda s: {"pk": s.entry.pk},
    "measures:task-feedback": lambda s: {"pk": s.task.pk},
    "measures:check": lambda s: {"number": s.check.number},
    "measures:check-feedback": lambda s: {"number": s.check.number},
    "portal:subject": lambda s: {"subject_id": s.subject.pk},
    "portal:catalog_item": lambda s: {"code": "CF"},
}
ADMIN_ARGS: dict[str, str] = {"app_label": "accounts", "url": "nothing-here"}

# Cells where the platform does not answer as the design requires; strict, so a fix fails the
# test until the cell leaves this table. (method, endpoint key, role) -> what to fix where.
XFAIL: dict[tuple[str, str, str], str] = {}
