"""Mechanisms from understanding round 6 (first sight 86.3% EN, 82.8% KO live), each in new words: a date is
when a test was done, never its result; giving in after a no ("nah, ok fine") and taking an answer back at the
start of a clause ("아니다") correct it; a change of illness that is only thought, or may have happened, is
not confirmed; a test whose result is not known yet is not sure; a body part said to work well is a no to a
question about its trouble; a commitment is agreed to with agreement words or said as already done; a
doctor's word that the patient can take the treatment; Korean ages in words before 다/야, and the age in
full years (만) beside the counted one (한국 나이)."""

import pytest

from tests.conversation_helpers import FOR_FATHER, FOR_FATHER_KO, FOR_MOTHER, FOR_MOTHER_KO, at, verdict



@pytest.fixture(autouse=True)
def _one_trial(monkeypatch):
    monkeypatch.setenv("TRIALBOT_TRIAL", "NCT03558607")


def test_a_date_beside_a_lab_result_is_when_it_was_taken():
    chat = at("creatinine", FOR_MOTHER_KO, "안녕하세요", "네")
    chat.say("지난달 28일에 잰 크레아티닌이 1.4였어요")
    assert chat.state["readings"]["creatinine"]["number"] == 1.4
    assert verdict(chat, "creatinine") == "pass"
    english = at("creatinine", FOR_MOTHER)
    english.say("her creatinine on the 2nd of november was 0.8")
    assert english.state["readings"]["creatinine"]["number"] == 0.8


def test_giving_in_after_a_no_is_the_answer():
    chat = at("male_barrier_contraception", FOR_FATHER)
    chat.say("nope. ok fine, yes")
    assert verdict(chat, "male_barrier_contraception") == "pass"


def test_taking_a_no_back_at_the_start_of_a_clause():
    chat = at("recent_chemo", FOR_MOTHER_KO, "안녕하세요", "네")
    chat.say("없어요. 아니다 하이드린 이틀에 한 번 드시는데 그저께도 드셨어요")
    assert verdict(chat, "recent_chemo") == "unknown"


@pytest.mark.parametrize("words", ["the doctors think her ET has turned into AML, more tests next week",
                                   "her polycythemia might have turned into AML"])
def test_a_change_of_illness_only_thought_is_not_confirmed(words):
    chat = at("post_mpn_aml", FOR_MOTHER)
    chat.say(words)
    assert verdict(chat, "post_mpn_aml") == "unknown"


def test_a_test_without_its_result_is_not_sure():
    chat = at("other_malignancy", FOR_MOTHER)
    chat.say("they took a sample from a spot on her lung and we're still waiting for the results")
    assert verdict(chat, "other_malignancy") == "unknown"
    korean = at("other_malignancy", FOR_MOTHER_KO, "안녕하세요", "네")
    korean.say("유방에 멍울이 있어서 조직검사 하셨는데 결과는 아직 못 들었어요")
    assert verdict(korean, "other_malignancy") == "unknown"


def test_organs_said_to_work_well():
    chat = at("hepatic_renal_function", FOR_MOTHER)
    chat.say("her kidneys and liver are doing just fine according to the nurse")
    assert verdict(chat, "hepatic_renal_function") == "pass"
    korean = at("hepatic_renal_function", FOR_MOTHER_KO, "안녕하세요", "네")
    korean.say("콩팥이랑 간은 잘 작동한대요")
    assert verdict(korean, "hepatic_renal_function") == "pass"


@pytest.mark.parametrize("words", ["딴 건 없지 ㅇㅇ", "그런 거 없다 아이가"])
def test_casual_korean_no_to_other_illnesses(words):
    chat = at("serious_conditions", FOR_MOTHER_KO, "안녕하세요", "네")
    chat.say(words)
    assert verdict(chat, "serious_conditions") == "pass"


@pytest.mark.parametrize("words", ["오케이, 가능하대요", "이미 피임약 먹고 있어요", "그건 어렵지 않대요"])
def test_a_commitment_agreed_or_already_kept(words):
    answers = {**FOR_MOTHER_KO, "childbearing_potential": "네", "pregnancy_breastfeeding": "아니요"}
    chat = at("childbearing_contraception", answers, "안녕하세요", "네")
    chat.say(words)
    assert verdict(chat, "childbearing_contraception") == "pass"


def test_agreement_words_answer_a_commitment_in_english():
    chat = at("male_barrier_contraception", FOR_FATHER)
    chat.say("sure, fine by him")
    assert verdict(chat, "male_barrier_contraception") == "pass"


