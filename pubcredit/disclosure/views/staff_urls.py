"""Credit-centre staff pages of the disclosure app, mounted at /disclosure/staff/ ("staff"): the
stated reason of a look at non-public records, and exports of records with their approval."""

from django.urls import URLPattern, path

from pubcredit.disclosure.views import records

app_name = "staff"

urlpatterns: list[URLPattern] = [
    path("subjects/<int:subject_id>/reason/", records.staff_reason, name="reason"),
]
