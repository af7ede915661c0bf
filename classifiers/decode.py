"""Bytes of a web page → str: BOM, the transport's charset, `<meta charset>`, then detection.

bs4's UnicodeDammit does the ordered guessing (BOM first, then the declared
encodings, then chardet/charset-normalizer when installed, then windows-1252);
this module adds the checks a service needs: binary input is refused instead
of being decoded into garbage, and a declared charset Python does not know is
skipped rather than fatal.
"""
from __future__ import annotations

import codecs
import re

_CHARSET_PARAM = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_BINARY_SAMPLE = 4096
# Control bytes that never occur in text (NUL..BS, SO..US except ESC); a handful is noise, many is binary.
_CONTROL = bytes(set(range(0, 9)) | set(range(14, 32)) - {27})
_MAX_CONTROL_SHARE = 0.05
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


class DecodeError(ValueError):
    """The bytes are not a text document (binary data, or no encoding decodes them)."""


def charset_from_content_type(content_type: str | None) -> str | None:
    """`text/html; charset=Shift_JIS` → `shift_jis`; None when absent or unknown to Python."""
    if not content_type:
        return None
    match = _CHARSET_PARAM.search(content_type)
    return _known(match.group(1)) if match else None


def _known(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def looks_binary(data: bytes) -> bool:
    """Images, archives, executables: control bytes a text file never contains."""
    sample = data[:_BINARY_SAMPLE]
    if not sample or sample.startswith(_UTF16_BOMS):
        return False  # UTF-16/32 text is full of NULs; its BOM says so
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    return controls > _MAX_CONTROL_SHARE * len(sample)


def _declares_charset(data: bytes) -> bool:
    from bs4.dammit import EncodingDetector

    return EncodingDetector.find_declared_encoding(data, is_html=True) is not None


def decode_text(data: bytes, charset: str | None = None) -> str:
    """Decode scraped plain text: BOM, then the declared charset (strict), else UTF-8, else detection."""
    text = decode_text_without_detection(data, charset)
    return text if text is not None else _detect(data, None, is_html=False)


def decode_text_without_detection(data: bytes, charset: str | None = None) -> str | None:
    """`decode_text`, or None where it would fall back to statistical detection (no charset declared,
    no BOM, not UTF-8), which takes seconds of CPU on a large body. Refuses what `decode_text` refuses."""
    if looks_binary(data):
        raise DecodeError("input looks like binary data, not a text document")
    declared = _known(charset) if charset else None
    if charset and declared is None:
        raise DecodeError(f"unknown charset {charset!r}")
    if data.startswith((codecs.BOM_UTF8,) + _UTF16_BOMS):
        return _detect(data, None, is_html=False)  # the BOM names the encoding: no guessing
    if declared:
        try:
            return data.decode(declared)
        except (UnicodeError, ValueError) as exc:
            raise DecodeError(f"body is not valid {charset}: {exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def decode_html(data: bytes, charset: str | None = None) -> str:
    """Decode an HTML document; `charset` is the transport's hint (e.g. the HTTP header's)."""
    if looks_binary(data):
        raise DecodeError("input looks like binary data, not an HTML or text document")
    return _detect(data, charset, is_html=True)


def _detect(data: bytes, charset: str | None, is_html: bool) -> str:
    from bs4.dammit import UnicodeDammit  # bs4 is a runtime dependency; imported here to keep import time low

    hints = [c for c in (_known(charset) if charset else None,) if c]
    has_bom = data.startswith((codecs.BOM_UTF8,) + _UTF16_BOMS)
    if has_bom:
        hints = []  # a byte-order mark outranks every declaration, as in browsers
    elif not hints and not (is_html and _declares_charset(data)):
        # Nothing declared: valid UTF-8 is UTF-8 (other encodings almost never validate), and
        # trying it first spares the statistical detector (milliseconds per document).
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    # Otherwise the transport's charset is tried before the document's own declaration, as browsers do.
    dammit = UnicodeDammit(data, known_definite_encodings=hints, is_html=is_html)
    if dammit.unicode_markup is None:
        raise DecodeError("no character encoding decodes this document")
    return dammit.unicode_markup
