"""Pages of the collection domain, mounted under /collection/."""

from django.urls import include, path

app_name = "collection"

urlpatterns = [
    path("batches/", include("pubcredit.collection.views.batch_urls")),
    path("declarations/", include("pubcredit.collection.views.declaration_urls")),
    path("reporting/", include("pubcredit.collection.views.reporting_urls")),
]
