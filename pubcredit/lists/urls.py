"""Pages of the red, black and watch lists, mounted at /lists/."""

from django.urls import URLPattern

app_name = "lists"

urlpatterns: list[URLPattern] = []
