from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "pubcredit.statistics"
    label = "statistics"
    verbose_name = "统计监测预警"
