"""The conversation fuzzer (tests/fuzz.py), in-process: 300 generated
conversations through the engine and the real store (SQLite), the same
code path the action server runs. `make fuzz` runs them through the live
servers."""
import os

from bot.conversation.turn import Conversation
from bot.records.effects import apply
from bot import config
from bot.eligibility.model import load_trial
from tests.conversation_helpers import TODAY
from tests.fuzz import run

N = int(os.environ.get("TRIALBOT_FUZZ_N", "300"))


def test_generated_conversations_end_without_loops_errors_or_lost_answers(bot_env, db_url):
    store, trial = bot_env, load_trial()
    n = N if db_url.startswith("sqlite") else min(N, 60)  # the full set once; a sample on PostgreSQL
    conv = Conversation(trial, config.site(), TODAY)

    def make(i):
        sender, state = f"fuzz-{i}", {}

        def say(text):
            nonlocal state
            reply = conv.turn(state, text)
            reference = apply(store, sender, trial.id, reply.effects)
            state = reply.state
            if reference:
                state["handoff_reference"] = reference
            return [(m.text, m.buttons) for m in reply.messages], state

        def stored():
            with store.session() as s:
                from bot.records.store import Screening
                import sqlalchemy as sa
                row = s.execute(sa.select(Screening).where(Screening.sender_id == sender,
                                                           Screening.status != "abandoned")).scalars().first()
                return {a.criterion_id: a.raw_text for a in row.answers if a.raw_text} if row else {}

        return say, stored

    results = run(make, n)
    problems = [(i, p) for i, o in results for p in o.problems]
    assert not problems, problems[:10]
    ends = {}
    for _, o in results:
        ends[o.ended] = ends.get(o.ended, 0) + 1
    assert ends.get("result", 0) > n // 4, ends  # many reach a result, not only stops
