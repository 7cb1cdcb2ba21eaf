"""Django validation errors as the API answers them (422 bodies naming the fields)."""

from typing import Any

from django.core.exceptions import ValidationError


def validation_errors(error: ValidationError) -> tuple[str, list[dict[str, Any]]]:
    """The error's messages joined, and one entry per message with the field it names."""
    if hasattr(error, "error_dict"):
        errors: list[dict[str, Any]] = [
            {"loc": ["body", field], "msg": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"loc": ["body"], "msg": message} for message in error.messages]
    return " ".join(entry["msg"] for entry in errors), errors
