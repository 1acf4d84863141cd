"""The trial file: every criterion of the spec, the listing's text verbatim,
and a schema that names the criterion and field of a mistake."""
import re
from pathlib import Path

import pytest
import yaml

from bot.trial import TRIALS_DIR, TrialFileError, load_trial, parse_trial

SHARED = Path(__file__).resolve().parents[2] / "shared"
LISTING = SHARED / "trial" / "NCT03558607-listing.txt"
SPEC = SHARED / "spec" / "screening-rules.md"
# The contract of shared/spec/screening-rules.md, kept here too so the test
# still means something where shared/ is not beside the clone.
SPEC_IDS = {
    "post_mpn_aml", "ecog", "fit_for_induction", "age", "cardiac_function", "hepatic_renal_function",
    "creatinine", "liver_enzymes", "life_expectancy", "informed_consent", "childbearing_contraception",
    "male_barrier_contraception", "other_malignancy", "pregnancy_breastfeeding", "serious_conditions",
    "prior_ruxolitinib", "recent_chemo", "other_trial",
}
needs_shared = pytest.mark.skipif(not SPEC.exists(), reason="shared/ is not beside this clone")


def test_every_spec_criterion_is_in_the_trial_file():
    assert set(load_trial().criterion_ids) == SPEC_IDS


@needs_shared
def test_spec_ids_match_the_spec_document():
    # Rows of the criteria tables: an id, then the listing's text.
    criteria = SPEC.read_text(encoding="utf-8").split("## Criteria and their ids")[1].split("## Profile slots")[0]
    assert set(re.findall(r"^\| `([a-z_]+)` \|", criteria, flags=re.M)) == SPEC_IDS


@needs_shared
def test_listing_text_is_verbatim():
    lines = {line.strip() for line in LISTING.read_text(encoding="utf-8").splitlines()}
    for c in load_trial().criteria:
        assert c.listing in lines, c.id


def test_metadata():
    t = load_trial()
    assert (t.id, t.sponsor, str(t.end_date), str(t.updated)) == (
        "NCT03558607", "Seoul National University Hospital", "2024-08-31", "2022-03-04")


def test_only_life_expectancy_and_consent_are_never_asked():
    never = {c.id for c in load_trial().criteria if not c.asked}
    assert never == {"life_expectancy", "informed_consent"}


def test_every_asked_question_has_both_wordings_and_a_hint():
    for q in load_trial().criteria:
        if q.asked:
            assert "{patient}" in q.ask["proxy"] and q.ask["self"] and q.hint and q.example, q.id


@pytest.mark.parametrize("term", ["aml", "mpn", "ecog", "creatinine", "alt_ast", "ruxolitinib"])
def test_glossary_explains_the_medical_terms(term):
    assert len(load_trial().glossary[term].text) > 30


def _raw():
    return yaml.safe_load((TRIALS_DIR / "nct03558607.yml").read_text(encoding="utf-8"))


def _criterion(raw, cid):
    return next(c for c in raw["criteria"] if c["id"] == cid)


@pytest.mark.parametrize("breaks, message", [
    (lambda r: _criterion(r, "age").update(rule={"number": {"at_least": 18, "then": "pass", "else": "maybe"}}),
     "criterion 'age': field 'rule.number.else'"),
    (lambda r: _criterion(r, "ecog").pop("why"), "criterion 'ecog': field 'why'"),
    (lambda r: _criterion(r, "prior_ruxolitinib").update(answer="telepathy"), "criterion 'prior_ruxolitinib': field 'answer'"),
    (lambda r: _criterion(r, "creatinine").update(terms=["kidneyology"]), "criterion 'creatinine': field 'terms'"),
    (lambda r: _criterion(r, "other_trial").update(kind="maybe"), "criterion 'other_trial': field 'kind'"),
    (lambda r: _criterion(r, "recent_chemo").update(ask={"self": "When?"}), "criterion 'recent_chemo': field 'ask'"),
    (lambda r: r["criteria"].append(dict(_criterion(r, "age"))), "repeats the id age"),
    (lambda r: r.update(end_date="soon"), "field 'end_date'"),
])
def test_a_malformed_file_is_rejected_with_criterion_and_field(breaks, message):
    raw = _raw()
    breaks(raw)
    with pytest.raises(TrialFileError, match=re.escape(message)):
        parse_trial(raw)
