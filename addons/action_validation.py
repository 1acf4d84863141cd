"""Rasa 3.6 checks every action server response against a JSON schema with
`jsonschema.validate(result, schema)`, which first validates the schema
itself against the JSON Schema meta-schema, on every call. Under load py-spy
put half of the Rasa server's busy time there (`make bench --profile`,
README "Performance"). This builds the validator for the same schema once and
validates each response with it: the same schema, the same ValidationError
(with Rasa's message) for a bad response.

Applied by importing this module in the Rasa server (addons/tracker_store.py
does); `apply()` is idempotent."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate does on every call
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (f". Failed to validate Action server response from API, make sure your response from the "
                      f"Action endpoint is valid. For more information about the format visit "
                      f"{DOCS_BASE_URL}/custom-actions")
    raise error


def apply() -> None:
    if getattr(RemoteAction._validate_action_result, "__module__", "") != __name__:
        RemoteAction._validate_action_result = _validate_action_result


__all__ = ["apply", "ValidationError"]
