"""Keeps what people type out of every log.

Rasa logs a failed turn with the message text and a traceback whose frames
carry their local variables (so the text again), e.g.
`rest.message.received.failure text=...` when a message holds a lone
surrogate. Sanic and aiohttp log exceptions whose messages may quote input.
And a log line that cannot be encoded as UTF-8 makes `logging` print the
whole record to stderr.

`install()` (run when this module is imported) closes these paths:
- structlog events (Rasa's own logging) lose the keys that can hold user
  text (Rasa's own anonymizer list, plus a few), and an exception is kept
  as its type and code location only, never its message or locals;
- every stdlib log record, whatever its handler: exception messages are
  reduced to their type and frames (file, line, function), a JSON log line
  loses the same keys, and characters that cannot be written (lone
  surrogates) are replaced;
- `logging`'s own error report never prints the record.

Activated by importing it: the Rasa server imports it through the REST
channel (addons/rest_channel.py, named in credentials.yml), the web server
through web/app.py, and the action server needs `import addons.log_privacy`
in actions/__init__.py."""
from __future__ import annotations

import json
import logging
import re
import traceback
from typing import Any, Dict

HIDDEN = "[hidden]"
SENSITIVE_KEYS = frozenset({
    # Rasa's anonymizer list (rasa/utils/log_utils.py)
    "text", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
    "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response", "slot_candidates",
    "rasa_event", "rasa_events", "tracker_states", "current_states", "old_states", "successes", "current_entity",
    "next_entity", "states", "entity", "token_text", "user_message", "json_message",
    # and more that can carry what a person typed
    "events", "event_info_text", "tracker", "slots", "value", "values", "body", "data", "metadata", "utterance",
    "entities", "intent_ranking", "parse_data", "sender_id", "locals", "exc_value",
})
_SURROGATE = re.compile("[\ud800-\udfff]")
_installed = False


def _safe_exception(exc_info) -> str:
    """An exception as its type and where it happened; never its message."""
    etype, _, tb = exc_info
    frames = traceback.extract_tb(tb) if tb is not None else []
    where = " <- ".join(f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno} {f.name}" for f in reversed(frames[-6:]))
    return f"{getattr(etype, '__name__', 'Exception')} (message hidden) at {where or '?'}"


def _scrub_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (HIDDEN if k in SENSITIVE_KEYS else _scrub_value(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_value(v) for v in value]
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    return value


def scrub_event_dict(_logger: Any, _name: str, event_dict: Dict[str, Any]) -> Dict[str, Any]:
    """structlog processor: first in the chain, before anything renders."""
    exc_info = event_dict.pop("exc_info", None)
    if exc_info:
        import sys

        info = sys.exc_info() if exc_info is True else exc_info
        if isinstance(info, BaseException):
            info = (type(info), info, info.__traceback__)
        if info and info[0] is not None:
            event_dict["error"] = _safe_exception(info)
    event_dict.pop("exception", None)
    return {k: (HIDDEN if k in SENSITIVE_KEYS else _scrub_value(v)) for k, v in event_dict.items()}


def scrub_message(message: str) -> str:
    """A rendered log line: JSON lines lose sensitive keys; no lone surrogates."""
    message = _SURROGATE.sub("\ufffd", message)
    stripped = message.strip()
    if stripped.startswith("{") and stripped.endswith("}"):
        try:
            data = json.loads(stripped)
        except ValueError:
            return message
        if isinstance(data, dict):
            data.pop("exception", None)
            return json.dumps(_scrub_value(data), ensure_ascii=False)
    return message


def scrub_record(record: logging.LogRecord) -> logging.LogRecord:
    if record.exc_info and record.exc_info[0] is not None:
        note = _safe_exception(record.exc_info)
        record.exc_info, record.exc_text = None, None
        record.stack_info = None
    else:
        note = None
    try:
        message = record.getMessage()
    except Exception:
        message = str(record.msg)
    message = scrub_message(message)
    if note:
        message = f"{message} [{note}]"
    record.msg, record.args = message, None
    return record


_original_handle = logging.Handler.handle


def _private_handle(self: logging.Handler, record: logging.LogRecord) -> bool:
    return _original_handle(self, scrub_record(record))


def _private_handle_error(self: logging.Handler, record: logging.LogRecord) -> None:
    # The standard version prints the record's message and arguments to stderr.
    import sys

    if logging.raiseExceptions and sys.stderr:
        try:
            sys.stderr.write(f"--- logging error in {self.__class__.__name__} (record hidden) ---\n")
        except Exception:
            pass


def _install_structlog() -> None:
    try:
        import structlog
    except ImportError:
        return
    processors = structlog.get_config().get("processors")
    if isinstance(processors, list):
        if scrub_event_dict not in processors:
            processors.insert(0, scrub_event_dict)  # in place: loggers already bound share this list
    # Rasa may configure structlog later (it does at start): keep us first then too.
    original_configure = structlog.configure
    if getattr(original_configure, "_private", False):
        return

    def configure(*args, **kwargs):
        procs = kwargs.get("processors")
        if procs is not None:
            procs = list(procs)
            if scrub_event_dict not in procs:
                procs.insert(0, scrub_event_dict)
            kwargs["processors"] = procs
        return original_configure(*args, **kwargs)

    configure._private = True  # type: ignore[attr-defined]
    structlog.configure = configure


def install() -> None:
    global _installed
    if _installed:
        return
    # Replaced on the class, so every handler (those made later too) is covered.
    logging.Handler.handle = _private_handle  # type: ignore[method-assign]
    logging.Handler.handleError = _private_handle_error  # type: ignore[method-assign]
    _install_structlog()
    _installed = True


install()
