"""The provider assessment (考核): `statistics:assessment`, `statistics:assessment_pdf`,
`statistics:assessment_xlsx` (operators and the authority only), and the archive register of the
downloaded files, `statistics:assessment_archive` and `statistics:assessment_archive_file`
(operators, the authority and auditors)."""

from django.urls import URLPattern, path

from pubcredit.statistics.views import assessment as views

urlpatterns: list[URLPattern] = [
    path("", views.assessment, name="assessment"),
    path("pdf/", views.assessment_pdf, name="assessment_pdf"),
    path("xlsx/", views.assessment_xlsx, name="assessment_xlsx"),
    path("archive/", views.assessment_archive, name="assessment_archive"),
    path("archive/<int:pk>/", views.assessment_archive_file, name="assessment_archive_file"),
]
