"""What every logged-in form of the plug-in shares.

Services check the domain rules and raise ``ValidationError`` keyed by field; ``add_errors``
puts those messages at their fields, so a form shows WTForms' and the service's messages in one
place and the same way.
"""

from __future__ import annotations

from flask_wtf import FlaskForm

NOT_A_FIELD = frozenset({"csrf_token", "version"})
"""Hidden bookkeeping fields: an error about them belongs to the form, not to a field."""


class BaseForm(FlaskForm):
    def add_errors(self, errors: dict[str, str]) -> list[str]:
        """Attach service errors to their fields (a field keeps its own first message);
        return the messages that belong to no field, for the error summary."""
        leftover = []
        for name, message in errors.items():
            if name in self._fields and name not in NOT_A_FIELD:
                field = self._fields[name]
                if not field.errors:
                    field.errors = [*field.errors, message]
            else:
                leftover.append(message)
        return leftover
