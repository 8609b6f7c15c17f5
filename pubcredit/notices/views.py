"""The inbox (/me/notices/): a signed-in user's messages, newest first; thin over the services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from pubcredit.core.errors import NotFound
from pubcredit.notices.selectors import notices_visible_to
from pubcredit.notices.services import notice_mark_read, notices_mark_all_read

INBOX_LIMIT = 200


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    notices = list(notices_visible_to(request.user)[:INBOX_LIMIT])
    return render(
        request,
        "notices/inbox.html",
        {"notices": notices, "unread": sum(1 for n in notices if n.read_at is None), "current": "notices"},
    )


@require_POST
@login_required
def open_notice(request: HttpRequest, notice_id: int) -> HttpResponse:
    """Mark read, then go where the message points (inside the platform only)."""
    try:
        notice = notice_mark_read(actor=request.user, notice_id=notice_id)  # type: ignore[arg-type]
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if notice.link and url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect(notice.link)
    return redirect("notices:inbox")


@require_POST
@login_required
def read_all(request: HttpRequest) -> HttpResponse:
    notices_mark_all_read(actor=request.user)  # type: ignore[arg-type]
    return redirect("notices:inbox")
