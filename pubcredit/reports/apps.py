from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "pubcredit.reports"
    label = "reports"
    verbose_name = "信用报告"
