from django.apps import AppConfig


class ScreeningConfig(AppConfig):
    name = "pubcredit.screening"
    label = "screening"
    verbose_name = "批量筛查"
