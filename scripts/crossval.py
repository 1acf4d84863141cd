"""3-fold NLU cross-validation, English and Korean separately, for each pipeline:
`current` (config.yml), `kiwi` (config/crossval-kiwi.yml: Korean morphemes from
kiwipiepy, addons/korean_tokenizer.py) and `hangul-ws` (the same tokenizer without
morphemes: whitespace words, Hangul kept). Prints intent macro F1 and accuracy on
the held-out folds and writes the table to results/crossval/summary.md.
`make crossval`.

    python scripts/crossval.py                       # every run
    python scripts/crossval.py --only ko:kiwi        # one run (repeatable)
    python scripts/crossval.py --summary-only        # rebuild the table from saved reports

Each run is `rasa test nlu --cross-validation --folds 3 --nlu <one file>`, one at a
time, killed after --timeout seconds. Reports are kept under
results/crossval/<lang>-<pipeline>/ and the table is built from every report
found there, so a single rerun updates its own row only. The folds are drawn from
a fixed seed, so every pipeline is scored on the same split.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "crossval"
LANGUAGES = {"en": ROOT / "data" / "nlu.yml", "ko": ROOT / "data" / "nlu_ko.yml"}
PIPELINES = {"current": ROOT / "config.yml", "kiwi": ROOT / "config" / "crossval-kiwi.yml",
             "hangul-ws": ROOT / "config" / "crossval-kiwi.yml"}
# Variants derived from a config file: settings merged into its tokenizer (first
# pipeline entry). "hangul-ws" is the kiwi config without morphemes, i.e. whitespace
# words with Hangul kept, to tell the tokenizer fix apart from the morphemes.
TOKENIZER_OVERRIDES = {"hangul-ws": {"morphemes": False}}
# data/nlu.yml has two Korean lines only (switch_language); "kiwi" covers English.
SKIP_BY_DEFAULT = {("en", "hangul-ws")}
FOLDS = 3


SEED = 1
# Rasa 3.6 splits the folds with StratifiedKFold(shuffle=True) and no random_state,
# i.e. from NumPy's global generator: seed it before the CLI starts so that every
# pipeline is scored on the same folds (and reruns repeat).
RASA_SEEDED = ("import sys, numpy; numpy.random.seed(int(sys.argv.pop(1))); sys.argv[0] = 'rasa'; "
               "from rasa.__main__ import main; main()")


def python_executable() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def find_report(folder: Path):
    """The accumulated test-fold report; Rasa writes it at the top of --out,
    but look below too in case a version nests it."""
    reports = sorted(folder.rglob("intent_report.json"), key=lambda p: len(p.parts))
    return reports[0] if reports else None


def config_for(pipeline: str, folder: Path) -> Path:
    source = PIPELINES[pipeline]
    if pipeline not in TOKENIZER_OVERRIDES:
        return source
    import yaml

    config = yaml.safe_load(source.read_text())
    config["pipeline"][0].update(TOKENIZER_OVERRIDES[pipeline])
    derived = folder / "config.yml"
    derived.write_text(f"# {source.relative_to(ROOT)} with {TOKENIZER_OVERRIDES[pipeline]} (scripts/crossval.py)\n"
                       + yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return derived


def run_folder(lang: str, pipeline: str, seed: int) -> Path:
    return OUT / (f"{lang}-{pipeline}" if seed == SEED else f"{lang}-{pipeline}-seed{seed}")


def run_one(lang: str, pipeline: str, timeout: int, seed: int = SEED) -> dict:
    folder = run_folder(lang, pipeline, seed)
    folder.mkdir(parents=True, exist_ok=True)
    config = config_for(pipeline, folder)
    for old in folder.rglob("intent_report.json"):
        old.unlink()
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="3",
               PYTHONPATH=str(ROOT) + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else ""))
    cmd = [python_executable(), "-c", RASA_SEEDED, str(seed), "test", "nlu", "--nlu", str(LANGUAGES[lang]), "--config", str(config),
           "--cross-validation", "--folds", str(FOLDS), "--out", str(folder), "--no-plot"]
    print(f"[{lang}/{pipeline}] rasa {' '.join(cmd[4:])} (folds seeded {seed})", flush=True)
    start = time.monotonic()
    status = "ok"
    with open(folder / "rasa.log", "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            code = proc.wait(timeout=timeout)
            if code != 0:
                status = f"exit {code}"
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)  # only the group this script started
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            status = f"timeout after {timeout}s"
    seconds = round(time.monotonic() - start)
    if status == "ok" and find_report(folder) is None:
        status = "no intent_report.json"
    meta = {"lang": lang, "pipeline": pipeline, "config": str(config.relative_to(ROOT)),
            "nlu": str(LANGUAGES[lang].relative_to(ROOT)), "folds": FOLDS, "fold_seed": seed, "seconds": seconds, "status": status,
            "finished": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    (folder / "run.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"[{lang}/{pipeline}] {status} in {seconds}s (log: {folder / 'rasa.log'})", flush=True)
    return meta


def row(folder: Path):
    meta_file = folder / "run.json"
    if not meta_file.exists():
        return None
    meta = json.loads(meta_file.read_text())
    report_file = find_report(folder)
    if meta["status"] == "ok" and report_file:
        report = json.loads(report_file.read_text())
        macro = report["macro avg"]
        meta.update(f1=macro["f1-score"], accuracy=report["accuracy"], examples=int(macro["support"]),
                    intents=sum(1 for k, v in report.items() if isinstance(v, dict) and "support" in v
                                and k not in ("macro avg", "weighted avg", "micro avg")))
    return meta


def summary() -> str:
    rows = [r for r in (row(f.parent) for f in OUT.glob("*/run.json")) if r]
    order = {name: i for i, name in enumerate([*LANGUAGES, *PIPELINES])}
    rows.sort(key=lambda r: (order.get(r["lang"], 99), r.get("fold_seed", SEED), order.get(r["pipeline"], 99)))
    lines = [f"Intent classification, {FOLDS}-fold cross-validation, held-out folds "
             "(`python scripts/crossval.py`).", "",
             "| language | pipeline | config | fold seed | intent macro F1 | accuracy | examples | intents | run time | finished |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        if "f1" in r:
            figures = f"{r['f1']:.3f} | {r['accuracy']:.3f} | {r['examples']} | {r['intents']}"
        else:
            figures = f"{r['status']} | | | "
        lines.append(f"| {r['lang']} | {r['pipeline']} | `{r['config']}` | {r.get('fold_seed', SEED)} | {figures} | "
                     f"{r['seconds'] // 60}m{r['seconds'] % 60:02d}s | {r['finished']} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", metavar="LANG:PIPELINE",
                        help=f"languages {sorted(LANGUAGES)}, pipelines {sorted(PIPELINES)}")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per run (default 1200)")
    parser.add_argument("--seed", type=int, default=SEED,
                        help=f"seed for the fold split (default {SEED}; others are kept in <lang>-<pipeline>-seed<N>/)")
    parser.add_argument("--summary-only", action="store_true")
    args = parser.parse_args()

    if args.only:
        runs = [tuple(o.split(":", 1)) for o in args.only]
        for lang, pipeline in runs:
            if lang not in LANGUAGES or pipeline not in PIPELINES:
                parser.error(f"unknown run {lang}:{pipeline}")
    else:
        runs = [(lang, p) for p in PIPELINES for lang in LANGUAGES
                if PIPELINES[p].exists() and (lang, p) not in SKIP_BY_DEFAULT]
    failed = False
    if not args.summary_only:
        for lang, pipeline in runs:  # one at a time: the machine is shared
            failed |= run_one(lang, pipeline, args.timeout, args.seed)["status"] != "ok"
    table = summary()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "summary.md").write_text(table)
    print()
    print(table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
