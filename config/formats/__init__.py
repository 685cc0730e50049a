"""Date formats of every language: day/month/year, the form the pages and spreadsheets write.

Django's own are "Ngày 1 tháng 3 năm 2024" or "01-03-2024" in Vietnamese and "03/01/2024" in
English; one form in both languages keeps a date from reading differently after the switch.
Numbers keep each language's separators (Django's formats).
"""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"

__all__ = ["DATETIME_FORMAT", "DATE_FORMAT", "SHORT_DATETIME_FORMAT", "SHORT_DATE_FORMAT", "TIME_FORMAT"]
