"""Rasa tokenizer that splits Korean into morphemes with kiwipiepy.

Text is first split as WhitespaceTokenizer does (same punctuation and emoji
handling); every piece that holds Hangul is then replaced by the kiwipiepy
morphemes inside it ("참여할 수 있나요" -> 참여 하 ᆯ 수 있 나요), each with its
character offsets in the message. Anything else (English, numbers, drug
names in Latin letters) stays one whitespace token, so English messages
tokenize exactly as with WhitespaceTokenizer. Without kiwipiepy installed the
component warns once and splits on whitespace only. Unlike WhitespaceTokenizer,
it never drops an all-Hangul word as an "emoji" (see _HangulSafeWhitespaceTokenizer).

    pipeline:
      - name: addons.korean_tokenizer.KoreanTokenizer
"""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

logger = logging.getLogger(__name__)

HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
# kiwipiepy tags for punctuation and other symbols (the whitespace split already
# drops most of them; these catch the ones inside a Hangul piece such as "네,맞아요").
PUNCTUATION_TAGS = {"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW"}

_kiwi = None
_kiwi_unavailable = False


class _HangulSafeWhitespaceTokenizer(WhitespaceTokenizer):
    """WhitespaceTokenizer's split, without its emoji filter eating Korean.

    Rasa's emoji pattern (rasa.utils.io.get_emoji_regex) has the range
    U+24C2-U+1F251, which holds every Hangul syllable and jamo: WhitespaceTokenizer
    drops each all-Hangul word as an "emoji" ("hi 안녕하세요" -> ["hi"]) and, when
    nothing is left, keeps the whole message as one token.
    """

    def remove_emoji(self, text: Text) -> Text:
        return text if HANGUL.search(text) else super().remove_emoji(text)


def _get_kiwi():
    """One kiwipiepy model per process (loading it takes a second or two)."""
    global _kiwi, _kiwi_unavailable
    if _kiwi is None and not _kiwi_unavailable:
        try:
            from kiwipiepy import Kiwi
        except ImportError:
            _kiwi_unavailable = True
            logger.warning("kiwipiepy is not installed: KoreanTokenizer splits Korean on whitespace only.")
        else:
            _kiwi = Kiwi()
    return _kiwi


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class KoreanTokenizer(Tokenizer):
    """Kiwi morphemes for Hangul, whitespace tokens for everything else."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "intent_tokenization_flag": False,
            "intent_split_symbol": "_",
            "token_pattern": None,
            "prefix_separator_symbol": None,
            # False: whitespace words only (Hangul kept), no kiwipiepy.
            "morphemes": True,
        }

    @staticmethod
    def not_supported_languages() -> Optional[List[Text]]:
        return None

    def __init__(self, config: Dict[Text, Any]) -> None:
        super().__init__(config)
        self._whitespace = _HangulSafeWhitespaceTokenizer({**WhitespaceTokenizer.get_default_config(), **config})
        self._morphemes = bool(self._config.get("morphemes", True))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KoreanTokenizer:
        return cls(config)

    def tokenize(self, message: Message, attribute: Text) -> List[Token]:
        text = message.get(attribute)
        tokens = self._whitespace.tokenize(message, attribute)
        if not self._morphemes or not HANGUL.search(text or ""):
            return tokens
        kiwi = _get_kiwi()
        if kiwi is None:
            return tokens
        try:
            morphemes = [m for m in kiwi.tokenize(text) if m.tag not in PUNCTUATION_TAGS]
        except Exception:  # a tokenizer failure must not stop the bot
            logger.exception("kiwipiepy failed; whitespace tokens used for this message")
            return tokens
        result: List[Token] = []
        for token in tokens:
            if not HANGUL.search(token.text):
                result.append(token)
                continue
            inside = [m for m in morphemes if m.start >= token.start and m.start + m.len <= token.end]
            if not inside:
                result.append(token)
                continue
            for m in inside:
                result.append(Token(m.form, m.start, m.start + m.len, lemma=m.form))
        return self._apply_token_pattern(result)
