"""Dates as our Arabic-speaking users write them: day, month, year; a 24-hour clock."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
# One date style on every page and in every message: the short formats are the long ones
# (before, a case page showed 06/12/2026 beside 6 ديسمبر 2026).
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "H:i"
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
FIRST_DAY_OF_WEEK = 6  # Saturday
