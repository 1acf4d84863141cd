"""Figures for a site of several trials (README, *Several trials*), in process:

1. the site as shipped (NCT03558607 and NCT05210907): for each site persona
   (tests/personas/site), the questions asked for both trials against the
   longer of the two trials alone for that person (goal: at most 1.3 times);
2. ten made-up trials (tests/fixtures/made_up_trials.py): the same ratio for
   200 made-up people (goal: at most 2 times);
3. twenty made-up trials: the time to read one answer and judge it against
   every trial, with the next question chosen (goal: 20 ms or less).

Usage: python scripts/sites_bench.py [--json FILE]"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.pop("TRIALBOT_TRIAL", None)  # the site as configured

from bot.eligibility.portfolio import Portfolio, Screening, single, site_portfolio  # noqa: E402
from bot.eligibility.reading import Reading  # noqa: E402
from bot.eligibility.session import read  # noqa: E402
from tests.fixtures.made_up_trials import (count_questions, made_up_people, made_up_site,  # noqa: E402
                                           ratio_to_longest_alone)

TODAY = date(2026, 12, 2)


def asked_for(site: Portfolio, answers: Dict[str, str]) -> Optional[int]:
    """Questions the chat asks a persona until the result; None when an answer is not read."""
    return count_questions(site, answers.get)


def shipped_site() -> dict:
    import yaml

    site, ratios, unread = site_portfolio(), [], 0
    for path in sorted((ROOT / "tests" / "personas" / "site").glob("*.yml")):
        for persona in yaml.safe_load(path.read_text(encoding="utf-8")):
            answers = {k: str(v) for k, v in persona["answers"].items()}
            both = asked_for(site, answers)
            alone = [asked_for(single(trial), {**answers, **_own_ids(site, trial.id, answers)})
                     for trial in site.screened]
            if both is None or None in alone:
                unread += 1
                continue
            ratios.append(both / max(a for a in alone if a is not None))
    return {"personas": len(ratios), "not_finished_in_process": unread, "ratio_mean": statistics.mean(ratios),
            "ratio_max": max(ratios)}


def _own_ids(site: Portfolio, trial_id: str, answers: Dict[str, str]) -> Dict[str, str]:
    """A persona's answers under one trial's own question ids (ecog -> performance_status)."""
    return {own: answers[concept] for concept, own in site.own[trial_id].items() if concept in answers}


def made_up(count: int, people: int) -> dict:
    site = made_up_site(count)
    ratios = sorted(ratio_to_longest_alone(site, p) for p in made_up_people(people, site))
    return {"trials": count, "people": people, "ratio_median": statistics.median(ratios),
            "ratio_mean": statistics.mean(ratios), "ratio_p90": ratios[len(ratios) * 9 // 10], "ratio_max": ratios[-1]}


def judging_time(count: int, people: int) -> dict:
    """Milliseconds to read one answer and judge the readings against every trial."""
    site = made_up_site(count)
    times: List[float] = []
    for person in made_up_people(people, site):
        readings: Dict[str, Reading] = {}
        concept = Screening(site, readings, TODAY).next_question()
        while concept is not None:
            start = time.perf_counter()
            reading = read(site.merged, concept, person.answer(concept), TODAY)
            readings[concept] = reading if isinstance(reading, Reading) else readings.get(concept)
            screening = Screening(site, readings, TODAY)
            _ = screening.outcomes
            concept = screening.next_question()
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"trials": count, "messages": len(times), "ms_median": statistics.median(times),
            "ms_p95": times[len(times) * 95 // 100], "ms_max": times[-1]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args()
    judging_time(20, 2)  # warms the readers
    figures = {"two_real_trials": shipped_site(), "ten_made_up": made_up(10, 200),
               "twenty_made_up_judging": judging_time(20, 60)}
    for name, values in figures.items():
        print(name + ": " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                                      for k, v in values.items()))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
