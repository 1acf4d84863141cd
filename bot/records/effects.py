"""Applies what a conversation turn asks to record (bot.conversation.turn
Effect) to the store. Nothing is stored before consent: every write but the
consent itself goes to the screening that consent created."""
from __future__ import annotations

from typing import Any, Dict, List

from bot.records.store import Store


def apply(store: Store, sender_id: str, trial_id: str, effects: List[Any]) -> Dict[str, Any]:
    """Returns what the conversation needs back (the handoff's reference)."""
    out: Dict[str, Any] = {}
    for e in effects:
        d = e.data
        if e.kind == "consent":
            store.start_screening(sender_id, trial_id)
            store.set_language(sender_id, d["language"])
        elif e.kind == "language":
            store.set_language(sender_id, d["language"])
        elif e.kind == "record":
            store.record_answer(sender_id, trial_id, d["qid"], d["question"], d["text"][:2000], d["reading"],
                                d["verdict"], d["reason"])
        elif e.kind == "respondent":
            store.set_respondent(sender_id, trial_id, d["respondent"], d["relation"])
        elif e.kind == "forget":
            store.forget_answer(sender_id, d["qid"])
        elif e.kind == "finish":
            store.finish_screening(sender_id, trial_id, d["outcome"], d["verdicts"])
        elif e.kind == "stop":
            store.stop_screening(sender_id)
        elif e.kind == "resume":
            store.resume_screening(sender_id)
        elif e.kind == "abandon":
            store.abandon_screening(sender_id)
        elif e.kind == "delete":
            store.delete_person(sender_id)
        elif e.kind == "flag":
            for value in d.get("signs") or [d.get("qid")]:
                store.add_flag(sender_id, "emergencies" if d["kind"] == "emergency" else "unread", value)
        elif e.kind == "handoff":
            c = d["contact"]
            out["reference"] = store.create_handoff(
                sender_id, trial_id, d.get("consent_text", ""), c.get("name") or "", c.get("phone"), c.get("email"),
                c.get("time") or "", c.get("language") or "", kind=d.get("kind", "screening"))
    return out
