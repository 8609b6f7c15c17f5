from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "pubcredit.evaluation"
    label = "evaluation"
    verbose_name = "信用评价"
