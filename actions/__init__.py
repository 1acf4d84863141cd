"""Rasa SDK actions: thin adapters between the tracker and bot/."""
import addons.log_privacy  # noqa: F401  (no message text or answer in the action server's logs)
