from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "pubcredit.measures"
    label = "measures"
    verbose_name = "联合奖惩"

    def ready(self) -> None:
        from pubcredit.lists.signals import entry_entered, entry_left
        from pubcredit.measures.services import on_entry_entered, on_entry_left

        entry_entered.connect(on_entry_entered, dispatch_uid="measures.tasks_open")
        entry_left.connect(on_entry_left, dispatch_uid="measures.tasks_close")
