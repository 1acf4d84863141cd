"""When is a message really an interruption? A statistical intent
classifier sometimes reads an answer ("I can do everything I used to do")
as a request ("delete my data"). An interruption intent stands only when the
message carries that interruption's own words; otherwise the message is an
answer, and the open question gets it."""
from __future__ import annotations

import re
from typing import Dict, List

from bot.safety import emergency_signs

ANSWER_INTENT = "inform"

# The words each interruption needs; matched as whole words, lower case.
_NEEDS: Dict[str, List[str]] = {
    "greet": [r"hi", r"hello", r"hey", r"hiya", r"good (?:morning|afternoon|evening)", r"greetings", r"start",
              r"begin", r"join", r"eligible", r"qualify", r"interested", r"check", r"study", r"trial", r"back"],
    "goodbye": [r"bye", r"goodbye", r"see you", r"later", r"good night", r"that's all", r"have a nice", r"done"],
    "ask_why": [r"why", r"reason", r"relevant", r"matter", r"what(?:'s| is) (?:this|that) (?:question )?for",
                r"what does (?:that|this|it) have to do"],
    "explain_term": [r"what", r"mean", r"means", r"meaning", r"explain", r"understand", r"stand for", r"define"],
    "go_back": [r"back", r"previous", r"undo", r"redo", r"last question", r"last answer"],
    "correct_answer": [r"change", r"correct", r"fix", r"edit", r"update", r"mistake", r"wrong", r"actually",
                       r"typo", r"meant", r"answer"],
    "start_over": [r"start", r"restart", r"begin", r"beginning", r"scratch", r"reset", r"over", r"again", r"new"],
    "resume": [r"continue", r"resume", r"carry on", r"keep going", r"go on", r"where were we", r"left off",
               r"next", r"ready"],
    "human_handoff": [r"person", r"human", r"someone", r"somebody", r"talk", r"speak", r"call me", r"coordinator",
                      r"nurse", r"doctor", r"contact", r"phone number", r"real", r"staff", r"team"],
    "stop": [r"stop", r"quit", r"cancel", r"exit", r"end (?:this|it|here|now)", r"pause", r"later", r"that's enough", r"enough for (?:now|today)",
             r"done", r"(?:don't|do not) want to (?:continue|go on)", r"finish"],
    "delete_data": [r"delete", r"erase", r"remove", r"wipe", r"forget", r"don't keep", r"do not keep"],
    "out_of_scope": [r"\?", r"what", r"how", r"where", r"when", r"will", r"can", r"could", r"is", r"are", r"do",
                     r"does", r"who", r"which", r"should", r"tell me", r"joke", r"weather", r"side effects?",
                     r"cost", r"paid", r"pay", r"free", r"price", r"other (?:trials|studies)"],
}


# Safety first: a confident emergency reading stands even without listed words.
EMERGENCY_CONFIDENCE = 0.9


def confirmed(intent: str, text: str, confidence: float = 1.0) -> bool:
    """Whether `text` carries the words that `intent` needs to interrupt.
    Intents that are not interruptions are always confirmed."""
    if intent == "emergency":
        return (confidence >= EMERGENCY_CONFIDENCE or bool(emergency_signs(text))
                or bool(re.search(r"\bemergency\b|\b119\b|\b911\b", text or "", re.I)))
    needs = _NEEDS.get(intent)
    if needs is None:
        return True
    low = (text or "").lower()
    if low.startswith("/"):  # a button's payload names its intent on purpose
        return True
    return any(re.search(r"(?<![\w'])" + w + r"(?!\w)" if w != r"\?" else w, low) for w in needs)


def checked_intent(intent: str, text: str, confidence: float = 1.0) -> str:
    """The intent to act on. Emergency signs that are not denied always mean
    `emergency`, whatever the classifier said: urgent advice comes first."""
    if intent != "emergency" and not (text or "").startswith("/") and emergency_signs(text):
        return "emergency"
    return intent if confirmed(intent, text, confidence) else ANSWER_INTENT
