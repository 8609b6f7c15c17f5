"""Credit-centre staff pages of the disclosure app, mounted at /disclosure/staff/ ("staff"): the
stated reason of a look at non-public records, and exports of records with their approval."""

from django.urls import URLPattern, path

from pubcredit.disclosure.views import exports, records

app_name = "staff"

urlpatterns: list[URLPattern] = [
    path("subjects/<int:subject_id>/reason/", records.staff_reason, name="reason"),
    path("exports/", exports.export_list, name="export_list"),
    path("exports/new/", exports.export_new, name="export_new"),
    path("exports/<int:pk>/", exports.export_detail, name="export_detail"),
    path("exports/<int:pk>/approve/", exports.export_approve, name="export_approve"),
    path("exports/<int:pk>/refuse/", exports.export_refuse, name="export_refuse"),
    path("exports/<int:pk>/file/", exports.export_file, name="export_file"),
]
