"""Disclosure models, one module per concern.

Importing the modules registers their models with Django; import a model from its own module.
"""

from pubcredit.disclosure.models import access, charges, export_request, outcomes, query_log  # noqa: F401
