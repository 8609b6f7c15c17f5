from django.urls import path

from pubcredit.collection.views import batches

urlpatterns = [
    path("", batches.batch_upload, name="batch_upload"),
    path("<int:batch_id>/", batches.batch_detail, name="batch_detail"),
    path("templates/<str:code>.xlsx", batches.batch_template, name="batch_template"),
]
