from django.apps import AppConfig


class CoreConfig(AppConfig):
    verbose_name = "平台内核"
    name = "pubcredit.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
