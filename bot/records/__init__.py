"""Records: what the conversation leaves for the study team. SQLAlchemy
models and queries (store.py, schema changes as Alembic migrations in
migrations/), encryption at rest (crypto.py, tracker_crypto.py for Rasa's
events) and applying a turn's records (effects.py). May import bot.config;
never bot.conversation or Rasa."""
