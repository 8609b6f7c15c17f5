"""Pages of credit evaluation and the farmer credit rating, mounted at /evaluation/."""

from django.urls import URLPattern

app_name = "evaluation"

urlpatterns: list[URLPattern] = []
