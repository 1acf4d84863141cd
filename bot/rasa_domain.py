"""Keeps the question-specific parts of `domain.yml` (one slot and one ask
action per question, the form's slot list) in step with the trial file, so
that a new trial is a new file plus `python -m bot sync-domain`."""
from __future__ import annotations

import re
from pathlib import Path
from typing import List

from bot.trial import Trial

# Intents that answer no question: while one of them is recognised the open
# question's slot is left empty and a rule handles the interruption.
INTERRUPTIONS = ["ask_why", "explain_term", "go_back", "correct_answer", "start_over", "human_handoff", "stop",
                 "emergency", "out_of_scope", "delete_data", "greet", "goodbye"]
_BEGIN = "  # >>> generated from the trial file by `python -m bot sync-domain`: {part}"
_END = "  # <<< generated: {part}"


def _slots(trial: Trial) -> List[str]:
    lines = []
    for q in trial.profile + trial.criteria:
        if not q.asked:
            continue
        lines += [
            f"  {q.id}:",
            "    type: text",
            "    influence_conversation: false",
            "    mappings:",
            "    - type: from_text",
            f"      not_intent: [{', '.join(INTERRUPTIONS)}]",
            "      conditions:",
            "      - active_loop: screening_form",
            f"        requested_slot: {q.id}",
        ]
    return lines


def _form_slots(trial: Trial) -> List[str]:
    return [f"    - {q}" for q in trial.ask_order]


def _ask_actions(trial: Trial) -> List[str]:
    return [f"  - action_ask_{q}" for q in trial.ask_order]


PARTS = {"slots": _slots, "form": _form_slots, "actions": _ask_actions}


def sync(domain_text: str, trial: Trial) -> str:
    """`domain_text` with every generated part rewritten from `trial`."""
    for part, make in PARTS.items():
        begin, end = _BEGIN.format(part=part), _END.format(part=part)
        pattern = re.compile(re.escape(begin) + r"\n.*?" + re.escape(end), re.S)
        if not pattern.search(domain_text):
            raise ValueError(f"domain.yml lacks the markers for the generated part '{part}'")
        body = "\n".join([begin] + make(trial) + [end])
        domain_text = pattern.sub(lambda _: body, domain_text)
    return domain_text


def sync_file(path: Path, trial: Trial) -> bool:
    """Rewrites `path` if needed; True when it changed."""
    old = path.read_text(encoding="utf-8")
    new = sync(old, trial)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old
