"""Emergency signs in anything a person types. A sign that is denied
('no fever', 'she is not bleeding') does not count."""
from __future__ import annotations

from typing import List

from bot import nlp

EMERGENCY_SIGNS = {
    "fever": ["fever", "high fever", "high temperature", "temperature of 38", "temperature of 39",
              "temperature of 40", "burning up", "febrile", "chills and fever", "shivering with fever"],
    "bleeding that will not stop": ["bleeding that won't stop", "bleeding that will not stop", "won't stop bleeding",
                                    "can't stop the bleeding", "cannot stop the bleeding", "heavy bleeding",
                                    "bleeding a lot", "bleeding heavily", "coughing blood", "coughing up blood",
                                    "vomiting blood", "throwing up blood", "blood in vomit", "bleeding"],
    "chest pain": ["chest pain", "chest pains", "pain in my chest", "pain in her chest", "pain in his chest",
                   "chest hurts", "chest tightness", "tight chest", "pressure in my chest", "crushing chest"],
    "trouble breathing": ["can't breathe", "cannot breathe", "can not breathe", "trouble breathing",
                          "difficulty breathing", "short of breath", "shortness of breath", "hard to breathe",
                          "struggling to breathe", "breathless", "gasping", "out of breath", "can't catch his breath",
                          "can't catch her breath", "can't catch my breath", "cannot catch my breath",
                          "can't get air", "not breathing", "turning blue", "lips are blue"],
    "fainting": ["fainted", "fainting", "faint", "passed out", "blacked out", "collapsed", "unconscious",
                 "unresponsive", "won't wake up", "can't wake her", "can't wake him"],
    "confusion": ["confused", "confusion", "disoriented", "not making sense", "seizure", "fit of shaking",
                  "slurred speech", "stroke symptoms"],
    "thoughts of self-harm": ["kill myself", "killing myself", "suicide", "suicidal", "end my life", "hurt myself",
                              "harm myself", "self-harm", "self harm", "don't want to live", "want to die",
                              "better off dead"],
}


def emergency_signs(text: str) -> List[str]:
    """The emergency signs mentioned and not denied, in a fixed order."""
    if not text or len(text) > 5000:
        return []
    doc = nlp.analyze(text, EMERGENCY_SIGNS)
    found = {e.kb_id_ for e in doc.ents if e.label_ == nlp.CUE_LABEL and not nlp.negated(e)}
    return [sign for sign in EMERGENCY_SIGNS if sign in found]
