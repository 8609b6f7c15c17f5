"""Streaming readers of providers' CSV and XLSX files, and the mapping of their columns to fields."""

from pubcredit.collection.parsers.cells import escape_for_spreadsheet, looks_like_formula
from pubcredit.collection.parsers.csv_reader import read_csv
from pubcredit.collection.parsers.errors import FileRejected
from pubcredit.collection.parsers.headers import CONSENT_REF_HEADERS, ColumnProblem, HeaderMap, map_headers
from pubcredit.collection.parsers.opening import SUFFIXES, open_table
from pubcredit.collection.parsers.table import CellProblem, Row, TableReader
from pubcredit.collection.parsers.xlsx_reader import ZipLimits, read_xlsx

__all__ = [
    "CONSENT_REF_HEADERS",
    "SUFFIXES",
    "CellProblem",
    "ColumnProblem",
    "FileRejected",
    "HeaderMap",
    "Row",
    "TableReader",
    "ZipLimits",
    "escape_for_spreadsheet",
    "looks_like_formula",
    "map_headers",
    "open_table",
    "read_csv",
    "read_xlsx",
]
