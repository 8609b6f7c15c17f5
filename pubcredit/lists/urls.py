"""Pages of the red, black and watch lists, mounted at /lists/."""

from django.urls import URLPattern, path

from pubcredit.lists import views

app_name = "lists"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("public/<str:kind>/", views.public, name="public"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/exit/", views.exit_entry, name="exit"),
    path("<int:pk>/void/", views.void_entry, name="void"),
    path("<int:pk>/decision/", views.decision_file, name="decision"),
]
