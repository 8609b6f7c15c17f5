from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "pubcredit.disclosure"
    label = "disclosure"
    verbose_name = "信息披露与查询"
