"""`python -m bot ...`: commands for study staff and for testing."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import List, Optional

from bot.screening import evaluate
from bot.trial import DEFAULT_TRIAL, load_trial


class UsageError(Exception):
    """A problem with what the user gave: one line on stderr, exit status 2."""


def _read_answers(path: str, known: List[str]) -> dict:
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc.__class__.__name__}")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        raise UsageError(f'{path} must hold an object {{"answers": {{"<criterion id>": "<answer>", ...}}}}')
    answers = {}
    for key, value in data["answers"].items():
        if key not in known:
            raise UsageError(f"unknown key '{key}' in answers; expected one of: {', '.join(known)}")
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise UsageError(f"the answer for '{key}' must be text")
        answers[key] = str(value)
    return answers


def cmd_evaluate(args: argparse.Namespace) -> int:
    trial = load_trial(args.trial)
    answers = _read_answers(args.file, list(trial.question_ids))
    today = date.fromisoformat(args.today) if args.today else date.today()
    print(json.dumps(evaluate(trial, answers, today).as_dict(), indent=2, ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--trial", default=DEFAULT_TRIAL, help="trial id (a file in bot/trials/)")
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="evaluate answers from a JSON file and print the verdicts")
    ev.add_argument("file", help='JSON file: {"answers": {"<criterion id or profile slot>": "<text>"}}')
    ev.add_argument("--today", help="evaluate as of this date (YYYY-MM-DD); default: today")
    ev.set_defaults(func=cmd_evaluate)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # a bad --today, a malformed trial file
        print(f"error: {exc}", file=sys.stderr)
        return 2
