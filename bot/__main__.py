import sys

# The command line never needs TensorFlow, which spaCy's thinc would import
# (Rasa installs it): seconds saved on every `python -m bot evaluate`.
sys.modules.setdefault("tensorflow", None)

from bot.cli import main  # noqa: E402

sys.exit(main())
