"""Bytes of a page → str: BOM, transport charset, <meta charset>, detection, binary refused."""
from __future__ import annotations

import codecs
import os

import pytest

from classifiers.decode import DecodeError, charset_from_content_type, decode_html


def test_meta_charset_is_honoured():
    page = '<html><head><meta charset="shift_jis"></head><body><p>日本語の記事</p></body></html>'
    assert "日本語の記事" in decode_html(page.encode("shift_jis"))


def test_http_equiv_charset_is_honoured():
    page = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251"><p>Привет мир</p>'
    assert "Привет мир" in decode_html(page.encode("cp1251"))


def test_transport_charset_outranks_the_meta_declaration():
    page = '<meta charset="utf-8"><p>Grüße</p>'.encode("latin-1")
    assert "Grüße" in decode_html(page, "iso-8859-1")


def test_bom_outranks_everything():
    page = codecs.BOM_UTF8 + "<p>café</p>".encode()
    assert decode_html(page, "iso-8859-1").endswith("<p>café</p>")
    assert "<p>x</p>" in decode_html("<p>x</p>".encode("utf-16"))


def test_undeclared_legacy_text_is_detected_without_replacement_characters():
    page = "<p>Déjà vu: naïve café owners’ “quotes”.</p>".encode("cp1252")
    out = decode_html(page)
    assert "\ufffd" not in out and "café" in out


def test_utf8_without_declaration():
    assert "Zürich – Genève" in decode_html("<p>Zürich – Genève</p>".encode())


def test_unknown_charset_hint_is_ignored():
    assert "hello" in decode_html(b"<p>hello</p>", "no-such-charset")


@pytest.mark.parametrize("data", [bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n" + bytes(500), os.urandom(2048)])
def test_binary_is_refused(data):
    with pytest.raises(DecodeError):
        decode_html(data)


def test_charset_from_content_type():
    assert charset_from_content_type("text/html; charset=Shift_JIS") == "shift_jis"
    assert charset_from_content_type('text/html; charset="utf-8"') == "utf-8"
    assert charset_from_content_type("text/html") is None
    assert charset_from_content_type("text/html; charset=bogus") is None
    assert charset_from_content_type(None) is None
