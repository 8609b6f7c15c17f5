from django.urls import path

from pubcredit.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("subjects/<int:subject_id>/", views.subject_detail, name="subject"),
    path("catalog/", views.catalog, name="catalog"),
    path("catalog/<str:code>/", views.catalog_item, name="catalog_item"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
