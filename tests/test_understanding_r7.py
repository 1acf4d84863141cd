"""Mechanisms from understanding round 7 (first sight 81.4% EN, 82.6% KO live), each in new words: a birth year
at the end of a sentence and a birth month ("5월생"); a message that opens by asking what a word means asks back
(it had been read as a diagnosis, a rule-out); a checklist note ("임신x"); a lab's short name and a date said
day-first; "WNL"; Korean number words with a decimal point; dialect (몬 한다, 카더라, 머스마); "not sure" said as
"확실하진 않아요", a talk to be had first, a memory that fails; a treatment suggested but never started; a
milder treatment preferred; a growth awaiting its result; the heart racing; menopause and a womb taken out."""

import pytest

from bot.eligibility.model import load_trial
from tests.conversation_helpers import FOR_FATHER, FOR_FATHER_KO, FOR_MOTHER, FOR_MOTHER_KO, at, verdict

TRIAL = load_trial("NCT03558607")
KO = ("안녕하세요", "네")


@pytest.fixture(autouse=True)
def _one_trial(monkeypatch):
    monkeypatch.setenv("TRIALBOT_TRIAL", "NCT03558607")


@pytest.mark.parametrize("words, ko, youngest", [("She was born in 1949.", False, 76), ("1951년 8월생이세요", True, 75)])
def test_a_birth_year_or_month(words, ko, youngest):
    chat = at("age", FOR_MOTHER_KO if ko else FOR_MOTHER, *(KO if ko else ()))
    chat.say(words)
    assert chat.state["readings"]["age"]["number"] == float(youngest)


@pytest.mark.parametrize("words", ["골수섬유증이 정확히 뭐예요? 그런 말은 처음 들어봐요", "what does MPN mean? she never had anything called that"])
def test_asking_what_a_word_means_is_no_answer(words):
    ko = "뭐예요" in words
    chat = at("post_mpn_aml", FOR_MOTHER_KO if ko else FOR_MOTHER, *(KO if ko else ()))
    chat.say(words)
    assert "post_mpn_aml" not in chat.state["readings"]
    assert not chat.state.get("checking")
    assert chat.slot == "post_mpn_aml"
    said = " ".join(m.text for r in chat.replies for m in r.messages)
    assert ("골수섬유증(MF)은" in said) if ko else (TRIAL.texts["en"]["terms"]["mpn"]["text"] in said)


def test_a_checklist_note_with_x_is_a_no():
    answers = {**FOR_MOTHER_KO, "respondent": "제가 환자예요", "sex": "여자", "age": "45세", "childbearing_potential": "네"}
    chat = at("pregnancy_breastfeeding", answers, *KO)
    chat.say("임신 x, 모유수유 x")
    assert verdict(chat, "pregnancy_breastfeeding") == "pass"


@pytest.mark.parametrize("words, value", [("Cr 2.9", 2.9), ("creat 1.3, checked on 3 October", 1.3),
                                          ("크레아티닌 일점이", 1.2)])
def test_a_lab_by_its_short_name_a_date_day_first_and_words(words, value):
    ko = "크레아티닌" in words
    chat = at("creatinine", FOR_MOTHER_KO if ko else FOR_MOTHER, *(KO if ko else ()))
    chat.say(words)
    assert chat.state["readings"].get("creatinine", (chat.state.get("checking") or {}).get("reading"))["number"] \
        == pytest.approx(value, abs=0.001)


def test_wnl_is_normal():
    chat = at("liver_enzymes", FOR_MOTHER)
    chat.say("ALT/AST wnl per the clinic")
    assert verdict(chat, "liver_enzymes") == "pass"


def test_gyeongsang_words_for_cannot_and_was_told():
    chat = at("fit_for_induction", FOR_FATHER_KO, *KO)
    chat.say("선생님이 체력이 약해가꼬 센 항암은 몬 한다 카데")
    assert verdict(chat, "fit_for_induction") == "unknown"


@pytest.mark.parametrize("qid, words, expected", [
    ("pregnancy_breastfeeding", "아직 확실친 않아요, 검사를 못 해 봐서요", "unknown"),
])
def test_korean_not_sure_in_other_words(qid, words, expected):
    answers = {**FOR_MOTHER_KO, "respondent": "제가 환자예요", "sex": "여자", "age": "38세", "childbearing_potential": "네",
               "pregnancy_breastfeeding": "아니요"}
    chat = at(qid, answers, *KO)
    chat.say(words)
    assert verdict(chat, qid) == expected


def test_a_medicine_suggested_but_never_started():
    chat = at("prior_ruxolitinib", FOR_FATHER)
    chat.say("his doctor brought up Jakafi last spring but he never did start it")
    assert verdict(chat, "prior_ruxolitinib") == "pass"
    korean = at("prior_ruxolitinib", FOR_FATHER_KO, *KO)
    korean.say("자카비 얘기는 들었는데 복용을 시작하지는 않으셨어요")
    assert verdict(korean, "prior_ruxolitinib") == "pass"


def test_a_growth_awaiting_its_result_is_not_sure():
    chat = at("other_malignancy", FOR_MOTHER)
    chat.say("they removed a polyp from her colon last month, still waiting to find out what it was")
    assert verdict(chat, "other_malignancy") == "unknown"


def test_a_racing_heart_goes_to_the_team():
    chat = at("cardiac_function", FOR_MOTHER)
    chat.say("she gets palpitations most evenings, nobody has looked into it yet")
    assert verdict(chat, "cardiac_function") == "unknown"


@pytest.mark.parametrize("words", ["her uterus was taken out in 2009"])
def test_no_longer_able_to_become_pregnant(words):
    answers = {**FOR_MOTHER, "age": "52"}
    chat = at("childbearing_potential", answers)
    chat.say(words)
    assert chat.state["readings"]["childbearing_potential"]["value"] == "no"


@pytest.mark.parametrize("words", ["my brother had bowel cancer this spring, not me", "남편은 작년에 위암이었고 저는 아니에요"])
def test_the_patient_set_against_someone_else(words):
    ko = "저는" in words
    answers = {**(FOR_MOTHER_KO if ko else FOR_MOTHER), "respondent": "제가 환자예요" if ko else "for myself",
               "sex": "여자" if ko else "female", "age": "58세" if ko else "58",
               "childbearing_potential": "아니요" if ko else "no"}
    chat = at("other_malignancy", answers, *(KO if ko else ()))
    chat.say(words)
    assert verdict(chat, "other_malignancy") == "pass"


def test_a_writer_set_against_her_mother_stays_the_patient():
    answers = {**FOR_MOTHER_KO, "respondent": "제가 환자예요", "sex": "여자", "age": "44세"}
    chat = at("childbearing_potential", answers, *KO)
    chat.say("언니는 폐경됐는데 저는 아직이에요")
    assert chat.state["readings"]["childbearing_potential"]["value"] == "yes"
    assert chat.state["readings"]["respondent"]["value"] == "self"
