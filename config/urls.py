from django.contrib import admin
from django.urls import include, path

from config.api import api

admin.site.site_header = "pubcredit 公共信用信息平台 管理"
admin.site.site_title = "pubcredit 管理"

urlpatterns = [
    path("api/", api.urls),  # first: the API's public look-up is the most requested path
    path("admin/", admin.site.urls),
    path("collection/", include("pubcredit.collection.urls")),
    path("disclosure/access/", include("pubcredit.disclosure.access_urls")),
    path("disclosure/staff/", include("pubcredit.disclosure.views.staff_urls")),
    path("me/notices/", include("pubcredit.notices.urls")),
    path("me/", include("pubcredit.disclosure.views.record_urls")),
    path("objections/", include("pubcredit.objections.urls")),
    path("repairs/", include("pubcredit.repairs.urls")),
    path("lists/", include("pubcredit.lists.urls")),
    path("measures/", include("pubcredit.measures.urls")),
    path("screening/", include("pubcredit.screening.urls")),
    path("reports/", include("pubcredit.reports.urls")),
    path("verify/", include("pubcredit.reports.verify_urls")),
    path("evaluation/", include("pubcredit.evaluation.urls")),
    path("exchange/", include("pubcredit.exchange.urls")),
    path("statistics/", include("pubcredit.statistics.urls")),
    path("public/", include("pubcredit.disclosure.views.public_list_urls")),
    path("", include("pubcredit.portal.urls")),
]

handler500 = "pubcredit.core.error_views.server_error"
