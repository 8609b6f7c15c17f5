"""Public lists (公示栏), mounted at /public/."""

from django.urls import path

from pubcredit.disclosure.views import public_lists

app_name = "public_lists"

urlpatterns = [
    path("", public_lists.public_lists, name="index"),
    path("<str:code>/", public_lists.public_list, name="list"),
]
