from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Operating the platform: start-up checks and the server command."""

    name = "pubcredit.ops"
    label = "ops"
