"""Pages of the repairs workflow, mounted at /repairs/."""

from django.urls import URLPattern, path

from pubcredit.repairs.views import pages

app_name = "repairs"

urlpatterns: list[URLPattern] = [
    path("", pages.index, name="index"),
    path("mine/", pages.mine, name="mine"),
    path("apply/<int:record_id>/", pages.apply, name="apply"),
    path("queue/", pages.queue, name="queue"),
    path("overview/", pages.overview, name="overview"),
    path("<int:pk>/", pages.detail, name="detail"),
    path("<int:pk>/accept/", pages.accept, name="accept"),
    path("<int:pk>/reject/", pages.reject, name="reject"),
    path("proofs/<int:pk>/", pages.proof, name="proof"),
]
