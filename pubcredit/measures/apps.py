from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "pubcredit.measures"
    label = "measures"
    verbose_name = "联合奖惩"
