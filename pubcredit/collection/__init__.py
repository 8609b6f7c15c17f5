"""Collection (归集): batches from providers by API and by file, self-declarations by subjects,
and the timeliness of providers' reporting (reminders and public criticism)."""
