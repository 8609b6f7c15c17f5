"""Pages of joint rewards and sanctions, mounted at /measures/."""

from django.urls import URLPattern, path

from pubcredit.measures import views

app_name = "measures"

urlpatterns: list[URLPattern] = [
    path("", views.catalogue, name="catalogue"),
    path("queue/", views.queue, name="queue"),
    path("tasks/<int:pk>/feedback/", views.task_feedback_view, name="task-feedback"),
    path("loops/", views.loops, name="loops"),
    path("checks/", views.checks, name="checks"),
    path("checks/<str:number>/", views.check_detail, name="check"),
    path("checks/<str:number>/feedback/", views.check_feedback_view, name="check-feedback"),
]
