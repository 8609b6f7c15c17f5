from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "pubcredit.collection"
    label = "collection"
    verbose_name = "信息归集"
