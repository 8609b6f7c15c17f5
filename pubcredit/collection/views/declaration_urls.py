"""Self-declaration pages, mounted at /collection/declarations/ in the "collection" namespace."""

from django.urls import URLPattern, path

from pubcredit.collection.views import declarations as views

urlpatterns: list[URLPattern] = [
    path("", views.declaration_list, name="declaration_list"),
    path("new/", views.declaration_new, name="declaration_new"),
    path("review/", views.declaration_queue, name="declaration_queue"),
    path("<int:pk>/", views.declaration_detail, name="declaration_detail"),
    path("<int:pk>/approve/", views.declaration_approve_view, name="declaration_approve"),
    path("<int:pk>/reject/", views.declaration_reject_view, name="declaration_reject"),
    path("<int:pk>/mark-false/", views.declaration_mark_false_view, name="declaration_mark_false"),
    path("attachments/<int:pk>/", views.declaration_attachment, name="declaration_attachment"),
]
