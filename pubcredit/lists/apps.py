from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "pubcredit.lists"
    label = "lists"
    verbose_name = "红黑名单"
