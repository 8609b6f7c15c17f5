from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "pubcredit.notices"
    label = "notices"
    verbose_name = "站内消息"
