"""The HTML pages: the Jinja2 templates (web/templates) and how a page is
rendered, with the languages the pages offer."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from bot import config

HERE = Path(__file__).resolve().parent
LANGUAGES = {"en": "English", "ko": "한국어"}

templates = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True)


def render(name: str, http_status: int = 200, **context: Any) -> web.Response:
    context.setdefault("tz_name", config.site().time_zone)
    return web.Response(text=templates.get_template(name).render(**context), status=http_status,
                        content_type="text/html", charset="utf-8")
