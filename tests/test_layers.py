"""Packages import downward only (README, *How it is built*): every import of
every module is read from its source and checked against the layers."""
import ast
from pathlib import Path
from typing import Dict, Set

ROOT = Path(__file__).resolve().parents[1]
# What each package of bot/ may import from the rest of the bot (itself always).
ALLOWED: Dict[str, Set[str]] = {
    "bot.yaml_files": set(),
    "bot.config": {"bot.yaml_files"},
    # Tokens and Korean morphemes (one kiwipiepy analyser per process): read by the safety scan and the readers.
    "bot.tokens": set(),
    "bot.safety": {"bot.yaml_files", "bot.tokens"},
    "bot.eligibility": {"bot.yaml_files", "bot.config", "bot.tokens"},  # config: which trial is active
    "bot.conversation": {"bot.yaml_files", "bot.config", "bot.safety", "bot.eligibility"},
    "bot.records": {"bot.yaml_files", "bot.config", "bot.eligibility"},
    "bot.staff": {"bot.yaml_files", "bot.config", "bot.eligibility", "bot.records", "bot.conversation"},
    # Drafting a trial folder from a registry record: reads the reader kinds and the term finder; only the CLI uses it.
    "bot.authoring": {"bot.yaml_files", "bot.eligibility"},
}
# Single modules a package may import from a package beside it: the effect
# types are the seam between the conversation (which makes them) and the
# records (which apply them), and import nothing of the store at run time.
SEAMS: Dict[str, Set[str]] = {"bot.conversation": {"bot.records.effects"}}


def _package(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _imports(path: Path) -> Set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
    return {m for m in out if m.startswith("bot.")}


def test_bot_packages_import_downward_only():
    checked = 0
    for path in sorted((ROOT / "bot").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        own = _package(module)
        if own not in ALLOWED:
            continue  # bot.cli, bot.__main__: the top of bot/
        for imported in _imports(path):
            if any(imported == m or imported.startswith(m + ".") for m in SEAMS.get(own, ())):
                continue
            target = _package(imported)
            if target in ALLOWED or imported in ALLOWED:
                target = imported if imported in ALLOWED else target
                assert target == own or target in ALLOWED[own], f"{module} imports {imported} ({own} -> {target})"
        checked += 1
    assert checked > 30


def test_only_the_cli_imports_the_trial_drafter():
    importers = sorted(str(path.relative_to(ROOT)) for path in (ROOT / "bot").rglob("*.py")
                       if not path.is_relative_to(ROOT / "bot" / "authoring")
                       and any(m == "bot.authoring" or m.startswith("bot.authoring.") for m in _imports(path)))
    assert importers == ["bot/cli.py"]


def test_nothing_in_bot_imports_the_layers_above_it():
    for path in sorted((ROOT / "bot").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for top in ("import actions", "from actions", "import addons", "from addons", "import web", "from web"):
            assert top not in text, f"{path} imports {top.split()[-1]}"


def test_the_effect_types_need_no_database():
    """bot.records.effects is imported by the pure conversation: no SQLAlchemy, no store at run time."""
    tree = ast.parse((ROOT / "bot" / "records" / "effects.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    modules = {a.name for n in top if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module or "" for n in top if isinstance(n, ast.ImportFrom)}
    assert modules and not any(m.startswith(("bot.", "sqlalchemy")) for m in modules), modules


def test_small_modules_and_functions():
    """No module in bot/ over 500 lines; no function anywhere in the app over 60 (the architecture issue)."""
    long_files, long_functions, seen = [], [], 0
    for root in ("bot", "actions", "addons", "web"):
        for path in sorted((ROOT / root).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if root == "bot" and text.count("\n") > 500:
                long_files.append(str(path.relative_to(ROOT)))
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    seen += 1
                    if node.end_lineno - node.lineno + 1 > 60:
                        long_functions.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert seen > 300 and not long_files and not long_functions, (long_files, long_functions)
