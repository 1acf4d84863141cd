"""An NLU component placed after the classifiers: an interruption intent
that the message's words do not back up becomes `inform`, so an answer is
never lost to a misread request; a message naming an emergency sign becomes
`emergency`. The rule itself is bot/intents.py."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.intents import checked_intent


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class InterruptionGuard(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> List:
        return [IntentClassifier]

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "InterruptionGuard":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            name = intent.get(INTENT_NAME_KEY)
            checked = checked_intent(name, message.get(TEXT) or "", intent.get("confidence") or 0.0) if name else name
            if checked != name:
                message.set(INTENT, {INTENT_NAME_KEY: checked, "confidence": intent.get("confidence", 1.0)},
                            add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
