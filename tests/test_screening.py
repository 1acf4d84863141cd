"""The evaluator: verdicts, outcome, which questions apply, the order, and
that asking stops at the first fail."""
from bot.rules import outcome, Verdict
from bot.screening import evaluate, next_question, question_text, remaining_questions
from tests.helpers import TODAY, TRIAL, read

ELIGIBLE_MAN = {
    "respondent": "for myself", "post_mpn_aml": "yes", "age": "64", "prior_ruxolitinib": "no", "recent_chemo": "no",
    "other_trial": "no", "ecog": "fully active", "fit_for_induction": "no", "other_malignancy": "no",
    "cardiac_function": "no", "hepatic_renal_function": "no", "serious_conditions": "no", "sex": "male",
    "male_barrier_contraception": "yes", "creatinine": "1.0 mg/dL", "liver_enzymes": "normal",
}


def test_likely_eligible():
    ev = evaluate(TRIAL, ELIGIBLE_MAN, TODAY)
    assert ev.outcome == "likely_eligible"
    assert ev.verdicts["pregnancy_breastfeeding"].verdict == "not_applicable"
    assert ev.verdicts["life_expectancy"].verdict == "deferred"
    assert set(ev.verdicts) == set(TRIAL.criterion_ids)


def test_any_fail_is_likely_ineligible():
    ev = evaluate(TRIAL, dict(ELIGIBLE_MAN, prior_ruxolitinib="yes, Jakafi"), TODAY)
    assert ev.outcome == "likely_ineligible"
    assert [v.criterion for v in ev.failed] == ["prior_ruxolitinib"]
    assert "Jakafi" in ev.verdicts["prior_ruxolitinib"].reason


def test_unknown_without_fail_needs_review():
    ev = evaluate(TRIAL, dict(ELIGIBLE_MAN, other_trial="not sure"), TODAY)
    assert ev.outcome == "needs_review"
    assert [v.criterion for v in ev.to_check] == ["other_trial"]


def test_deferred_and_not_applicable_never_change_the_outcome():
    assert outcome([Verdict("a", "pass", ""), Verdict("b", "deferred", ""), Verdict("c", "not_applicable", "")]) \
        == "likely_eligible"


def test_unanswered_criterion_that_applies_is_unknown_not_answered():
    ev = evaluate(TRIAL, {"post_mpn_aml": "yes"}, TODAY)
    assert ev.verdicts["age"].verdict == "unknown" and ev.verdicts["age"].reason == "not answered"
    assert ev.outcome == "needs_review"


def test_not_understood_answer_is_unknown_with_what_was_missing():
    ev = evaluate(TRIAL, dict(ELIGIBLE_MAN, age="banana"), TODAY)
    assert ev.verdicts["age"].verdict == "unknown" and "could not be read" in ev.verdicts["age"].reason


def test_knock_out_questions_come_first():
    order = remaining_questions(TRIAL, {}, TODAY)
    assert order[:7] == ["respondent", "post_mpn_aml", "age", "prior_ruxolitinib", "recent_chemo", "other_trial", "ecog"]
    assert "life_expectancy" not in order and "informed_consent" not in order


def test_asking_stops_after_the_first_fail():
    assert next_question(TRIAL, {"respondent": "me", "post_mpn_aml": "only PV"}, TODAY) is None
    assert next_question(TRIAL, {"respondent": "me", "post_mpn_aml": "yes"}, TODAY) == "age"


def test_reproductive_questions_follow_sex():
    men = remaining_questions(TRIAL, {"respondent": "me", "sex": "male"}, TODAY)
    assert "male_barrier_contraception" in men and "pregnancy_breastfeeding" not in men
    women = remaining_questions(TRIAL, {"respondent": "me", "sex": "female"}, TODAY)
    assert {"childbearing_potential", "pregnancy_breastfeeding", "childbearing_contraception"} <= set(women)
    after_menopause = remaining_questions(TRIAL, {"respondent": "me", "sex": "female",
                                                  "childbearing_potential": "past menopause"}, TODAY)
    assert "pregnancy_breastfeeding" not in after_menopause and "male_barrier_contraception" not in after_menopause


def test_my_mother_is_not_asked_her_sex():
    order = remaining_questions(TRIAL, {"respondent": "my mother"}, TODAY)
    assert "sex" not in order and "childbearing_potential" in order


def test_questions_are_worded_for_the_caregiver():
    q = TRIAL.question("prior_ruxolitinib")
    assert question_text(q, read("respondent", "my mother")).startswith("Has your mother ever taken ruxolitinib")
    assert question_text(q, read("respondent", "myself")).startswith("Have you ever taken ruxolitinib")
    assert question_text(TRIAL.question("age"), read("respondent", "for someone else")).startswith("How old is the patient")


def test_hedged_yes_never_fails():
    ev = evaluate(TRIAL, dict(ELIGIBLE_MAN, other_trial="I think so"), TODAY)
    assert ev.verdicts["other_trial"].verdict == "unknown"


def test_sex_not_given_leaves_reproductive_criteria_to_the_team():
    ev = evaluate(TRIAL, dict(ELIGIBLE_MAN, sex="prefer not to say", male_barrier_contraception=None), TODAY)
    assert ev.verdicts["male_barrier_contraception"].verdict == "unknown"
    assert ev.outcome == "needs_review"
