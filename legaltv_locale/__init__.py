"""legal-tv's locale data and formatting, shared by the box app and the consoles.

Chinese comes from Babel (CLDR zh_Hans_CN); traditional Mongolian, which CLDR lacks, from
`mongolian`. Every function takes the language as "zh" or "mn".
"""
from .formatting import (LANGUAGES, format_date, format_datetime, format_number, format_time, month_name,
                         template_filters, weekday_name)
from .mongolian import ascii_digits, mongolian_digits

__all__ = ["LANGUAGES", "format_date", "format_datetime", "format_number", "format_time", "month_name",
           "template_filters", "weekday_name", "ascii_digits", "mongolian_digits"]
