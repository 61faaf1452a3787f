"""Format detection and text decoding, from the bytes."""

import pytest

from parsers.detect import media_type, sniff
from parsers.encoding import decode
from parsers.numbers import is_placeholder, parse_number


@pytest.mark.parametrize("data,fmt", [
    (b"%PDF-1.4 ...", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "WordDocument".encode("utf-16-le"), "doc"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100 + "Workbook".encode("utf-16-le"), "xls"),
    (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
    ("  <meta charset=gbk><table>".encode(), "html"),
    (b"\x89PNG\r\n\x1a\n....", "image"),
    ("一、总体情况\n本年新收 1".encode("gb18030"), "text"),
])
def test_sniff(data, fmt):
    assert sniff(data) == fmt


@pytest.mark.parametrize("data,media", [
    (b"%PDF-1.4 ...", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n....", "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
    ("一、总体情况\n本年新收 1".encode("gb18030"), "text/plain"),
    (b"\x00\x01\x02binary", "application/octet-stream"),
])
def test_media_type(data, media):
    assert media_type(data) == media


def test_gbk_page_without_meta_decodes_rare_characters():
    text = "朱镕基 䶮 政府信息公开工作年度报告"
    decoded, enc, warnings = decode(text.encode("gb18030"))
    assert decoded == text and enc == "gb18030" and not warnings


def test_gb2312_label_maps_to_gb18030():
    page = '<meta charset="gb2312"><p>朱镕基</p>'.encode("gb18030")
    decoded, enc, _ = decode(page)
    assert "朱镕基" in decoded and enc == "gb18030"


@pytest.mark.parametrize("text,value", [
    ("１２", 12), ("1,234", 1234), ("0.11", 0.11), ("96171.6", 96171.6), (" 7 ", 7),
    ("3件", 3), ("12.5万元", 12.5), ("—", None), ("/", None), ("无", None), ("规章", None),
    ("−1", -1), ("–3", -3), ("－4", -4), ("1−2", None),  # minus as U+2212, en dash, full-width
])
def test_numbers(text, value):
    assert parse_number(text) == value


def test_placeholders():
    assert is_placeholder("—") and is_placeholder("／") and is_placeholder("无")
    assert is_placeholder("–") and is_placeholder("−")
    assert not is_placeholder("0") and not is_placeholder("−1")
