from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pubcredit.accounts"
    label = "accounts"
    verbose_name = "账户"
    default_auto_field = "django.db.models.BigAutoField"
