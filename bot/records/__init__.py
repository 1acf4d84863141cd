"""Records: what the conversation leaves for the study team. `store.Store`
is the one entry point; it combines one module per concern: screenings.py,
handoffs.py, staff_audit.py, conversations.py (Rasa's events),
chat_sessions.py and retention.py, on database.py (engine, sessions,
migrations) and tables.py (the models; schema changes as Alembic migrations
in migrations/). Also encryption at rest (crypto.py, tracker_crypto.py for
Rasa's events) and applying a turn's records (effects.py). May import
bot.config; never bot.conversation or Rasa."""
