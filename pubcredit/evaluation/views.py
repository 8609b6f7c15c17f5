"""Pages of the farmer credit rating: the village group's list and proposal form, the town group's
queue, a rating's page with the step each group may take, and the village's public notice.
Thin: forms in, services and selectors out. A rating someone may not see answers 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pubcredit.core.errors import DomainError, PermissionDenied, ValidationFailed
from pubcredit.evaluation.forms import ObjectionForm, ProposeForm, ReviewForm, WithdrawForm
from pubcredit.evaluation.models import FarmerRating, GroupLevel, RatingGroup, RatingState
from pubcredit.evaluation.rules import CONDITIONS
from pubcredit.evaluation.selectors import groups_of, ratings_in_publicity, ratings_visible_to
from pubcredit.evaluation.services import (
    farmer_rating_confirm,
    farmer_rating_object,
    farmer_rating_open,
    farmer_rating_propose,
    farmer_rating_publicise,
    farmer_rating_review,
    farmer_rating_withdraw,
)
from pubcredit.evaluation.workflow import rating_may_move

LIST_LIMIT = 200


def _rating(request: HttpRequest, pk: int) -> FarmerRating:
    found = ratings_visible_to(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404(f"农户信用等级评价 {pk} 不存在或您无权查看")
    return found


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    if groups_of(request.user, GroupLevel.TOWN).exists():
        return redirect("evaluation:town")
    if groups_of(request.user, GroupLevel.VILLAGE).exists():
        return redirect("evaluation:village")
    raise DjangoPermissionDenied("只有农户信用等级评价小组成员可以办理农户信用等级评价")


@require_http_methods(["GET", "POST"])
@login_required
def village(request: HttpRequest) -> HttpResponse:
    villages = groups_of(request.user, GroupLevel.VILLAGE)
    if not villages.exists():
        raise DjangoPermissionDenied("只有行政村农户信用信息采集和信用等级评价小组成员可以提出初评意见")
    status = 200
    if request.method == "POST":
        form = ProposeForm(request.POST, villages=villages)
        if form.is_valid():
            try:
                rating = farmer_rating_propose(
                    actor=request.user,
                    village=form.cleaned_data["village"],
                    id_number=form.cleaned_data["id_number"],
                    grade=form.cleaned_data["grade"],
                    note=form.cleaned_data["note"],
                    attested=form.attested(),
                )
            except PermissionDenied as exc:
                raise DjangoPermissionDenied(exc.message) from exc
            except ValidationFailed as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, f"初评意见已提交（编号 {rating.number}），待镇（街）评价小组复审。")
                return redirect("evaluation:farmer", pk=rating.pk)
        status = 400
    else:
        form = ProposeForm(villages=villages)
    ratings = list(ratings_visible_to(request.user).filter(village__in=villages)[:LIST_LIMIT])
    return render(
        request,
        "evaluation/village.html",
        {"form": form, "ratings": ratings, "villages": list(villages)},
        status=status,
    )


@require_GET
@login_required
def town(request: HttpRequest) -> HttpResponse:
    towns = groups_of(request.user, GroupLevel.TOWN)
    if not towns.exists():
        raise DjangoPermissionDenied("只有镇（街）农户信用等级评价小组成员可以复审")
    ratings = list(
        ratings_visible_to(request.user)
        .filter(village__town__in=towns)
        .order_by("state", "publicity_ends_on", "id")[:LIST_LIMIT]
    )
    return render(request, "evaluation/town.html", {"ratings": ratings, "today": timezone.localdate()})


@require_GET
@login_required
def farmer(request: HttpRequest, pk: int) -> HttpResponse:
    rating = farmer_rating_open(actor=request.user, rating=_rating(request, pk))
    town = rating.village.town
    town_member = town is not None and town.members.filter(pk=getattr(request.user, "pk", None) or 0).exists()
    today = timezone.localdate()
    in_period = rating.publicity_ends_on is not None and today <= rating.publicity_ends_on
    context: dict[str, Any] = {
        "rating": rating,
        "conditions": [(label, rating.eligibility.get(code, False)) for code, label in CONDITIONS.items()],
        "objections": list(rating.objections.all()),
        "may_review": town_member and rating_may_move(rating.state, RatingState.REVIEWED),
        "may_publicise": town_member and rating_may_move(rating.state, RatingState.PUBLICISED),
        "may_confirm": town_member and rating.state == RatingState.PUBLICISED and not in_period,
        "may_withdraw": town_member and rating_may_move(rating.state, RatingState.WITHDRAWN),
        "may_object": rating.state in (RatingState.PUBLICISED, RatingState.OBJECTED) and in_period,
        "review_form": ReviewForm(initial={"grade": rating.reviewed_grade or rating.proposed_grade}),
        "objection_form": ObjectionForm(),
        "withdraw_form": WithdrawForm(),
    }
    return render(request, "evaluation/farmer.html", context)


def _step(
    request: HttpRequest, pk: int, form_class: type[Form] | None, act: Callable[[FarmerRating, dict[str, Any]], str]
) -> HttpResponse:
    rating = _rating(request, pk)
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return redirect("evaluation:farmer", pk=rating.pk)
        data = form.cleaned_data
    try:
        done = act(rating, data)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("evaluation:farmer", pk=rating.pk)


@require_POST
@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    def act(rating: FarmerRating, data: dict[str, Any]) -> str:
        farmer_rating_review(actor=request.user, rating=rating, grade=data["grade"], note=data["note"])
        return f"已复审农户信用等级评价 {rating.number}，请在本行政村公示复审结果。"

    return _step(request, pk, ReviewForm, act)


@require_POST
@login_required
def publicise(request: HttpRequest, pk: int) -> HttpResponse:
    def act(rating: FarmerRating, data: dict[str, Any]) -> str:
        done = farmer_rating_publicise(actor=request.user, rating=rating)
        ends = done.publicity_ends_on.isoformat() if done.publicity_ends_on else ""
        return f"复审结果已在本行政村公示，公示期至 {ends}（{done.publicity_basis}）。"

    return _step(request, pk, None, act)


@require_POST
@login_required
def object_(request: HttpRequest, pk: int) -> HttpResponse:
    def act(rating: FarmerRating, data: dict[str, Any]) -> str:
        farmer_rating_object(
            actor=request.user, rating=rating, raised_by_name=data["raised_by_name"], statement=data["statement"]
        )
        return f"公示异议已登记，农户信用等级评价 {rating.number} 待镇（街）评价小组重新复审。"

    return _step(request, pk, ObjectionForm, act)


@require_POST
@login_required
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    def act(rating: FarmerRating, data: dict[str, Any]) -> str:
        done = farmer_rating_confirm(actor=request.user, rating=rating)
        return f"农户信用等级已确定：{done.get_final_grade_display()}。"

    return _step(request, pk, None, act)


@require_POST
@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    def act(rating: FarmerRating, data: dict[str, Any]) -> str:
        farmer_rating_withdraw(actor=request.user, rating=rating, reason=data["reason"])
        return f"农户信用等级评价 {rating.number} 已撤回。"

    return _step(request, pk, WithdrawForm, act)


@require_GET
def notice(request: HttpRequest, village_id: int) -> HttpResponse:
    """The village's public notice of reviewed ratings in publicity (names masked)."""
    group = RatingGroup.objects.filter(pk=village_id, level=GroupLevel.VILLAGE).first()
    if group is None:
        raise Http404(f"行政村评价小组 {village_id} 不存在")
    return render(
        request,
        "evaluation/notice.html",
        {"village": group, "ratings": list(ratings_in_publicity(group)[:LIST_LIMIT]), "today": timezone.localdate()},
    )
