"""Pages of batch screening, mounted at /screening/."""

from django.urls import URLPattern, path

from pubcredit.screening import views

app_name = "screening"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/xlsx/", views.download, name="xlsx"),
    path("<int:pk>/rows/<int:row_number>/false-match/<int:subject_id>/", views.mark, name="mark"),
    path("false-matches/<int:mark_id>/undo/", views.unmark, name="unmark"),
]
