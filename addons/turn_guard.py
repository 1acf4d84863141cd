"""Two guards on a turn of the Rasa 3.6 server, for messages from the REST
channel (addons/rest_channel.py, which collects replies in a GuardedCollector):

1. A message is handled once. The web page gives each message a random key
   (sent as `message_id`, kept on the stored user event); a message whose key
   the conversation already holds is answered with the replies that followed
   it then, and nothing is run or stored again. This is checked under Rasa's
   per-conversation lock, on the tracker the turn reads anyway, so a retry
   after a lost reply, or the same message sent twice at once, is stored once.
2. A turn whose action server cannot be reached is abandoned, not saved:
   Rasa would store the message with no answer and reply with nothing. The
   channel then answers 503 and the web page says the assistant is restarting
   (`make run` restarts it: scripts/run.sh); the message is sent again later,
   and stored once, with its answer.

`apply()` is idempotent; the channel calls it when the Rasa server loads it."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Text

import aiohttp
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

_BOT_DATA = ("image", "buttons", "attachment", "custom", "elements", "quick_replies")


class GuardedCollector(CollectingOutputChannel):
    """The REST channel's collector: its turns are handled once and abandoned
    when the action server is down."""


class TurnAbandoned(BaseException):
    """Raised through Rasa's `except Exception` around actions, so that the
    turn stops before the tracker is saved. `down`: the action server could
    not be reached (connection refused or dropped, or no answer in time)."""

    def __init__(self, down: bool) -> None:
        super().__init__("action server down" if down else "action failed")
        self.down = down


def earlier_replies(tracker: DialogueStateTracker, message_id: Optional[Text]) -> Optional[List[Dict[Text, Any]]]:
    """The replies given to the user message with this key, if the
    conversation holds it; None when it is new."""
    if not message_id:
        return None
    events = list(tracker.events)
    start = next((i for i in range(len(events) - 1, -1, -1)
                  if isinstance(events[i], UserUttered) and events[i].message_id == message_id), None)
    if start is None:
        return None
    replies: List[Dict[Text, Any]] = []
    for event in events[start + 1:]:
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            reply: Dict[Text, Any] = {"recipient_id": tracker.sender_id}
            if event.text is not None:
                reply["text"] = event.text
            reply.update({k: event.data[k] for k in _BOT_DATA if (event.data or {}).get(k)})
            replies.append(reply)
    return replies


_ORIGINAL_HANDLE = MessageProcessor.handle_message
_ORIGINAL_RUN = RemoteAction.run


async def handle_message(self: MessageProcessor, message: UserMessage) -> Optional[List[Dict[Text, Any]]]:
    """Rasa 3.6's MessageProcessor.handle_message (a full model, as this bot
    has), with the check for a key the conversation already holds."""
    output = message.output_channel
    if not isinstance(output, GuardedCollector):
        return await _ORIGINAL_HANDLE(self, message)
    tracker = await self.fetch_tracker_and_update_session(message.sender_id, output, message.metadata)
    earlier = earlier_replies(tracker, message.message_id)
    if earlier is not None:
        output.messages.extend(earlier)
        return output.messages
    await self._handle_message_with_tracker(message, tracker)
    tracker = await self.run_action_extract_slots(output, tracker)
    await self._run_prediction_loop(output, tracker)
    await self.run_anonymization_pipeline(tracker)
    await self.save_tracker(tracker)
    return output.messages


def _unreachable(exc: BaseException) -> bool:
    """Whether the action call failed for want of the server (Rasa wraps the cause)."""
    seen: Optional[BaseException] = exc
    while seen is not None:
        if isinstance(seen, (aiohttp.ClientConnectionError, asyncio.TimeoutError)):
            return True
        if "Couldn't connect" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


async def run(self: RemoteAction, output_channel: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return await _ORIGINAL_RUN(self, output_channel, *args, **kwargs)
    except Exception as exc:
        if isinstance(output_channel, GuardedCollector):
            raise TurnAbandoned(_unreachable(exc)) from None
        raise


def apply() -> None:
    MessageProcessor.handle_message = handle_message
    RemoteAction.run = run
