"""The action server (rasa-sdk's own app, `actions/` package) with one
addition: POST /webhook needs TRIALBOT_ACTIONS_TOKEN as the `token` query
parameter, which is what Rasa sends for `action_endpoint: token:` in the
endpoints file. rasa-sdk 3.6 checks no token itself. Without a token set the
server does not start: a call from any local program (a hand-built request)
could otherwise put a made-up handoff into the staff queue.

    python -m addons.action_server --port 5055    # listens on SANIC_HOST (default 127.0.0.1 here)

The action server must also stay on a private network (localhost, or a
cluster-internal network) that only the Rasa servers reach. /health stays
open for probes."""
from __future__ import annotations

import hmac
import logging

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser
from sanic import response

from bot import config

logger = logging.getLogger(__name__)


def build_app(actions: str, token: str):
    if not token:
        raise ValueError("the action server needs a token (TRIALBOT_ACTIONS_TOKEN)")
    app = create_app(actions, cors_origins="")

    @app.on_request
    async def require_token(request):
        if request.path == "/health":
            return None
        given = request.args.get("token", "")
        if not hmac.compare_digest(given.encode("utf-8", "replace"), token.encode()):
            return response.json({"error": "not authorised"}, status=401)
        return None
    return app


def main() -> None:
    args = create_argument_parser().parse_args()
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel,
                                 args.logging_config_file)
    utils.update_sanic_log_level()
    env = config.settings()
    token, host = env.actions_token, env.action_host
    if not token:
        raise SystemExit("TRIALBOT_ACTIONS_TOKEN is not set: the action server does not start without it "
                         "(scripts/run.sh creates var/actions_token; Rasa sends it, action_endpoint: token:)")
    app = build_app(args.actions or "actions", token)
    logger.info(f"Action server on http://{host}:{args.port} (token required)")
    app.run(host, args.port, workers=1, access_log=False)


if __name__ == "__main__":
    main()
