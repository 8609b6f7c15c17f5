"""Pages of credit evaluation and the farmer credit rating, mounted at /evaluation/."""

from django.urls import URLPattern, path

from pubcredit.evaluation import views

app_name = "evaluation"

urlpatterns: list[URLPattern] = [
    path("farmers/", views.index, name="farmers"),
    path("farmers/village/", views.village, name="village"),
    path("farmers/town/", views.town, name="town"),
    path("farmers/<int:pk>/", views.farmer, name="farmer"),
    path("farmers/<int:pk>/review/", views.review, name="review"),
    path("farmers/<int:pk>/publicise/", views.publicise, name="publicise"),
    path("farmers/<int:pk>/object/", views.object_, name="object"),
    path("farmers/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("farmers/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("farmers/notice/<int:village_id>/", views.notice, name="notice"),
]
