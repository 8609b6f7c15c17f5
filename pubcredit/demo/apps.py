from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The deterministic demo city used by `make demo` and the benchmarks."""

    name = "pubcredit.demo"
    label = "demo"
