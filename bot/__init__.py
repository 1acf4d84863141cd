"""Pre-screening core: the trial as data (trials/<id>/), answer
understanding, the eligibility rules, records and staff tools. Imports no Rasa."""
import os

# spaCy's thinc imports TensorFlow when it is installed (Rasa installs it);
# keep its start-up notices off the staff commands' stderr.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
