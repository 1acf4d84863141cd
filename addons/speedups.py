"""Two hot spots of the Rasa 3.6 server, found with py-spy under load
(`make bench BENCH_ARGS=--profile`, README "Performance"), made cheap
without changing what they do:

1. Every action server response is checked against a JSON schema with
   `jsonschema.validate(result, schema)`, which first validates the schema
   itself against the JSON Schema meta-schema, on every call: half of the
   Rasa server's busy time. The validator for the same schema is now built
   once; a bad response raises the same ValidationError with Rasa's message.
2. Every stored event read back is matched to its class by walking all
   subclasses of Event (`Event.resolve_by_type`), about 7% of the busy time.
   The type-name -> class table is now built once (and rebuilt when a name
   is missing, for classes imported later); the first match wins, as before.

Applied in the Rasa server by addons/tracker_store.py (loaded through the
endpoints file); `apply()` is idempotent."""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Optional, Text

from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
import rasa.shared.utils.common
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event


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


_EVENT_TYPES: Dict[Text, type] = {}
_ORIGINAL_RESOLVE = Event.resolve_by_type


def _event_types() -> Dict[Text, type]:
    table: Dict[Text, type] = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        table.setdefault(cls.type_name, cls)
    return table


def resolve_by_type(type_name: Text, default: Optional[type] = None) -> Optional[type]:
    cls = _EVENT_TYPES.get(type_name)
    if cls is None:
        _EVENT_TYPES.clear()
        _EVENT_TYPES.update(_event_types())
        cls = _EVENT_TYPES.get(type_name)
    if cls is not None:
        return cls
    return _ORIGINAL_RESOLVE(type_name, default)  # "topic", the default, or Rasa's error


def apply() -> None:
    if getattr(RemoteAction._validate_action_result, "__module__", "") != __name__:
        RemoteAction._validate_action_result = _validate_action_result
    if getattr(Event.resolve_by_type, "__module__", "") != __name__:
        Event.resolve_by_type = staticmethod(resolve_by_type)


__all__ = ["apply", "ValidationError"]
