"""Pages of authorised queries and government sharing, mounted at /disclosure/access/ ("access")."""

from django.urls import URLPattern, path

from pubcredit.disclosure.views import access_operator, access_subject, access_written

app_name = "access"

urlpatterns: list[URLPattern] = [
    path("authorisations/", access_subject.authorisation_list, name="authorisation_list"),
    path("authorisations/new/", access_subject.authorisation_new, name="authorisation_new"),
    path("authorisations/<int:pk>/revoke/", access_subject.authorisation_revoke_view, name="authorisation_revoke"),
    path("received/", access_written.written_list, name="written_list"),
    path("received/upload/", access_written.written_new, name="written_new"),
    path("checks/", access_operator.check_queue, name="check_queue"),
    path("checks/<int:pk>/", access_operator.check_detail, name="check_detail"),
    path("checks/<int:pk>/accept/", access_operator.check_accept, name="check_accept"),
    path("checks/<int:pk>/refuse/", access_operator.check_refuse, name="check_refuse"),
    path("documents/<int:pk>/", access_operator.authorisation_document, name="authorisation_document"),
    path("agreements/", access_operator.agreement_list, name="agreement_list"),
    path("agreements/new/", access_operator.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/approve/", access_operator.agreement_approve, name="agreement_approve"),
    path("agreements/<int:pk>/end/", access_operator.agreement_end, name="agreement_end"),
]
