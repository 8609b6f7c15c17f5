"""A user's messages, mounted under /me/notices/."""

from django.urls import path

from pubcredit.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notice_id>/open", views.open_notice, name="open"),
    path("read-all", views.read_all, name="read_all"),
]
