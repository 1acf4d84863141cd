"""Authoring a trial folder from a ClinicalTrials.gov record: parse the
record (parse.py), split its eligibility text into criteria (split.py),
suggest a reader and its parameters for each (suggest.py, figures.py) and
write a draft folder with TODO wherever a person must decide (write.py).
Imported only by bot/cli.py; it imports bot.eligibility (the reader kinds,
the vocabulary pipeline) and nothing above it."""
