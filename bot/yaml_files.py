"""Reading the project's YAML files, all through one loader: libyaml's C
parser where it is installed (ten times faster than the pure-Python one; the
trial folder is read on every `python -m bot evaluate`), safe either way."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Union

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAMLError = yaml.YAMLError


def read(path: Union[str, Path]) -> Any:
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_LOADER)
