"""What the disclosure rules did to records: hide requests for good information, tombstones of purges."""
