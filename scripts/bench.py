"""Prints how fast the core reads answers and evaluates a screening (figures
only; nothing here passes or fails). `make bench`."""
import statistics
import time
from datetime import date

from bot.screening import evaluate, understand
from bot.trial import load_trial

TODAY = date(2026, 11, 24)
SAMPLES = {
    "post_mpn_aml": "my mother has AML that came from her PV",
    "age": "born on March 3, 1958",
    "prior_ruxolitinib": "I took hydroxyurea, not Jakafi",
    "recent_chemo": "she stopped Hydrea 3 weeks ago",
    "ecog": "she can't work but looks after herself",
    "other_malignancy": "basal cell carcinoma last year, removed",
    "creatinine": "221 µmol/L",
    "liver_enzymes": "ALT 52, normal up to 40; AST 30, normal up to 35",
}
FULL = dict(SAMPLES, respondent="my mother", other_trial="no", fit_for_induction="no", cardiac_function="no",
            hepatic_renal_function="no", serious_conditions="no", childbearing_potential="past menopause")


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    trial = load_trial()
    start = time.perf_counter()
    understand(trial.question("post_mpn_aml"), "AML after PV", TODAY)  # loads the spaCy pipeline
    print(f"first answer (loads spaCy + ConText): {(time.perf_counter() - start) * 1000:8.1f} ms")
    print(f"{'answer read':<28}{'median ms':>10}{'max ms':>10}")
    for qid, text in SAMPLES.items():
        med, worst = timed(lambda: understand(trial.question(qid), text, TODAY), 50)
        print(f"{qid:<28}{med:>10.2f}{worst:>10.2f}")
    med, worst = timed(lambda: evaluate(trial, FULL, TODAY), 20)
    print(f"{'full evaluation (15 answers)':<28}{med:>10.2f}{worst:>10.2f}")
    med, worst = timed(lambda: understand(trial.question("age"), "x" * 1000, TODAY), 50)
    print(f"{'1,000-character answer':<28}{med:>10.2f}{worst:>10.2f}")


if __name__ == "__main__":
    main()
