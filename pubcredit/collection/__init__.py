"""Collection (归集): receiving providers' files and turning them into catalogue records.

This package is plain modules for now: the file parsers and the upload templates.
"""
