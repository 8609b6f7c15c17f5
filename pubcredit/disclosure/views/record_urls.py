"""A subject's own pages, mounted under /me/."""

from django.urls import path

from pubcredit.disclosure.views import records

app_name = "my_record"

urlpatterns = [
    path("record/", records.my_record, name="record"),
    path("queries/", records.my_queries, name="queries"),
    path("record/<int:record_id>/hide", records.hide_record, name="hide"),
]
