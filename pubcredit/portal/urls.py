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
    path("login/verify/", views.login_verify, name="login_verify"),
    path("login/enrol/", views.login_enrol, name="login_enrol"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
