"""What the OpenAPI document says about request bodies the endpoints read themselves (so that a JSON
body, a form and a file upload all go through ``newsroom.requests.prepare``). The schemas are built
from the same constants the checks use."""

from __future__ import annotations

from newsroom.requests import DEFAULT_PRIORITY, GLOSSARIES, MAX_CALLBACK, PRIORITIES
from translate.formats import FORMATS

_PRIORITY = {"type": "integer", "minimum": PRIORITIES[0], "maximum": PRIORITIES[-1], "default": DEFAULT_PRIORITY,
             "description": f"{PRIORITIES[0]} lowest ... {PRIORITIES[-1]} most urgent."}
_GLOSSARY = {"type": "string", "enum": list(GLOSSARIES), "default": "",
             "description": '"db": the stored glossary; "seed": the built-in newsroom glossary; empty: none.'}
_CALLBACK = {"type": "string", "maxLength": MAX_CALLBACK, "default": "",
             "description": "An http:// or https:// URL, POSTed the finished job once."}
_SOURCE = {"type": "string", "description": 'Source language (e.g. "en", "sr-Cyrl-RS"); omitted, empty or '
                                            '"auto": detected.'}
_OPTIONS = {"source": _SOURCE, "glossary": _GLOSSARY, "priority": _PRIORITY, "callback_url": _CALLBACK}
JOB_SCHEMA = {
    "title": "JobRequest",
    "type": "object",
    "required": ["text", "targets"],
    "properties": {
        "text": {"type": "string", "description": "The article (Markdown or plain text), UTF-8."},
        "targets": {"oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}],
                    "description": 'Target languages: a list, or a comma-separated string "tr,sq". Region '
                                   "subtags (tr-TR, sr-Cyrl-RS) and aliases (eng, srp) are accepted."},
        "format": {"type": "string", "enum": list(FORMATS), "default": "markdown"},
        **_OPTIONS,
    },
}
_UPLOAD_SCHEMA = {
    "type": "object",
    "required": ["file", "targets"],
    "properties": {
        "file": {"type": "string", "format": "binary", "description": "UTF-8 article; .md is Markdown."},
        "targets": {"type": "string", "example": "tr,sq"},
        "format": {"type": "string", "enum": list(FORMATS), "description": "Default: from the file name."},
        **_OPTIONS,
    },
}
_TRANSLATE_SCHEMA = {
    "type": "object",
    "required": ["q", "target"],
    "properties": {
        "q": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "source": {"type": "string", "default": "auto"},
        "target": {"type": "string"},
        "format": {"type": "string", "enum": ["text", "html"], "default": "text"},
        "api_key": {"type": "string"},
    },
}
JOB_BODY_DOC = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": JOB_SCHEMA},
    "multipart/form-data": {"schema": _UPLOAD_SCHEMA}}}}
TRANSLATE_BODY_DOC = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": _TRANSLATE_SCHEMA},
    "application/x-www-form-urlencoded": {"schema": _TRANSLATE_SCHEMA},
    "multipart/form-data": {"schema": _TRANSLATE_SCHEMA}}}}

# --- review ------------------------------------------------------------------------------------------
REVIEW_ACTIONS = ("start", "approve", "reject", "retry", "cancel")
SEGMENT_STATUSES = ("approved", "rejected")
EXPORT_FORMATS = ("txt", "md", "html", "xliff")
REVIEW_BODY_DOC = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "title": "ReviewAction",
    "type": "object",
    "required": ["action"],
    "properties": {"action": {
        "type": "string", "enum": list(REVIEW_ACTIONS),
        "description": "start: draft_ready -> in_review; approve / reject: the whole draft (ready or in "
                       "review); retry: failed -> queued (translated again where it is missing); cancel: "
                       "a queued, translating or failed draft."}},
}}}}}
SEGMENT_BODY_DOC = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "title": "SegmentChange",
    "type": "object",
    "required": ["version"],
    "properties": {
        "target": {"type": "string", "description": "The new target text (an edit)."},
        "status": {"type": "string", "enum": list(SEGMENT_STATUSES),
                   "description": "Applied after the edit, if both are given."},
        "version": {"type": "integer", "description": "The segment's version you read; a mismatch is 409 with "
                                                      "the current segment."},
    },
}}}}}
IMPORT_BODY_DOC = {"requestBody": {"required": True, "content": {
    "application/xliff+xml": {"schema": {"type": "string", "format": "binary"}},
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {
        "file": {"type": "string", "format": "binary", "description": "An XLIFF 1.2 file exported from the draft."}}}},
}}}
