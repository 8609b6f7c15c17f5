from django.apps import AppConfig


class RepairsConfig(AppConfig):
    name = "pubcredit.repairs"
    label = "repairs"
    verbose_name = "信用修复"

    def ready(self) -> None:
        from pubcredit.core.workdays.signals import calendar_year_published
        from pubcredit.repairs.services import on_calendar_year_published

        calendar_year_published.connect(on_calendar_year_published, dispatch_uid="repairs.decision_due")
