"""Pages of joint rewards and sanctions (measure tasks and credit checks), mounted at /measures/."""

from django.urls import URLPattern

app_name = "measures"

urlpatterns: list[URLPattern] = []
