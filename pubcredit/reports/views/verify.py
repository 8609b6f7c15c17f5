"""The public verification page (/verify/): anyone checks a report number, and may upload the
file (or give its SM3 digest) to learn whether it is the archived, signed one.

Nothing personal goes into the URL but the report number; a person's name is shown masked.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from pubcredit.core.crypto import sm3_hex
from pubcredit.reports.selectors import report_verify
from pubcredit.reports.views.forms import MAX_UPLOAD_BYTES, LookupForm, VerifyForm

_HEX = set("0123456789abcdef")


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("verify:report", number=form.cleaned_data["number"].strip().upper())
    return render(request, "reports/verify_lookup.html", {"form": form or LookupForm()})


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, number: str) -> HttpResponse:
    verification = report_verify(number)
    form = VerifyForm()
    error = ""
    checked_sm3 = ""
    if request.method == "POST" and verification.found:
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            typed = (form.cleaned_data.get("sm3") or "").strip().lower()
            if upload is not None:
                if upload.size > MAX_UPLOAD_BYTES:
                    error = f"文件超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB，不是本平台生成的信用报告"
                else:
                    checked_sm3 = sm3_hex(upload.read())
            elif typed:
                if len(typed) != 64 or not set(typed) <= _HEX:
                    error = f"SM3 摘要“{typed[:70]}”格式不正确：应为 64 位十六进制字符"
                else:
                    checked_sm3 = typed
            else:
                error = "请上传报告文件或输入 SM3 摘要"
            if checked_sm3:
                verification = report_verify(number, sm3=checked_sm3)
    status = 200 if verification.found else 404
    if error:
        status = 400
    return render(
        request,
        "reports/verify.html",
        {"v": verification, "form": form, "error": error, "checked_sm3": checked_sm3},
        status=status,
    )
