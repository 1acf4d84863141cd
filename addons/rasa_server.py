"""`rasa` with the HTTP API token from the environment (TRIALBOT_API_TOKEN),
never from the command line, which every local user can read (ps, /proc/PID/
cmdline). Rasa 3.6 takes the token only as `--auth-token`, so this adds it to
the arguments inside the process, where the process list does not show it.

    python -m addons.rasa_server run --enable-api --port 5005 ...   # as `rasa run ...`

The same token is the secret the REST channel (addons/rest_channel.py)
requires from the web server."""
from __future__ import annotations

import sys

from bot import config

TOKEN_ARGS = ("--auth-token", "-t")


def with_token(argv: list, token: str) -> list:
    """`rasa run` arguments with the token added (after the subcommand)."""
    if any(a in TOKEN_ARGS or a.startswith("--auth-token=") for a in argv):
        raise SystemExit("give the token in TRIALBOT_API_TOKEN, not as --auth-token: the process list shows arguments")
    if len(argv) < 2 or argv[1] != "run":
        return argv
    return argv[:2] + [f"--auth-token={token}"] + argv[2:]  # "=": a token may start with "-"


def main() -> None:
    token = config.settings().api_token
    if not token:
        raise SystemExit("TRIALBOT_API_TOKEN is not set: the Rasa server's API and chat endpoint need it "
                         "(scripts/run.sh creates var/api_token)")
    sys.argv = with_token(["rasa", *sys.argv[1:]], token)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
