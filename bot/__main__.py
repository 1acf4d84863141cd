import os
import sys
import types
from typing import Dict, Optional

# Start-up is most of a `python -m bot evaluate` call. The command line needs
# neither TensorFlow nor h5py (which spaCy's thinc would import; Rasa installs
# both), nor nltk (which medspacy pulls in for QuickUMLS, a matcher the readers
# never use), nor spaCy's own command line (typer, requests, jinja2,
# pkg_resources), which `import spacy` loads only to offer `spacy.info`.
# A None entry makes `import tensorflow` raise ImportError, which they handle.
blocked: Dict[str, Optional[types.ModuleType]] = sys.modules  # type: ignore[assignment]
blocked.setdefault("tensorflow", None)
blocked.setdefault("h5py", None)
sys.modules.setdefault("nltk", types.ModuleType("nltk"))
_spacy_info = types.ModuleType("spacy.cli.info")
setattr(_spacy_info, "info", None)
_spacy_cli = types.ModuleType("spacy.cli")
setattr(_spacy_cli, "info", _spacy_info)
sys.modules.setdefault("spacy.cli", _spacy_cli)
sys.modules.setdefault("spacy.cli.info", _spacy_info)

from bot.cli import main  # noqa: E402

status = main()
if sys.argv[1:2] == ["evaluate"]:
    # The evaluator has written everything and holds nothing open; tearing
    # down spaCy's objects on the way out would take longer than a sheet.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
sys.exit(status)
