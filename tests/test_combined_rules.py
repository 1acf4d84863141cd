"""Rules that combine, through the real readers and rules of a made-up trial
(tests/fixtures/trials/demo-0002): three-band ranges, any one of several
results, all of a pair, a limit per sex, BMI computed from height and weight,
a unit with an offset, a window in the future, an exception, a dipstick grade.
Expected verdicts come from the fixture's listing, not from the program."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Dict, Optional

import pytest

from bot.eligibility.check import check_folder
from bot.eligibility.model import TrialFileError, Verdict, load_folder
from bot.eligibility.reading import NoAnswer, Reading
from bot.eligibility.session import Session, judge, read

FOLDER = Path(__file__).parent / "fixtures" / "trials" / "demo-0002"
TRIAL = load_folder(FOLDER)
TODAY = date(2026, 3, 10)


def verdict(qid: str, text: str) -> Optional[str]:
    """The verdict one message gives at one question alone; None when it is not read as an answer."""
    result = read(TRIAL, qid, text, TODAY)
    if isinstance(result, NoAnswer):
        return None
    return judge(TRIAL.question(qid), result).verdict.value


def screening(answers: Dict[str, str]) -> Session:
    return Session.from_texts(TRIAL, answers, TODAY)


def test_the_fixture_passes_trial_check():
    report = check_folder(FOLDER, TODAY)
    assert report.ok, "\n".join(report.errors)


@pytest.mark.parametrize("text, expected", [
    # HbA1c 5.7-6.4 % is in range; below is for the team to check; 6.5 or more is the diabetes range.
    ("HbA1c 6.1%", "pass"),
    ("HbA1c 5.4%", "unknown"),
    ("당화혈색소 6.0이에요", "pass"),
    # 42 mmol/mol is 0.0915 x 42 + 2.15 = 5.99 %: in range (the offset counts, not only the factor).
    ("my a1c was 42 mmol/mol", "pass"),
    # Any one result in range is enough, whichever it is and however many are given.
    ("A1c 5.5, fasting glucose 110 mg/dL", "pass"),
    ("공복혈당은 7.2 mmol/L이고 당부하검사는 150이었어요", "pass"),
    ("2-hour glucose 160 mg/dL", "pass"),
    # One result out of range, the others not given: they might still be in range.
    ("HbA1c 6.8%", "unknown"),
    ("공복혈당 130, 당화혈색소 6.8%", "unknown"),
    # All three out of range (the diabetes range): not this study.
    ("A1c 6.7%, fasting 130 mg/dL and a tolerance test of 210", "fail"),
    ("I don't know", "deferred"),
    ("잘 몰라요", "deferred"),
])
def test_any_one_of_three_blood_sugar_results_in_its_band(text, expected):
    assert verdict("glucose", text) == expected


@pytest.mark.parametrize("text", ["HbA1c 6.1% and 8.2%", "fasting glucose 110, my son is 12"])
def test_two_numbers_for_one_value_or_an_unrelated_number_are_asked_again(text):
    assert verdict("glucose", text) is None


@pytest.mark.parametrize("text, systolic, diastolic, expected", [
    ("150/95", 150, 95, "pass"),
    ("165 over 90 mmHg", 165, 90, "fail"),
    ("systolic 150, diastolic 105", 150, 105, "fail"),
    ("혈압 150에 95예요", 150, 95, "pass"),
    ("수축기 170 이완기 95", 170, 95, "fail"),
    ("이완기 100, 수축기 130", 130, 100, "fail"),
])
def test_blood_pressure_is_read_as_a_pair_each_with_its_own_limit(text, systolic, diastolic, expected):
    result = read(TRIAL, "blood_pressure", text, TODAY)
    assert isinstance(result, Reading)
    assert result.extra["values"] == {"systolic": systolic, "diastolic": diastolic}
    assert judge(TRIAL.question("blood_pressure"), result).verdict.value == expected


def test_a_pair_with_an_unrelated_number_is_asked_again():
    assert verdict("blood_pressure", "150/95 and my pulse was 80") is None


@pytest.mark.parametrize("text, bmi", [
    ("168 cm, 72 kg", 25.51),
    ("height 1.6 m and weight 50 kg", 19.53),
    ("I weigh 90 kg and I'm 175 cm tall", 29.39),
    ("키 160에 몸무게 65킬로예요", 25.39),
    ("몸무게 80킬로, 키 170센티", 27.68),
])
def test_bmi_is_computed_from_height_and_weight_in_either_order(text, bmi):
    result = read(TRIAL, "bmi", text, TODAY)
    assert isinstance(result, Reading) and result.number == pytest.approx(bmi, abs=0.01)


@pytest.mark.parametrize("text, why", [
    ("I'm 45 and 72 kg", "a number not tied to what is asked"),  # an age is no height
    ("168, 72", "a number not tied to what is asked"),  # which is which is not said
    ("height 16 cm, weight 72 kg", "not a real height"),
    ("170 cm, 7 kg", "not a real weight"),
    ("키 16센티, 몸무게 70킬로", "not a real height"),
])
def test_impossible_or_unrelated_bmi_inputs_are_refused(text, why):
    result = read(TRIAL, "bmi", text, TODAY)
    assert isinstance(result, NoAnswer) and result.why == why


def test_height_alone_is_part_of_an_answer_the_chat_completes():
    result = read(TRIAL, "bmi", "168 cm", TODAY)
    assert isinstance(result, NoAnswer) and result.partial


@pytest.mark.parametrize("answers, expected", [
    # BMI 25.5 is in 25-35: the waist does not matter.
    ({"sex": "male", "bmi": "168 cm, 72 kg", "waist": "80 cm"}, "pass"),
    # BMI 22.0 is below; a waist of 88 cm is enough for a woman (85), not for a man (90).
    ({"sex": "female", "bmi": "키 160에 몸무게 56킬로예요", "waist": "허리둘레 88센티예요"}, "pass"),
    ({"sex": "male", "bmi": "160 cm, 56 kg", "waist": "waist 88 cm"}, "fail"),
    # The sex from "my father" picks the man's limit.
    ({"respondent": "for my father", "bmi": "160 cm, 56 kg", "waist": "waist 88 cm"}, "fail"),
    # BMI below, the waist not given yet: nothing is settled.
    ({"sex": "male", "bmi": "160 cm, 56 kg"}, "unknown"),
    # BMI below and the sex not known: 88 cm passes a woman's limit and fails a man's.
    ({"bmi": "160 cm, 56 kg", "waist": "88 cm"}, "unknown"),
    ({}, "unknown"),
])
def test_body_size_is_any_of_two_questions_with_a_waist_limit_per_sex(answers, expected):
    assert screening(answers).verdict("body_size").verdict.value == expected


@pytest.mark.parametrize("answers, expected, reason_key", [
    ({"sex": "male", "creatinine": "1.2 mg/dL"}, "pass", "pass"),
    ({"sex": "female", "creatinine": "1.2 mg/dL"}, "fail", "fail"),
    ({"sex": "여자예요", "creatinine": "크레아티닌 1.2"}, "fail", "fail"),
    ({"sex": "남자예요", "creatinine": "크레아티닌 1.2"}, "pass", "pass"),
    # Before the sex is known, 1.2 fits one limit and not the other; 0.9 and 1.5 fit or fail both.
    ({"creatinine": "1.2 mg/dL"}, "unknown", "depends"),
    ({"creatinine": "creatinine 0.9"}, "pass", "pass"),
    ({"creatinine": "크레아티닌 1.5예요"}, "fail", "fail"),
])
def test_creatinine_limit_is_chosen_by_the_sex_answer(answers, expected, reason_key):
    j = screening(answers).verdict("creatinine")
    assert (j.verdict.value, j.reason_key) == (expected, reason_key)


@pytest.mark.parametrize("text", ["urine protein 2+", "소변 단백 2+"])
def test_a_dipstick_grade_is_never_read_as_creatinine(text):
    assert verdict("creatinine", text) is None


@pytest.mark.parametrize("text, grade, expected", [
    ("urine protein 2+", 2, "fail"),
    ("protein ++", 2, "fail"),
    ("trace", 0.5, "pass"),
    ("1+", 1, "pass"),
    ("단백뇨 음성이에요", 0, "pass"),
    ("소변 단백 3+", 3, "fail"),
])
def test_urine_protein_is_read_on_the_dipstick_scale(text, grade, expected):
    result = read(TRIAL, "urine_protein", text, TODAY)
    assert isinstance(result, Reading) and result.number == grade
    assert judge(TRIAL.question("urine_protein"), result).verdict.value == expected


@pytest.mark.parametrize("text, expected", [
    ("no", "pass"),
    ("I'm having an operation next month", "fail"),
    ("surgery on 2026-05-02", "fail"),
    ("다음 달에 수술 예정이에요", "fail"),
    ("다음 주에 수술 받아요", "fail"),
    # Said on 10 March 2026: the coming January is ten months away.
    ("I'm having an operation in January", "pass"),
    ("surgery in 6 months", "pass"),
    ("수술 계획 없어요", "pass"),
])
def test_a_planned_surgery_is_read_in_the_window_ahead(text, expected):
    assert verdict("surgery_planned", text) == expected


def test_a_past_surgery_does_not_answer_a_question_about_a_planned_one():
    assert verdict("surgery_planned", "I had surgery last year") is None


@pytest.mark.parametrize("text", ["I'm having an operation for colon cancer in January",
                                  "다음 달에 암 수술 예정이에요", "colon cancer, surgery in 3 months"])
def test_a_future_date_at_a_past_window_question_is_refused(text):
    demo = load_folder(Path(__file__).parent / "fixtures" / "trials" / "demo-0001")
    result = read(demo, "recent_cancer", text, TODAY)
    assert isinstance(result, NoAnswer) and result.hint_key == "impossible"


@pytest.mark.parametrize("text, reads, expected", [
    ("only when I was pregnant", "during_pregnancy_only", "pass"),
    ("I had diabetes when I was pregnant", "during_pregnancy_only", "pass"),
    ("gestational diabetes", "during_pregnancy_only", "pass"),
    ("diabetes when I was pregnant and again now", "yes", "fail"),
    ("I still have diabetes since my pregnancy", "yes", "fail"),
    ("no, not even when pregnant", "no", "pass"),
    ("임신했을 때만 당뇨가 있었어요", "during_pregnancy_only", "pass"),
    ("임신성 당뇨였어요", "during_pregnancy_only", "pass"),
    ("임신 때 당뇨였고 지금도 있어요", "yes", "fail"),
    ("네, 당뇨 있어요", "yes", "fail"),
])
def test_diabetes_except_during_pregnancy(text, reads, expected):
    result = read(TRIAL, "diabetes", text, TODAY)
    assert isinstance(result, Reading) and result.value == reads
    assert judge(TRIAL.question("diabetes"), result).verdict.value == expected


def test_a_whole_screening_combines_into_one_outcome():
    session = screening({"respondent": "for myself", "sex": "여자예요", "age": "52세예요",
                         "glucose": "당화혈색소 6.0이에요", "blood_pressure": "혈압 130에 85",
                         "diabetes": "임신했을 때만 당뇨가 있었어요", "surgery_planned": "아니요",
                         "urine_protein": "음성이에요", "bmi": "키 160에 몸무게 65킬로예요",
                         "waist": "허리둘레 80센티", "creatinine": "크레아티닌 0.8"})
    assert {q: j.verdict for q, j in session.verdicts.items()} == {q: Verdict.PASS for q in TRIAL.criterion_ids}
    assert session.outcome.value == "likely_eligible"


# ---------------------------------------------------------------- the loader names file, question and key

def _broken(tmp_path: Path, old: str, new: str) -> str:
    folder = tmp_path / "trial"
    folder.mkdir()
    for f in FOLDER.iterdir():
        text = f.read_text(encoding="utf-8")
        (folder / f.name).write_text(text.replace(old, new) if f.name == "trial.yml" else text, encoding="utf-8")
    assert old in (FOLDER / "trial.yml").read_text(encoding="utf-8")
    with pytest.raises(TrialFileError) as caught:
        load_folder(folder)
    return str(caught.value)


@pytest.mark.parametrize("old, new, message", [
    ("{below: 5.7, then: unknown}", "{belw: 5.7, then: unknown}",
     "question 'glucose': unknown key 'belw' in rule.any_of[0].bands[0]"),
    ("{below: 100, then: unknown}, {below: 126", "{below: 130, then: unknown}, {below: 126",
     "question 'glucose': field 'rule.any_of[1].bands[1]' must be above the band before it"),
    ("by: sex, then: pass, else: fail}\n      map: {normal", "by: gender, then: pass, else: fail}\n      map: {normal",
     "question 'creatinine': field 'rule' names 'gender', which is not a question"),
    ("- {value: systolic,", "- {value: sistolic,",
     "question 'blood_pressure': field 'rule' names the value 'sistolic', which its reader does not read (it reads: "
     "diastolic, systolic)"),
    ("compute: {of:", "compute: {fom:", "question 'bmi': unknown key 'fom' in params.compute"),
    ("bare_range: [120, 220]", "bare_range: 120", "question 'bmi': params.values.height.bare_range must be [low, high]"),
    ("window: future", "window: ahead", "question 'surgery_planned': params.window must be past or future"),
    ("reads: during_pregnancy_only", "read: during_pregnancy_only", "question 'diabetes': unknown key 'read' in exception"),
    ("{at_least: {male: 90, female: 85}", "{at_least: {male: 90, female: big}",
     "question 'body_size': field 'rule.any_of[1].number.at_least.female' needs one of"),
])
def test_a_malformed_combined_rule_names_file_question_and_key(tmp_path, old, new, message):
    error = _broken(tmp_path, old, new)
    assert "trial.yml" in error and message in error, error
