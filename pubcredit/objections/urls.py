"""Pages of the objections workflow, mounted at /objections/."""

from django.urls import URLPattern, path

from pubcredit.objections import views

app_name = "objections"

urlpatterns: list[URLPattern] = [
    path("mine/", views.objection_mine, name="mine"),
    path("new/", views.objection_new, name="new"),
    path("desk/", views.objection_desk, name="desk"),
    path("desk/counter/", views.objection_counter, name="counter"),
    path("desk/counter/<int:subject_pk>/", views.objection_counter_entry, name="counter_entry"),
    path("provider/", views.objection_provider_queue, name="provider_queue"),
    path("review/", views.objection_review_queue, name="review_queue"),
    path("evidence/<int:pk>/", views.objection_evidence_file, name="evidence"),
    path("<int:pk>/", views.objection_detail, name="detail"),
    path("<int:pk>/check/", views.objection_check_view, name="check"),
    path("<int:pk>/items/<int:item_pk>/answer/", views.objection_answer_view, name="answer"),
    path("<int:pk>/close/", views.objection_close_view, name="close"),
    path("<int:pk>/disagree/", views.objection_disagree_view, name="disagree"),
    path("<int:pk>/review/", views.objection_review_view, name="review"),
]
