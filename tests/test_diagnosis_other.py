"""NCT03558607's diagnosis question ("AML that developed after an earlier
MPN?") when the answer names a different blood cancer, or denies any earlier
condition without naming one. Expected values are from the rule of
post_mpn_aml in trials/nct03558607/trial.yml and screening-rules.md:

- another specific blood cancer named as the diagnosis, with no AML (ALL, CLL,
  lymphoma, myeloma): `different`, a fail (it is not AML after an MPN);
- AML with any earlier condition denied ("nothing before it"): `target_only`,
  a fail; hedged ("I don't think ...") it is never a firm rule-out: unknown;
- AML with another disease only in its past, or a doubt between two names:
  never a fail (the chat asks again, or the team checks).

The answers are written for these tests (patients and relatives, both
languages), not taken from the site personas.
"""
import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.eligibility.check import check_folder
from bot.eligibility.model import load_folder
from bot.eligibility.reading import NoAnswer, Reading
from bot.eligibility.session import judge, read

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "trials" / "nct03558607"
TRIAL = load_folder(FOLDER)
TODAY = date(2026, 12, 2)
QID = "post_mpn_aml"
ASKED_AGAIN = "asked again"  # NoAnswer: which condition came before the AML?


def outcome(text: str):
    """(reading value, verdict), or ASKED_AGAIN."""
    result = read(TRIAL, QID, text, TODAY)
    if isinstance(result, NoAnswer):
        return ASKED_AGAIN
    assert isinstance(result, Reading)
    return result.value, judge(TRIAL.question(QID), result).verdict.value


# ------------------------------------------------------------------ a different disease named: a fail

DIFFERENT = [
    "My son has ALL, not AML",
    "I was diagnosed with CLL three years ago",
    "She has multiple myeloma",
    "Dad has non-Hodgkin lymphoma",
    "No. I have T-ALL.",
    "제 딸은 급성 림프모구 백혈병이에요",
    "아니요, 저는 만성림프구성백혈병(CLL) 진단받았어요",
    "아버지는 다발성 골수종이세요",
    "남편이 악성 림프종이에요",
    "T-ALL이래요",
]


@pytest.mark.parametrize("text", DIFFERENT)
def test_another_blood_cancer_named_is_a_different_disease(text):
    assert outcome(text) == ("different", "fail")


def test_the_name_of_a_different_leukaemia_is_not_a_vague_leukaemia():
    """백혈병 inside 급성림프모구백혈병 is part of the name, not "some leukaemia" for the team to check."""
    result = read(TRIAL, QID, "우리 애는 급성림프모구백혈병이에요", TODAY)
    assert isinstance(result, Reading)
    assert (result.value, result.evidence) == ("different", "급성림프모구백혈병")


def test_the_word_all_in_lower_case_is_not_a_leukaemia():
    assert outcome("we all hope it's treatable, she has AML after ET") == ("confirmed", "pass")
    assert outcome("NO, NOT AT ALL") == ("none", "fail")  # capitals typed everywhere: "ALL" is a word there


def test_a_different_disease_named_with_doubt_is_never_a_fail():
    assert outcome("I think it's ALL") == ("different", "unknown")
    assert outcome("Not sure, the doctor said ALL or maybe AML")[1] != "fail"
    assert outcome("ALL 같대요") in (ASKED_AGAIN, ("unconfirmed", "unknown"))


# ------------------------------------------------------------------ AML, and another disease only in its past

NOT_A_FAIL = [
    "It's AML now; she had ALL as a teenager",
    "They first thought it was ALL, but the marrow showed AML",
    "He has AML. I don't know if he had anything before",
    "AML, and before that she had a blood condition, I can't remember its name",
    "지금은 급성골수성백혈병인데 어릴 때 ALL을 앓았어요",
    "처음엔 급성림프구성백혈병이라고 했는데 검사해 보니 급성골수성백혈병이래요",
    "AML이에요. 그 전에 무슨 병이 있었는지는 잘 모르겠어요",
    "3년 전에 AML 진단받았어요",  # 3년 전: when, not "nothing before"
]


@pytest.mark.parametrize("text", NOT_A_FAIL)
def test_aml_with_another_disease_in_its_past_is_asked_again(text):
    """AML is named; what came before it is not (or not surely): the chat asks which condition came before."""
    assert outcome(text) == ASKED_AGAIN


# ------------------------------------------------------------------ AML with any earlier condition denied

TARGET_ONLY = [
    "My wife has AML. There was no blood disease before it.",
    "I have AML and I never had any other illness before",
    "AML in October; before that he was healthy",
    "엄마가 급성골수성백혈병 진단을 받으셨어요. 그 전에는 아무 병도 없으셨어요",
    "저는 AML이고요, 예전에 혈액 질환을 앓은 적은 없어요",
    "아빠는 AML 진단받기 전엔 건강하셨어요",
]


@pytest.mark.parametrize("text", TARGET_ONLY)
def test_aml_with_nothing_before_it_is_aml_without_an_mpn(text):
    assert outcome(text) == ("target_only", "fail")


@pytest.mark.parametrize("text", [
    "Mum has AML, I don't think she had any blood disorder before",
    "급성골수성백혈병이에요. 그 전에 다른 혈액 질환은 없었던 것 같아요",
])
def test_a_hedged_nothing_before_is_never_a_firm_rule_out(text):
    result = read(TRIAL, QID, text, TODAY)
    assert isinstance(result, Reading) and result.hedged
    assert outcome(text) == ("target_only", "unknown")


def test_nothing_before_then_a_correction_reads_the_correction():
    """"nothing before ... wait, she had ET": the words after the correction answer."""
    assert outcome("AML, nothing before it. Sorry, she had ET for years") == ("confirmed", "pass")


# ------------------------------------------------------------------ the trial folder's schema


def test_different_must_name_vocabulary_ids(tmp_path):
    folder = tmp_path / "trial"
    shutil.copytree(FOLDER, folder)
    trial_yml = folder / "trial.yml"
    text = trial_yml.read_text(encoding="utf-8")
    assert "different: [all, cll, lymphoma, myeloma]" in text
    trial_yml.write_text(text.replace("different: [all, cll, lymphoma, myeloma]", "different: [all, kml]"),
                         encoding="utf-8")
    report = check_folder(folder, TODAY)
    assert f"{folder / 'trial.yml'}: question 'post_mpn_aml': params.different 'kml' is not an id of vocabulary.yml" \
        in report.errors


def test_the_shipped_folder_declares_what_different_reads():
    q = TRIAL.question(QID)
    assert q.params["different"] == ["all", "cll", "lymphoma", "myeloma"]
    assert q.rule.map["different"].value == "fail"
    for lang in ("en", "ko"):
        assert TRIAL.text(lang, QID, "read")["different"]
        assert TRIAL.text(lang, QID, "reasons")["different"]
