"""The OpenAPI 3.1 description of the service (served at /openapi.json, rendered at /docs).

Tests validate every request and response they exchange with a real server
against these schemas, so the document cannot drift from the behaviour.
"""
from __future__ import annotations

from functools import cache
from typing import Any

from classifiers.types import Kind

_ID = {"type": ["string", "number", "null"], "description": "echoed back unchanged"}
_OPTIONS = {
    "format": {"type": "string", "enum": ["text", "markdown"], "default": "text"},
    "include_segments": {"type": "boolean", "default": True},
    "threshold": {"type": "number", "minimum": 0, "maximum": 1,
                  "description": "decision threshold on the article probability, used as it is (default: the model's rule; "
                                 "the shipped models cut at their threshold or at half of the document's best "
                                 "score, whichever is lower, never below 0.15, and drop runs of 50+ words that repeat "
                                 "text kept earlier (kind `repeat`); the text model also cuts at a "
                                 "teaser heading at the end of the text)"},
    "links": {"type": "boolean", "default": False, "description": "markdown: keep link URLs"},
}
SCHEMAS: dict[str, Any] = {
    "CleanRequest": {
        "type": "object",
        "properties": {"id": _ID, "text": {"type": "string"}, "html": {"type": "string"}, **_OPTIONS},
        "oneOf": [{"required": ["text"], "not": {"required": ["html"]}},
                  {"required": ["html"], "not": {"required": ["text"]}}],
    },
    "Segment": {
        "type": "object",
        "required": ["text", "start", "end", "label", "score", "kind"],
        "properties": {
            "text": {"type": "string"},
            "start": {"type": "integer", "minimum": 0,
                      "description": "text input: offset into the input; HTML input: offset into `article`"},
            "end": {"type": "integer", "minimum": 0},
            "label": {"type": "string", "enum": ["article", "boilerplate"]},
            "score": {"type": "number", "minimum": 0, "maximum": 1},
            "kind": {"type": "string", "enum": [k.value for k in Kind]},
            "path": {"type": "string", "description": "HTML input: where the element is in the page"},
        },
        "additionalProperties": False,
    },
    "CleanResult": {
        "type": "object",
        "required": ["id", "article", "title", "lang", "model", "timing_ms"],
        "properties": {
            "id": _ID,
            "article": {"type": "string"},
            "title": {"type": ["string", "null"]},
            "lang": {"type": "string"},
            "segments": {"type": "array", "items": {"$ref": "#/components/schemas/Segment"}},
            "model": {"type": "object", "required": ["name", "version"],
                      "properties": {"name": {"type": "string"}, "version": {"type": "string"}}},
            "timing_ms": {"type": "number", "minimum": 0},
            "threshold": {"type": "number", "minimum": 0, "maximum": 1,
                          "description": "the cut the labels were set with: the request's threshold, else the one the "
                                         "model's rule gives this document"},
            "warnings": {"type": "array", "items": {"type": "string"}},
        },
        "additionalProperties": False,
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"],
                                 "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}},
    },
    "RecordError": {
        "type": "object",
        "required": ["id", "error"],
        "properties": {"id": _ID, "error": {"$ref": "#/components/schemas/Error/properties/error"}},
        "additionalProperties": False,
    },
    "BatchAnswer": {"oneOf": [{"$ref": "#/components/schemas/CleanResult"},
                              {"$ref": "#/components/schemas/RecordError"}]},
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _errors(*statuses: int) -> dict[str, Any]:
    text = {400: "malformed request (bad JSON, undecodable or binary body, missing field, incomplete body)",
            408: "the body did not arrive within the server's body timeout",
            413: "too large",
            415: "unsupported content type", 422: "invalid option or time budget exceeded",
            503: "overloaded (Retry-After) or model unavailable"}
    return {str(s): {"description": text[s], "content": {"application/json": {"schema": _ref("Error")}}}
            for s in statuses}


_QUERY_OPTIONS = [{"name": name, "in": "query", "required": False, "schema": schema,
                   "description": "for text/plain and text/html bodies (JSON bodies carry options inline)"}
                  for name, schema in _OPTIONS.items()] + [{"name": "id", "in": "query", "schema": {"type": "string"}}]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("boilercut")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0"


@cache
def spec() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "boilercut", "version": _version(),
                 "description": "Scraped web text or HTML → the clean main article, with every segment's label, "
                                "calibrated score and kind."},
        "paths": {
            "/v1/clean": {"post": {
                "summary": "Clean one document",
                "parameters": [*_QUERY_OPTIONS, {"name": "Accept", "in": "header", "schema": {
                    "type": "string", "enum": ["application/json", "text/plain", "text/markdown"]},
                    "description": "text/plain: only the article; text/markdown: the article as markdown"}],
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref("CleanRequest")},
                    "text/plain": {"schema": {"type": "string"}, "description": "scraped text; charset from the "
                                   "header, else UTF-8, else detected"},
                    "text/html": {"schema": {"type": "string"}, "description": "a page; charset from the header, "
                                  "else the page's BOM or <meta charset>, else detected"}}},
                "responses": {"200": {"description": "the article and its segments", "content": {
                    "application/json": {"schema": _ref("CleanResult")},
                    "text/plain": {"schema": {"type": "string"}},
                    "text/markdown": {"schema": {"type": "string"}}}},
                    **_errors(400, 408, 413, 415, 422, 503)},
            }},
            "/v1/clean/batch": {"post": {
                "summary": "Clean many documents: NDJSON streamed in and out, or a JSON array (capped)",
                "requestBody": {"required": True, "content": {
                    "application/x-ndjson": {"schema": _ref("CleanRequest"),
                                             "description": "one CleanRequest per line"},
                    "application/json": {"schema": {"type": "array", "items": _ref("CleanRequest")}}}},
                "responses": {"200": {"description": "one answer per record, in order; errors inline", "content": {
                    "application/x-ndjson": {"schema": _ref("BatchAnswer"), "description": "one per line"},
                    "application/json": {"schema": {"type": "array", "items": _ref("BatchAnswer")}}}},
                    **_errors(400, 408, 413, 415)},
            }},
            "/healthz": {"get": {"summary": "Alive", "responses": {"200": {"description": "the process answers"}}}},
            "/readyz": {"get": {"summary": "Models loaded", "responses": {
                "200": {"description": "ready"}, "503": {"description": "not ready"}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {"description": "text format"}}}},
            "/openapi.json": {"get": {"summary": "This document", "responses": {"200": {"description": "OpenAPI"}}}},
            "/docs": {"get": {"summary": "Browsable API documentation", "responses": {"200": {"description": "HTML"}}}},
            "/": {"get": {"summary": "Demo page", "responses": {"200": {"description": "HTML"}}}},
        },
        "components": {"schemas": SCHEMAS},
    }
