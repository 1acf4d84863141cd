"""Emergency and crisis signs in any message, in English and Korean: a
detector of its own that the conversation runs before anything else."""
from bot.safety.detector import Finding, scan
from bot.safety.lexicon import Sign

__all__ = ["Finding", "Sign", "scan"]
