"""Reviewing over HTTP: the logic behind ``POST /drafts/{id}/review``, ``PATCH
/drafts/{id}/segments/{index}``, ``GET /drafts/{id}/export`` and ``POST /drafts/{id}/import``.

The review desk (``desk.web``) calls the same methods, so both follow one lifecycle
(``newsroom.lifecycle``) with one set of answers: 404 for an unknown draft or segment, 409 with the
draft's current ``state`` (and, for a segment, the ``current`` segment) when the lifecycle or a
version check refuses, 422 for a request that makes no sense.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from desk import web_views as views
from desk.api_desk import ApiError, Desk
from desk.api_docs import EXPORT_FORMATS, REVIEW_ACTIONS, SEGMENT_STATUSES
from desk.api_views import RENDERED, segment_view
from newsroom import effort
from newsroom.lifecycle import APPROVED, REJECTED
from newsroom.review import REVIEWABLE, ConflictError, Review, ReviewError, TransitionError
from newsroom.tm import TranslationMemory
from newsroom.xliff import XliffError

DRAFT_STATUS = {"approve": APPROVED, "reject": REJECTED}


class Reviewing:
    def __init__(self, desk: Desk):
        self.desk, self.store, self.service = desk, desk.store, desk.service
        self.memory = TranslationMemory(self.store)
        self.review = Review(self.store, self.memory)

    # --- the whole draft ------------------------------------------------------------------------------
    def act(self, draft_id: str, action: Any, who: str) -> dict:
        """Start review of, approve, reject, retry or cancel a draft; returns its new state."""
        if action not in REVIEW_ACTIONS:
            raise ApiError(422, f"unknown action {action!r}; expected one of {', '.join(REVIEW_ACTIONS)}")
        self.desk.draft(draft_id)
        with self.refusals(draft_id):
            if action == "start":
                self.review.start(draft_id, who)
            elif action in DRAFT_STATUS:
                self.review.set_draft(draft_id, DRAFT_STATUS[action], who)
            elif action == "retry":
                self.service.retry(draft_id, who)
            else:
                self.service.cancel_draft(draft_id, who)
        return {"action": action, **self.states(draft_id)}

    def states(self, draft_id: str) -> dict:
        draft = self.desk.draft(draft_id)
        return {"id": draft_id, "state": draft["state"], "job_id": draft["job_id"],
                "job_state": self.desk.job(draft["job_id"])["state"]}

    # --- one segment ------------------------------------------------------------------------------------
    def change_segment(self, draft_id: str, idx: int, body: Any, who: str) -> dict:
        """Edit a segment's target and/or set its status (in that order, each checked against the
        version); returns the segment with the draft's and job's states."""
        target, status, version = _segment_change(body)
        seconds = _seconds(body)
        self.desk.draft(draft_id)
        with self.refusals(draft_id, idx):
            seg = self.review.segment(draft_id, idx)
            if target is not None:
                seg = self.review.edit(draft_id, idx, target, version, who)
                version = seg["version"]
            if status is not None:
                seg = self.review.set_segment(draft_id, idx, status, who, version)
            if seconds:
                effort.record_time(self.store, draft_id, idx, seconds)
        draft = self.desk.draft(draft_id)  # with the segment's risk as it now stands
        states = self.states(draft_id)
        return {**segment_view(draft["segments"][idx] if idx < len(draft["segments"]) else seg),
                "draft_state": states["state"], "job_state": states["job_state"]}

    # --- files ------------------------------------------------------------------------------------------
    def export(self, draft_id: str, fmt: str) -> tuple[bytes | str, str, str]:
        """The translated draft as txt, md, html or xliff: body, media type, file name."""
        if fmt not in EXPORT_FORMATS:
            raise ApiError(422, f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}")
        draft = self.desk.draft(draft_id)
        if draft["state"] not in RENDERED:
            raise ApiError(409, f"the draft is {draft['state']}; it can be exported once it is translated",
                           extra={"state": draft["state"]})
        return views.render_export(draft, self.desk.job(draft["job_id"]), fmt)

    def import_xliff(self, draft_id: str, data: bytes, who: str) -> dict:
        """Apply an edited XLIFF file's changed targets; how many were applied and the problems."""
        if not data:
            raise ApiError(400, "send the XLIFF file as the request body (or as the multipart field file)")
        draft = self.desk.draft(draft_id)
        if draft["state"] not in REVIEWABLE:
            raise ApiError(409, f"the draft is {draft['state']}; only drafts that are ready or in review can be "
                                "changed", extra={"state": draft["state"]})
        with self.refusals(draft_id):
            applied, problems = self.review.import_xliff(draft_id, data, who)
        return {"applied": applied, "problems": problems, **self.states(draft_id)}

    # --- answers ----------------------------------------------------------------------------------------
    @contextmanager
    def refusals(self, draft_id: str, idx: int | None = None) -> Iterator[None]:
        """Turn the review's refusals into API errors (the draft is known to exist)."""
        try:
            yield
        except TransitionError as exc:
            extra: dict[str, Any] = {"state": self.desk.draft(draft_id)["state"]}
            if isinstance(exc, ConflictError):
                extra["current"] = segment_view(exc.current)
            elif idx is not None:
                extra["current"] = segment_view(self.review.segment(draft_id, idx))
            raise ApiError(409, str(exc), extra=extra) from exc
        except ReviewError as exc:
            raise ApiError(422, str(exc)) from exc
        except XliffError as exc:
            raise ApiError(422, f"XLIFF import failed: {exc}") from exc
        except KeyError as exc:
            raise ApiError(404, f"no segment {idx} in draft {draft_id}" if idx is not None
                           else f"no draft {draft_id}") from exc


def _segment_change(body: Any) -> tuple[str | None, str | None, int]:
    if not isinstance(body, dict):
        raise ApiError(400, 'send a JSON object: {"target"?: "<text>", "status"?: "approved|rejected", '
                            '"version": <number>}')
    target, status, version = body.get("target"), body.get("status"), body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ApiError(422, "version must be the segment's version (a whole number) as you read it")
    if target is None and status is None:
        raise ApiError(422, "nothing to change: send a target, a status or both")
    if target is not None and not isinstance(target, str):
        raise ApiError(422, "target must be a string")
    if status is not None and status not in SEGMENT_STATUSES:
        raise ApiError(422, f"unknown segment status {status!r}; expected approved or rejected")
    return target, status, version


def _seconds(body: dict) -> float:
    """The optional ``seconds`` the reviewer had the segment open (the review desk sends it)."""
    seconds = body.get("seconds", 0)
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds < 1e9:
        raise ApiError(422, "seconds must be a number of seconds, 0 or more")
    return float(seconds)
