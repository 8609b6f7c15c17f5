from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "pubcredit.collection"
    label = "collection"
    verbose_name = "信息归集"

    def ready(self) -> None:
        # Duties due in a year computed on the provisional calendar are recomputed when the
        # operators publish that year's official calendar.
        from pubcredit.collection.services.reporting import on_calendar_year_published
        from pubcredit.core.workdays.signals import calendar_year_published

        calendar_year_published.connect(on_calendar_year_published, dispatch_uid="collection.reporting_duties")