@pytest.mark.parametrize("words", ["the oncologist said he's fine for the strong chemo",
                                   "his doctor said he could have the full induction"])
def test_a_doctor_saying_the_patient_can_take_it(words):
    chat = at("fit_for_induction", FOR_FATHER)
    chat.say(words)
    assert verdict(chat, "fit_for_induction") == "deferred"


@pytest.mark.parametrize("words, age", [("엄마는 일흔하나다", 71), ("세는 나이로 쉰, 만으로는 마흔여덟이에요", 48),
                                        ("여든하나시고요, 다른 건 나중에 말씀드릴게요", 81)])
def test_korean_ages_in_words(words, age):
    chat = at("age", FOR_MOTHER_KO, "안녕하세요", "네")
    chat.say(words)
    assert chat.state["readings"]["age"]["number"] == float(age)


@pytest.mark.parametrize("words", ["남편이 없어서 저한테는 해당 사항이 없어요", "doesn't apply, she's single"])
def test_not_applicable_is_never_a_refusal(words):
    answers = {**(FOR_MOTHER_KO if "해당" in words else FOR_MOTHER), "childbearing_potential": "네",
               "pregnancy_breastfeeding": "아니요" if "해당" in words else "no"}
    chat = at("childbearing_contraception", answers, *(("안녕하세요", "네") if "해당" in words else ()))
    chat.say(words)
    assert verdict(chat, "childbearing_contraception") != "fail"


def test_a_lab_name_with_a_korean_particle_typed_onto_it():
    chat = at("liver_enzymes", FOR_MOTHER_KO, "안녕하세요", "네")
    chat.say("ALT가 95였고 정상 상한이 40이래요")
    assert chat.state["checking"]["qid"] == "liver_enzymes"  # a rule-out (2.4 x ULN), said back first


@pytest.mark.parametrize("words, verdict_", [("a bit elevated, nothing more specific", "unknown"),
                                             ("the doctor said nothing to worry about with her liver", "pass")])
def test_words_about_the_result_beside_a_no_word(words, verdict_):
    chat = at("liver_enzymes", FOR_MOTHER)
    chat.say(words)
    assert verdict(chat, "liver_enzymes") == verdict_


@pytest.mark.parametrize("words", ["besides the AML she's in decent health", "백혈병 말고는 다 건강하세요"])
def test_otherwise_well_is_no_other_illness(words):
    ko = "건강" in words
    chat = at("serious_conditions", FOR_MOTHER_KO if ko else FOR_MOTHER, *(("안녕하세요", "네") if ko else ()))
    chat.say(words)
    assert verdict(chat, "serious_conditions") == "pass"


def test_a_number_word_one_letter_off_beside_another():
    chat = at("age", FOR_MOTHER)
    chat.say("seventy thre")
    assert chat.state["readings"]["age"]["number"] == 73.0


def test_a_skin_cancer_of_the_excepted_kind_said_apart():
    chat = at("other_malignancy", FOR_MOTHER)
    chat.say("a small skin cancer was removed from her nose in June, the doctor said basal cell")
    assert verdict(chat, "other_malignancy") == "pass"


@pytest.mark.parametrize("words", ["she had pneumonia in september but it has healed", "폐렴 있었는데 다 나으셨어요"])
def test_the_one_condition_named_is_over(words):
    ko = "나으셨" in words
    chat = at("serious_conditions", FOR_MOTHER_KO if ko else FOR_MOTHER, *(("안녕하세요", "네") if ko else ()))
    chat.say(words)
    assert verdict(chat, "serious_conditions") == "pass"


def test_an_illness_that_is_over_beside_one_that_is_not():
    chat = at("serious_conditions", FOR_MOTHER)
    chat.say("her pneumonia has cleared up but she still has diabetes")
    assert verdict(chat, "serious_conditions") == "unknown"


@pytest.mark.parametrize("words", ["the haematologist mentioned a gentler treatment might suit him better",
                                   "교수님이 저강도 치료도 생각해 보자고 하셨어요"])
def test_a_milder_treatment_mentioned_goes_to_the_team(words):
    ko = "교수님" in words
    chat = at("fit_for_induction", FOR_FATHER_KO if ko else FOR_FATHER, *(("안녕하세요", "네") if ko else ()))
    chat.say(words)
    assert verdict(chat, "fit_for_induction") == "unknown"


def test_a_korean_illness_then_none_typed_together():
    chat = at("serious_conditions", FOR_MOTHER_KO, "안녕하세요", "네")
    chat.say("다른병없음")
    assert verdict(chat, "serious_conditions") == "pass"
