"""Parsers for open-government-information annual reports (政府信息公开工作年度报告).

Any report file in, the template's cells out::

    from parsers import parse_file
    report = parse_file("report.pdf")
    report.to_json()   # {"organ": ..., "year": ..., "template": ..., "cells": [...], ...}

This package imports neither Scrapy nor the archive: it works on a folder of files.
"""

from .api import ParseError, parse_bytes, parse_file  # noqa: F401

__version__ = "0.1.0"
