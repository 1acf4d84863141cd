#!/usr/bin/env bash
# Prints a Python 3.10 interpreter: PATH first, then pyenv's versions folder.
set -u
if command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
  command -v python3.10; exit 0
fi
for p in "${PYENV_ROOT:-${HOME:-/root}/.pyenv}"/versions/3.10*/bin/python3.10; do
  if [ -x "$p" ]; then echo "$p"; exit 0; fi
done
echo "error: Rasa 3.6 needs Python 3.10 and none was found on PATH or in ${PYENV_ROOT:-${HOME:-/root}/.pyenv}/versions/3.10*/bin/. Install it (e.g. 'pyenv install 3.10') and try again." >&2
exit 1
