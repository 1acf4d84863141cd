import sys
import types

# The command line needs neither TensorFlow (which spaCy's thinc would import;
# Rasa installs it) nor nltk (which medspacy pulls in for QuickUMLS, a matcher
# the readers never use): about a second saved on every `python -m bot evaluate`.
sys.modules.setdefault("tensorflow", None)
sys.modules.setdefault("nltk", types.ModuleType("nltk"))

from bot.cli import main  # noqa: E402

sys.exit(main())
