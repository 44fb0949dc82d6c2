"""Errors a service raises when input is wrong: German messages keyed by form field.

Views turn them into messages next to the fields (HTTP 422) and change nothing, because the
service raises before it writes.
"""

from __future__ import annotations


class ValidationError(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class NotFound(LookupError):
    """The object does not exist or belongs to someone else; views answer 404 either way."""


class EditConflict(RuntimeError):
    """Someone saved the same object since this form was opened (optimistic lock)."""
