"""Every reader, table-driven, through the public API: `read()` then `judge()`.

Each row is (question id, what the person typed, what must come of it):
- a verdict ("pass", "fail", "unknown", "deferred") for criteria, or
- NO: the message does not answer the question (a NoAnswer; the bot asks again).

Profile questions (respondent, sex, childbearing_potential) have no verdict;
their rows give the reading's value and, for relations, the patient's
relation and sex.

Rows where the reader is wrong today keep the correct expectation and are
marked `bug("reader: ...")` (xfail, strict): when the reader is fixed the
mark must go. A wrong "fail" rules out a sick person on words they never
said; a wrong "pass" tells them they qualify when they may not.
"""
from datetime import date

import pytest

from bot.eligibility.model import Verdict, load_trial
from bot.eligibility.reading import NoAnswer, Reading
from bot.eligibility.session import judge, read, reason, Session

TODAY = date(2026, 11, 25)
TRIAL = load_trial()
NO = "no-answer"  # the message is not an answer: NoAnswer
NOT_FAIL = "not-fail"  # either NoAnswer (asked again) or any verdict but fail: never a knock-out


def bug(*values, reason):
    """A row the reader gets wrong today; the expectation is the correct one."""
    return pytest.param(*values, marks=pytest.mark.xfail(reason=reason, strict=True))


def _ids(rows):
    out = []
    for row in rows:
        values = row.values if hasattr(row, "values") else row
        out.append(f"{values[0]}|{values[1][:40]}")
    return out


def outcome_of(qid, text):
    """'pass'/'fail'/... for a criterion, or NO for a NoAnswer."""
    result = read(TRIAL, qid, text, TODAY)
    if isinstance(result, NoAnswer):
        return NO
    assert isinstance(result, Reading)
    return judge(TRIAL.question(qid), result).verdict.value


# ------------------------------------------------------------------ other_trial: "are you in another study right now?"

OTHER_TRIAL = [
    ("other_trial", "no", "pass"),
    ("other_trial", "No", "pass"),
    ("other_trial", "nope", "pass"),
    ("other_trial", "nah", "pass"),
    ("other_trial", "not at the moment", "pass"),
    ("other_trial", "not currently", "pass"),
    ("other_trial", "not right now", "pass"),
    ("other_trial", "no, not now", "pass"),
    ("other_trial", "of course not", "pass"),
    ("other_trial", "she's not in any study", "pass"),
    ("other_trial", "not in any trial", "pass"),
    ("other_trial", "I'm not in one", "pass"),
    ("other_trial", "not that I know of", "pass"),
    ("other_trial", "I was in a study in 2019 but it ended", "pass"),
    ("other_trial", "she was in a study in 2019 but it ended", "pass"),
    ("other_trial", "he was in a trial last year, it finished", "pass"),
    ("other_trial", "yes", "fail"),
    ("other_trial", "yep", "fail"),
    ("other_trial", "yes, a trial at Asan", "fail"),
    ("other_trial", "she's in a trial for a new drug right now", "fail"),
    ("other_trial", "I think so", "unknown"),  # hedged yes: never a fail
    ("other_trial", "I guess so", "unknown"),
    ("other_trial", "probably", "unknown"),
    ("other_trial", "I think she's in a trial", "unknown"),
    ("other_trial", "not sure", "unknown"),
    ("other_trial", "dunno", "unknown"),
    ("other_trial", "my dog is called Max", NO),
    ("other_trial", "she has diabetes", NO),
    ("other_trial", "my son is getting married", NO),
    ("other_trial", "my daughter is getting married", NO),
    ("other_trial", "what kind of study?", NO),
    ("other_trial", "why do you ask?", NO),
    ("other_trial", "is that a problem?", NO),
    # Korean
    ("other_trial", "네", "fail"),
    ("other_trial", "예", "fail"),
    ("other_trial", "응", "fail"),
    ("other_trial", "맞아요", "fail"),
    ("other_trial", "그렇습니다", "fail"),
    ("other_trial", "아니요", "pass"),
    ("other_trial", "아뇨", "pass"),
    ("other_trial", "아니에요", "pass"),
    ("other_trial", "없어요", "pass"),
    ("other_trial", "안 했어요", "pass"),
    ("other_trial", "참여한 적 없어요", "pass"),
    ("other_trial", "모르겠어요", "unknown"),
    ("other_trial", "잘 모르겠어요", "unknown"),
    ("other_trial", "기억이 안 나요", "unknown"),
    ("other_trial", "예전에 임상 했는데 끝났어요", "pass"),
    ("other_trial", "임상시험 참여 중이에요", "fail"),
]

# ------------------------------------------------------------------ prior_ruxolitinib

PRIOR_RUX = [
    ("prior_ruxolitinib", "no", "pass"),
    ("prior_ruxolitinib", "No, never", "pass"),
    ("prior_ruxolitinib", "she never took it", "pass"),
    ("prior_ruxolitinib", "she's never had it", "pass"),
    ("prior_ruxolitinib", "only hydroxyurea", "pass"),
    ("prior_ruxolitinib", "only hydrea", "pass"),
    ("prior_ruxolitinib", "nope, only hydrea", "pass"),
    ("prior_ruxolitinib", "I took hydroxyurea, not Jakafi", "pass"),
    ("prior_ruxolitinib", "I'm on Jakafi", "fail"),
    ("prior_ruxolitinib", "Yes, Jakafi for two years", "fail"),
    ("prior_ruxolitinib", "jakafi in 2021 for her myelofibrosis", "fail"),
    ("prior_ruxolitinib", "she took ruxolitinib for her MF", "fail"),
    ("prior_ruxolitinib", "yes", "fail"),
    ("prior_ruxolitinib", "yep", "fail"),
    ("prior_ruxolitinib", "I'm not sure", "unknown"),
    ("prior_ruxolitinib", "maybe Jakafi", "unknown"),
    ("prior_ruxolitinib", "probably", "unknown"),  # hedged: never a fail
    ("prior_ruxolitinib", "I think she took Jakafi once", "unknown"),
    ("prior_ruxolitinib", "I believe he was on jakavi", "unknown"),
    ("prior_ruxolitinib", "i guess she had jakafi at some point", "unknown"),
    ("prior_ruxolitinib", "she's never taken jakafi", "pass"),
    ("prior_ruxolitinib", "never took jakafi, only hydrea", "pass"),
    ("prior_ruxolitinib", "not jakafi, only hydrea", "pass"),
    ("prior_ruxolitinib", "the doctor mentioned jakafi but she never took it", "pass"),
    ("prior_ruxolitinib", "jakafi was prescribed but she never started it", "pass"),
    ("prior_ruxolitinib", "hydrea yes, jakafi no", "pass"),
    ("prior_ruxolitinib", "the doctor wants to start jakafi", NOT_FAIL),
    ("prior_ruxolitinib", "Jakafi? no", "pass"),
    ("prior_ruxolitinib", "Jakavi no", "pass"),
    ("prior_ruxolitinib", "nope never had jakfi", "pass"),  # typo
    ("prior_ruxolitinib", "of course not", "pass"),
    ("prior_ruxolitinib", "definately not", "pass"),
    ("prior_ruxolitinib", "noo", "pass"),
    ("prior_ruxolitinib", "is jakafi dangerous?", NO),  # a question back is never an answer
    ("prior_ruxolitinib", "is jakafi dangerous", NO),
    ("prior_ruxolitinib", "is it safe?", NO),
    ("prior_ruxolitinib", "what is ruxolitinib?", NO),
    ("prior_ruxolitinib", "I take aspirin", NO),
    ("prior_ruxolitinib", "okay", NO),
    # Korean
    ("prior_ruxolitinib", "네", "fail"),
    ("prior_ruxolitinib", "아니요", "pass"),
    ("prior_ruxolitinib", "아뇨", "pass"),
    ("prior_ruxolitinib", "먹은 적 없어요", "pass"),
    ("prior_ruxolitinib", "드신 적 없어요", "pass"),
    ("prior_ruxolitinib", "안 했어요", "pass"),
    ("prior_ruxolitinib", "모르겠어요", "unknown"),
    ("prior_ruxolitinib", "기억이 안 나요", "unknown"),
    ("prior_ruxolitinib", "자카비 먹었어요", "fail"),
    ("prior_ruxolitinib", "자카비 복용 중이에요", "fail"),
    ("prior_ruxolitinib", "룩솔리티닙 복용한 적 있어요", "fail"),
    ("prior_ruxolitinib", "자카비는 먹은 적 없어요", "pass"),
    ("prior_ruxolitinib", "자카비 no", "pass"),
    ("prior_ruxolitinib", "자카비 먹은 것 같아요", "unknown"),
    ("prior_ruxolitinib", "자카비는 안 먹었어요", "pass"),
    ("prior_ruxolitinib", "아니요, 하이드리아만 먹었어요", "pass"),
    ("prior_ruxolitinib", "자카비 처방만 받고 안 먹었어요", "pass"),
    ("prior_ruxolitinib", "안 먹었어요", "pass"),
    ("prior_ruxolitinib", "하이드리아만 먹었어요", "pass"),
    ("prior_ruxolitinib", "하이드록시우레아만 먹었어요", "pass"),
]

# ------------------------------------------------------------------ post_mpn_aml

DIAGNOSIS = [
    ("post_mpn_aml", "yes", "pass"),
    ("post_mpn_aml", "yes, AML after polycythemia vera", "pass"),
    ("post_mpn_aml", "yep her PV turned into AML", "pass"),
    ("post_mpn_aml", "post-ET AML", "pass"),
    ("post_mpn_aml", "secondary AML from myelofibrosis", "pass"),
    ("post_mpn_aml", "had ET for years, now AML confirmed by bone marrow", "pass"),
    ("post_mpn_aml", "She has acute myeloid leukemia; before that she had PMF", "pass"),
    ("post_mpn_aml", "MDS turned into AML", "fail"),  # MDS is not an MPN
    ("post_mpn_aml", "MDS", "fail"),
    ("post_mpn_aml", "only myelofibrosis so far", "fail"),
    ("post_mpn_aml", "PV, no AML yet", "fail"),
    ("post_mpn_aml", "he has PV", "fail"),
    ("post_mpn_aml", "AML but no MPN before", "fail"),
    ("post_mpn_aml", "no", "fail"),
    ("post_mpn_aml", "CMML", "unknown"),
    ("post_mpn_aml", "MDS/MPN overlap", "unknown"),
    ("post_mpn_aml", "she has CML", "unknown"),
    ("post_mpn_aml", "they suspect AML, waiting for the bone marrow biopsy", "unknown"),
    ("post_mpn_aml", "AML suspected, waiting for the bone marrow result", "unknown"),
    ("post_mpn_aml", "AML, and her blood counts were high for years", "unknown"),
    ("post_mpn_aml", "they think it's AML but the marrow results aren't back", "unknown"),
    ("post_mpn_aml", "yes but I don't know which MPN", "pass"),
    ("post_mpn_aml", "yes, not sure what kind of MPN it was", "pass"),
    ("post_mpn_aml", "네 근데 어떤 MPN인지는 몰라요", "pass"),
    ("post_mpn_aml", "I don't know which MPN", NOT_FAIL),
    ("post_mpn_aml", "her ET became AML", "pass"),
    ("post_mpn_aml", "yes AML, but no MPN before", "fail"),
    ("post_mpn_aml", "AML yes, MPN no", "fail"),
    ("post_mpn_aml", "yes, AML. I don't know about an MPN", "unknown"),
    ("post_mpn_aml", "yes she has AML but I don't think she had an MPN", "unknown"),
    ("post_mpn_aml", "not AML, just myelofibrosis", "fail"),
    ("post_mpn_aml", "she had PV. now leukemia", "unknown"),  # which leukemia?
    ("post_mpn_aml", "not sure", "unknown"),
    ("post_mpn_aml", "dunno", "unknown"),
    ("post_mpn_aml", "okay", NO),
    ("post_mpn_aml", "ok", NO),
    ("post_mpn_aml", "AML", NO),  # which earlier disease? asked again
    ("post_mpn_aml", "I was diagnosed with AML", NO),
    ("post_mpn_aml", "what is an MPN?", NO),
    # Korean
    ("post_mpn_aml", "네", "pass"),
    ("post_mpn_aml", "아니요", "fail"),
    ("post_mpn_aml", "모르겠어요", "unknown"),
    ("post_mpn_aml", "진성적혈구증가증이 급성골수성백혈병으로 진행했어요", "pass"),
    ("post_mpn_aml", "본태성 혈소판증가증 있다가 급성골수성백혈병 진단 받았어요", "pass"),
    ("post_mpn_aml", "골수섬유증에서 백혈병으로 진행됐어요", "pass"),
    ("post_mpn_aml", "골수이형성증후군에서 급성골수성백혈병이 됐어요", "fail"),
    ("post_mpn_aml", "골수섬유증만 있어요", "fail"),
    ("post_mpn_aml", "만성골수단핵구성백혈병이에요", "unknown"),
    ("post_mpn_aml", "급성골수성백혈병 의심인데 골수검사 결과 기다리고 있어요", "unknown"),
    # "I was diagnosed with AML": the earlier MPN is not said (English reads it so).
    ("post_mpn_aml", "AML 진단 받았어요", NO),
    ("post_mpn_aml", "급성골수성백혈병 진단 받았어요", NO),
    ("post_mpn_aml", "진성적혈구증가증만 있어요 아직 백혈병은 아니에요", "fail"),
]

# ------------------------------------------------------------------ age

AGE = [
    # Which number answers: the age now, never a duration, an age at a past event or another event's year.
    ("age", "she is 67.", "pass"),
    ("age", "67. had this for 4 yrs", "pass"),
    ("age", "he retired from carpentry at 65, and that was six years ago now", NO),
    ("age", "I've had the MPN for 12 years", NO),
    ("age", "2010년에 진단받았는데 그때 쉰이었어요", NO),
    ("age", "diagnosed in 2019 when she was 60", NO),
    # The words around an age now: this year, now, a relation as the topic.
    ("age", "올해 일흔셋이세요", "pass"),
    ("age", "올해 쉰여덟이에요", "pass"),
    ("age", "남편은 60이에요", "pass"),
    ("age", "엄마가 지금 열일곱이에요", "fail"),
    ("age", "63", "pass"),
    ("age", "she's 71", "pass"),
    ("age", "he is seventy two", "pass"),
    ("age", "I'm 45 years old", "pass"),
    ("age", "18", "pass"),  # boundary: 18 exactly
    ("age", "born 25 November 2008", "pass"),  # 18th birthday today
    ("age", "born 26 November 2008", "fail"),  # 18 tomorrow
    ("age", "17", "fail"),
    ("age", "seventeen", "fail"),
    ("age", "I'll be 18 next month", "fail"),
    ("age", "she turns 18 in January", "fail"),
    ("age", "turning 18 soon", "fail"),
    ("age", "18 next week", "fail"),
    ("age", "18 in two weeks", "fail"),
    ("age", "he's 18 tomorrow", "fail"),
    ("age", "almost 18", "fail"),
    ("age", "nearly 18", "fail"),
    ("age", "born in 1961", "pass"),
    ("age", "1961-03-02", "pass"),
    ("age", "not sure", "unknown"),
    ("age", "0", NO),
    ("age", "150", NO),
    ("age", "-5", NO),
    ("age", "born 2030-01-01", NO),
    ("age", "born on 3 March 2027", NO),
    ("age", "6 months", NO),
    ("age", "I'm 40, she's 17", "fail"),
    ("age", "how old must she be?", NO),
    # Korean
    ("age", "63세", "pass"),
    ("age", "63살", "pass"),
    ("age", "만 63세", "pass"),
    ("age", "예순세 살", "pass"),
    ("age", "1961년생", "pass"),
    ("age", "61년생", "pass"),
    ("age", "1961년 3월 2일", "pass"),
    ("age", "2030년생", NO),
    ("age", "200살", NO),
    ("age", "0세", NO),
]

AGE_NUMBERS = [
    ("I'll be 18 next month", 17, None),
    ("18", 18, None),
    ("63세", 63, None),
    ("63살", 63, None),
    ("만 63세", 63, None),
    ("예순세 살", 63, None),
    ("1961년생", 64, 65),  # a birth year is a range
    ("61년생", 64, 65),
    ("1961년 3월 2일", 65, 65),
    ("born 25 November 2008", 18, 18),
    ("he is seventy two", 72, None),
]

# ------------------------------------------------------------------ recent_chemo

RECENT_CHEMO = [
    ("recent_chemo", "no", "pass"),
    ("recent_chemo", "nope", "pass"),
    ("recent_chemo", "no chemo at all", "pass"),
    ("recent_chemo", "14 days ago", "pass"),  # boundary: exactly 14 days
    ("recent_chemo", "last dose exactly 14 days ago", "pass"),
    ("recent_chemo", "last dose on 2026-11-11", "pass"),
    ("recent_chemo", "13 days ago", "unknown"),
    ("recent_chemo", "Hydrea, last dose 5 days ago", "unknown"),
    ("recent_chemo", "she stopped hydroxyurea 3 weeks ago", "pass"),
    ("recent_chemo", "I take Hydrea every day", "unknown"),
    ("recent_chemo", "she's still on hydrea", "unknown"),
    ("recent_chemo", "azacitidine yesterday", "unknown"),
    ("recent_chemo", "not sure when", "unknown"),
    ("recent_chemo", "dunno", "unknown"),
    ("recent_chemo", "hydrea till last tuesday", "unknown"),
    ("recent_chemo", "her last hydrea was on monday", "unknown"),
    ("recent_chemo", "just aspirin", "pass"),
    ("recent_chemo", "last chemo in september", "pass"),
    ("recent_chemo", "she finished chemo 3 months ago", "pass"),
    ("recent_chemo", "hydrea stopped on nov 1", "pass"),
    ("recent_chemo", "no chemo, just hydrea every day", "unknown"),  # hydroxyurea counts
    ("recent_chemo", "no chemo, only hydrea", NO),  # hydroxyurea counts: when? asked again
    ("recent_chemo", "yes", NO),  # when? asked again
    ("recent_chemo", "I take Hydrea", NO),
    ("recent_chemo", "2027-03-01", NO),  # in the future
    ("recent_chemo", "does hydrea count?", NO),
    # Korean
    ("recent_chemo", "아니요", "pass"),
    # A no that denies only a medicine, at a question not about it, answers nothing.
    ("post_mpn_aml", "no he never had ruxolitinib", NO),
    ("post_mpn_aml", "no chemo at all", NO),
    ("other_trial", "no, she never took hydrea", NO),
    ("other_trial", "no, she is on hydrea", "pass"),
    ("cardiac_function", "아니요 자카비는 안 먹었어요", NO),
    ("recent_chemo", "항암치료 안 받았어요", "pass"),
    ("recent_chemo", "어제", "unknown"),
    ("recent_chemo", "5일 전", "unknown"),
    ("recent_chemo", "지난주", "unknown"),
    ("recent_chemo", "3주 전", "pass"),
    ("recent_chemo", "지난달", "pass"),
    ("recent_chemo", "하이드리아 어제 먹었어요", "unknown"),
    ("recent_chemo", "하이드리아 3주 전에 끊었어요", "pass"),
    ("recent_chemo", "4일 전에 마지막으로 먹었어요", "unknown"),
    ("recent_chemo", "사흘 전까지요", "unknown"),
    ("recent_chemo", "I did hydroxyurea until around two weeks ago", "unknown"),  # may be 11 days
    ("recent_chemo", "2주 정도 전에 끊었어요", "unknown"),
    ("recent_chemo", "hydrea stopped 2 weeks ago", "pass"),
    ("recent_chemo", "until 3 days ago", "unknown"),
    ("recent_chemo", "모르겠어요", "unknown"),
]

# ------------------------------------------------------------------ ecog

ECOG = [
    ("ecog", "fully active, no restrictions", "pass"),
    ("ecog", "I still work", "pass"),
    ("ecog", "ECOG 1 my doctor said", "pass"),
    ("ecog", "ECOG 2", "pass"),
    ("ecog", "2", "pass"),
    ("ecog", "I can take care of myself but I can't work", "pass"),  # ECOG 2
    ("ecog", "she can't work but looks after herself", "pass"),
    ("ecog", "she's fine, does everything she used to", "pass"),
    ("ecog", "in bed most of the day", "fail"),
    ("ecog", "he is in bed most of the day", "fail"),
    ("ecog", "bedridden", "fail"),
    ("ecog", "ECOG 3", "fail"),
    ("ecog", "not sure", "unknown"),
    ("ecog", "dunno", "unknown"),
    ("ecog", "pretty much normal, still go to work", "pass"),
    ("ecog", "I still go to work", "pass"),
    ("ecog", "5", NO),
    ("ecog", "ECOG 7", NO),
    ("ecog", "ECOG -1", NO),
    ("ecog", "what does ECOG mean?", NO),
    # Korean
    ("ecog", "일은 못하지만 혼자 씻고 먹을 수 있어요", "pass"),
    ("ecog", "예전처럼 생활해요", "pass"),
    ("ecog", "하루 종일 누워 계세요", "fail"),
    ("ecog", "잘 모르겠어요", "unknown"),
]

ECOG_LEVELS = [
    ("I can take care of myself but I can't work", 2),
    ("ECOG 1 my doctor said", 1),
    ("fully active, no restrictions", 0),
    ("in bed most of the day", 3),
    ("bedridden", 4),
]

# ------------------------------------------------------------------ fit_for_induction (no -> deferred)

FIT = [
    ("fit_for_induction", "no", "deferred"),
    ("fit_for_induction", "nope", "deferred"),
    ("fit_for_induction", "No, the hematologist wants to begin chemo soon", "deferred"),
    ("fit_for_induction", "nobody said that", "deferred"),
    ("fit_for_induction", "the doctor said I'm strong enough", "deferred"),
    ("fit_for_induction", "yes", "unknown"),
    ("fit_for_induction", "they said he's too weak", "unknown"),
    ("fit_for_induction", "not sure", "unknown"),
    ("fit_for_induction", "what is induction?", NO),
    ("fit_for_induction", "no they want to start chemo asap", "deferred"),
    ("fit_for_induction", "아니요 항암 시작하자고 했어요", "deferred"),
    ("fit_for_induction", "의사가 체력이 안 된다고 했어요", "unknown"),
]

# ------------------------------------------------------------------ cardiac, liver/kidney, other conditions

CARDIAC = [
    ("cardiac_function", "no", "pass"),
    ("cardiac_function", "nope", "pass"),
    ("cardiac_function", "My heart is healthy", "pass"),
    ("cardiac_function", "heart's fine", "pass"),
    ("cardiac_function", "no heart problems", "pass"),
    ("cardiac_function", "never had heart trouble", "pass"),
    ("cardiac_function", "she has heart failure", "unknown"),
    ("cardiac_function", "atrial fibrillation", "unknown"),
    ("cardiac_function", "yes", "unknown"),
    ("cardiac_function", "not sure", "unknown"),
    ("cardiac_function", "is that important?", NO),
    ("cardiac_function", "no heart failure", "pass"),
    ("cardiac_function", "no heart attack but she has heart failure", "unknown"),
    ("cardiac_function", "심장은 건강해요", "pass"),
    ("cardiac_function", "아니요 심장은 괜찮아요", "pass"),
    ("cardiac_function", "심장은 문제 없어요", "pass"),
    ("cardiac_function", "심장은 문제가 있어요", "unknown"),  # was read as the "no" cue 심장은 문제: a wrong pass
    ("cardiac_function", "심부전 있어요", "unknown"),
]

HEPATIC_RENAL = [
    ("hepatic_renal_function", "no", "pass"),
    ("hepatic_renal_function", "liver and kidneys are fine", "pass"),
    ("hepatic_renal_function", "he's on dialysis", "unknown"),
    ("hepatic_renal_function", "fatty liver", "unknown"),
    ("hepatic_renal_function", "not sure", "unknown"),
    ("hepatic_renal_function", "no liver or kidney problems", "pass"),
    ("hepatic_renal_function", "kidneys fine", "pass"),
    ("hepatic_renal_function", "간경화 있어요", "unknown"),
    ("hepatic_renal_function", "없어요", "pass"),
]

SERIOUS = [
    ("serious_conditions", "no", "pass"),
    ("serious_conditions", "nothing else", "pass"),
    ("serious_conditions", "she has diabetes", "unknown"),
    ("serious_conditions", "depression, on medication", "unknown"),
    ("serious_conditions", "dunno", "unknown"),
    ("serious_conditions", "he had pneumonia last year but it's gone", "pass"),
    ("serious_conditions", "only the leukemia", "pass"),
    ("serious_conditions", "당뇨 있어요", "unknown"),
    ("serious_conditions", "아니요", "pass"),
]

# ------------------------------------------------------------------ other_malignancy (2-year window, exemptions)

MALIGNANCY = [
    ("other_malignancy", "no", "pass"),
    ("other_malignancy", "nope", "pass"),
    ("other_malignancy", "she's never had it", "pass"),
    ("other_malignancy", "only the leukemia", "pass"),
    ("other_malignancy", "basal cell carcinoma", "pass"),  # exempt
    ("other_malignancy", "basal cell skin cancer last year, removed", "pass"),
    ("other_malignancy", "cervical carcinoma in situ in 2025", "pass"),  # exempt
    ("other_malignancy", "breast cancer 5 years ago", "pass"),
    ("other_malignancy", "breast cancer in 2019", "pass"),
    ("other_malignancy", "breast cancer last year", "fail"),
    ("other_malignancy", "lung cancer 6 months ago", "fail"),
    ("other_malignancy", "prostate cancer 2 years ago", "unknown"),  # boundary
    ("other_malignancy", "breast cancer exactly 2 years ago", "unknown"),
    ("other_malignancy", "skin cancer", "unknown"),  # which kind? the team checks
    ("other_malignancy", "not sure", "unknown"),
    ("other_malignancy", "lung cancer", NO),  # when? asked again
    ("other_malignancy", "yes", NO),  # which and when? asked again
    ("other_malignancy", "does leukemia count?", NO),
    ("other_malignancy", "없어요", "pass"),
    ("other_malignancy", "유방암 5년 전에 치료했어요", "pass"),
    ("other_malignancy", "위암 작년에 수술했어요", "fail"),
    ("other_malignancy", "기저세포암 있었어요", "pass"),
    ("other_malignancy", "자궁경부 상피내암 작년에 치료했어요", "pass"),
]

# ------------------------------------------------------------------ reproduction

PREGNANCY = [
    ("pregnancy_breastfeeding", "no", "pass"),
    ("pregnancy_breastfeeding", "not pregnant or breastfeeding", "pass"),
    ("pregnancy_breastfeeding", "she's pregnant", "fail"),
    ("pregnancy_breastfeeding", "I am breastfeeding", "fail"),
    ("pregnancy_breastfeeding", "not sure", "unknown"),
    ("pregnancy_breastfeeding", "she's not pregnant", "pass"),
    ("pregnancy_breastfeeding", "she had a baby last year, not nursing anymore", "pass"),
    ("pregnancy_breastfeeding", "she's 70, of course not", "pass"),
    ("pregnancy_breastfeeding", "of course not", "pass"),
    ("pregnancy_breastfeeding", "I breastfed my son years ago", "pass"),
    ("pregnancy_breastfeeding", "임신 아니에요", "pass"),
    ("pregnancy_breastfeeding", "임신 중이에요", "fail"),
]

CONTRACEPTION = [
    ("childbearing_contraception", "yes", "pass"),
    ("childbearing_contraception", "sure, no problem", "pass"),
    ("childbearing_contraception", "she's already on the pill", "pass"),
    ("childbearing_contraception", "no", "fail"),
    ("childbearing_contraception", "not sure", "unknown"),
    ("childbearing_contraception", "네 피임할게요", "pass"),
    ("male_barrier_contraception", "yes", "pass"),
    # The brief: a lone "ok" answers no question (it is what people type to move on).
    ("male_barrier_contraception", "ok", NO),
    ("male_barrier_contraception", "ok, I will use them", "pass"),
    ("male_barrier_contraception", "fine with me", "pass"),
    ("male_barrier_contraception", "no way", "fail"),
    ("male_barrier_contraception", "not sure", "unknown"),
    ("male_barrier_contraception", "of course not", "fail"),
    ("male_barrier_contraception", "네", "pass"),
    ("male_barrier_contraception", "콘돔은 안 쓸 거예요", "fail"),
    ("male_barrier_contraception", "why condoms?", NO),
]

# ------------------------------------------------------------------ emphatic no: "definitely not" is a no everywhere

EMPHATIC = [
    ("other_trial", "absolutely not", "pass"),
    ("other_trial", "definitely not", "pass"),
    ("other_trial", "certainly not", "pass"),
    ("other_trial", "not true", "pass"),
    ("prior_ruxolitinib", "definitely not", "pass"),
    ("prior_ruxolitinib", "absolutely not", "pass"),
    ("pregnancy_breastfeeding", "definitely not", "pass"),
    ("male_barrier_contraception", "absolutely not", "fail"),
    ("other_trial", "no, definitely not", "pass"),
]

# ------------------------------------------------------------------ labs

CREATININE = [
    # Which number answers: another test's value or the upper limit never does.
    ("creatinine", "my potassium was 4.2", NO),
    ("creatinine", "칼륨은 4.2였어요", NO),
    ("creatinine", "지난주 검사에서 칼륨 5.6, 크레아티닌 1.4요", "pass"),
    ("creatinine", "2.1이요. 정상 상한이 1.2라서 높다고는 했어요", "pass"),
    ("creatinine", "혈색소 8.2, 혈소판 2만 5천인데 크레아티닌은 모르겠어요", "deferred"),
    ("creatinine", "hemoglobin 9.1 and platelets 45, creatinine 3.1", "fail"),
    ("creatinine", "1.1 mg/dL", "pass"),
    ("creatinine", "creat 1.1", "pass"),
    ("creatinine", "1.1", "pass"),
    ("creatinine", "2.5 mg/dL", "pass"),  # boundary
    ("creatinine", "2.6 mg/dL", "fail"),
    ("creatinine", "221 µmol/L", "pass"),  # = 2.5 mg/dL
    ("creatinine", "222 umol/L", "fail"),
    ("creatinine", "3", "fail"),
    ("creatinine", "1,3 mg/dL", "pass"),
    ("creatinine", "normal", "pass"),
    ("creatinine", "a bit high", "unknown"),
    ("creatinine", "I don't know", "deferred"),
    ("creatinine", "dunno", "deferred"),
    ("creatinine", "-3", NO),
    ("creatinine", "0", NO),
    ("creatinine", "0.0", NO),
    ("creatinine", "0 mg/dL", NO),
    ("creatinine", "-3 mg/dL", NO),
    ("creatinine", "200", NO),  # which unit?
    ("creatinine", "1.2 and 3.4", NO),
    ("creatinine", "what is creatinine?", NO),
    ("creatinine", "creatinine 1.1, normal range 0.5-1.2", "pass"),
    ("creatinine", "1.1 (normal 0.6-1.2)", "pass"),
    ("creatinine", "크레아티닌 1.1이에요", "pass"),
    ("creatinine", "몰라요", "deferred"),
]

LIVER = [
    ("liver_enzymes", "normal", "pass"),
    ("liver_enzymes", "Both normal", "pass"),
    ("liver_enzymes", "liver tests fine", "pass"),
    ("liver_enzymes", "the doctor said they were fine", "pass"),
    ("liver_enzymes", "ALT 52, normal up to 40; AST 30, normal up to 35", "pass"),
    ("liver_enzymes", "ALT 60, ULN 40, AST normal", "pass"),  # exactly 1.5 x ULN
    ("liver_enzymes", "ALT 60 AST 60, normal up to 40", "pass"),
    ("liver_enzymes", "1.5 times the upper limit of normal", "pass"),
    ("liver_enzymes", "ALT 61 (upper limit 40), AST normal", "fail"),
    ("liver_enzymes", "AST 100, upper limit 40", "fail"),
    ("liver_enzymes", "three times the upper limit", "fail"),
    ("liver_enzymes", "liver enzymes twice the normal limit", "fail"),
    ("liver_enzymes", "a bit high", "unknown"),
    ("liver_enzymes", "ALT normal, AST slightly elevated", "unknown"),
    ("liver_enzymes", "ALT 52, normal up to 40", "deferred"),  # AST still to be checked
    ("liver_enzymes", "I don't know", "deferred"),
    ("liver_enzymes", "ALT 52", NO),  # against which upper limit?
    ("liver_enzymes", "52 and 40", NO),
    ("liver_enzymes", "ALT 0, normal up to 40", NO),
    ("liver_enzymes", "정상이래요", "pass"),
    ("liver_enzymes", "간수치 정상", "pass"),
    ("liver_enzymes", "모르겠어요", "deferred"),
]

ALL = (OTHER_TRIAL + PRIOR_RUX + DIAGNOSIS + AGE + RECENT_CHEMO + ECOG + FIT + CARDIAC + HEPATIC_RENAL + SERIOUS
       + MALIGNANCY + PREGNANCY + CONTRACEPTION + EMPHATIC + CREATININE + LIVER)


@pytest.mark.parametrize("qid, text, expected", ALL, ids=_ids(ALL))
def test_reader_then_judge(qid, text, expected):
    result = read(TRIAL, qid, text, TODAY)
    if expected == NO:
        assert isinstance(result, NoAnswer), f"{text!r} at {qid} must not be an answer, read {result}"
    elif expected == NOT_FAIL:
        assert isinstance(result, NoAnswer) or judge(TRIAL.question(qid), result).verdict != Verdict.FAIL, result
    else:
        assert isinstance(result, Reading), f"{text!r} at {qid} must be read, got {result}"
        assert judge(TRIAL.question(qid), result).verdict == Verdict(expected), result


@pytest.mark.parametrize("text, age, age_max", AGE_NUMBERS)
def test_age_numbers(text, age, age_max):
    r = read(TRIAL, "age", text, TODAY)
    assert isinstance(r, Reading) and r.number == age and r.number_max == age_max


@pytest.mark.parametrize("text, level", ECOG_LEVELS)
def test_ecog_levels(text, level):
    r = read(TRIAL, "ecog", text, TODAY)
    assert isinstance(r, Reading) and r.number == level


@pytest.mark.parametrize("text, mg_dl", [("221 µmol/L", 2.5), ("97 micromoles per litre", 1.097), ("1,3 mg/dL", 1.3)])
def test_creatinine_units_are_converted(text, mg_dl):
    r = read(TRIAL, "creatinine", text, TODAY)
    assert isinstance(r, Reading) and r.number == pytest.approx(mg_dl, abs=0.01)


@pytest.mark.parametrize("qid", ["other_trial", "prior_ruxolitinib", "pregnancy_breastfeeding"])
@pytest.mark.parametrize("text", ["I think so", "I guess so", "probably", "I believe so"])
def test_a_hedged_yes_is_never_a_fail(qid, text):
    r = read(TRIAL, qid, text, TODAY)
    assert isinstance(r, Reading) and judge(TRIAL.question(qid), r).verdict == Verdict.UNKNOWN


@pytest.mark.parametrize("text, days, eligible_from", [
    ("Hydrea, last dose 5 days ago", 5, "4 December 2026"),
    ("5일 전", 5, "4 December 2026"),
    ("yesterday", 1, "8 December 2026"),
    ("last dose on 2026-11-20", 5, "4 December 2026"),
    # Today is a Wednesday; calendar weeks start on Monday.
    ("하이드리아 지난주 금요일까지 먹었어요", 5, "4 December 2026"),
    ("hydrea until monday last week", 9, "30 November 2026"),
    ("지난주 수요일이요", 7, "2 December 2026"),
    ("last dose some time last week", 3, "6 December 2026"),  # as late as Sunday: the earliest start is the latest
])
def test_recent_chemo_names_the_earliest_start(text, days, eligible_from):
    r = read(TRIAL, "recent_chemo", text, TODAY)
    assert isinstance(r, Reading) and r.number == days
    session = Session(TRIAL, {"recent_chemo": r}, TODAY)
    assert session.verdict("recent_chemo").verdict == Verdict.UNKNOWN
    assert eligible_from in reason(session, "recent_chemo", "en")


# ------------------------------------------------------------------ who is answering

RESPONDENT = [
    # text, value, patient's relation, patient's sex
    ("for myself", "self", None, None),
    ("it's my father not my husband", "proxy", "father", "male"),
    ("남편 말고 아버지예요", "proxy", "father", "male"),
    ("I'm not her son, I'm her husband", "proxy", "wife", "female"),
    ("me", "self", None, None),
    ("I am the patient", "self", None, None),
    ("me, I'm the patient", "self", None, None),
    ("I'm her son", "proxy", "mother", "female"),
    ("I'm his daughter", "proxy", "father", "male"),
    ("I'm the patient's wife", "proxy", "husband", "male"),
    ("I'm her husband", "proxy", "wife", "female"),
    ("I'm his wife", "proxy", "husband", "male"),
    ("I'm asking for my mother", "proxy", "mother", "female"),
    ("no wait, she is my mother", "proxy", "mother", "female"),
    ("my mother has AML", "proxy", "mother", "female"),
    ("my mom", "proxy", "mother", "female"),
    ("this is for my mum", "proxy", "mother", "female"),
    ("I'm asking for my dad", "proxy", "father", "male"),
    ("for my husband", "proxy", "husband", "male"),
    ("my wife", "proxy", "wife", "female"),
    ("asking for my grandma", "proxy", "grandmother", "female"),
    ("my brother", "proxy", "brother", "male"),
    ("a friend", "proxy", "friend", None),
    ("for someone else", "proxy", "patient", None),
    ("I'm her caregiver", "proxy", "patient", None),
    ("my mother-in-law", "proxy", "mother_in_law", "female"),
    ("for my mom, I'm her daughter", "proxy", "mother", "female"),
    ("my husband's mother", "proxy", "mother", "female"),
    ("im her son", "proxy", "mother", "female"),
    ("i am her son in law", "proxy", "mother", "female"),
    # Korean
    ("어머니", "proxy", "mother", "female"),
    ("엄마요", "proxy", "mother", "female"),
    ("아버지", "proxy", "father", "male"),
    ("아빠 대신 물어봐요", "proxy", "father", "male"),
    ("남편이요", "proxy", "husband", "male"),
    ("아내요", "proxy", "wife", "female"),
    ("제 딸이요", "proxy", "daughter", "female"),
    ("아들", "proxy", "son", "male"),
    ("할머니", "proxy", "grandmother", "female"),
    ("할아버지", "proxy", "grandfather", "male"),
    ("저는 딸이에요", "proxy", "parent", None),
    ("제 남편의 어머니예요", "proxy", "mother", "female"),
    ("저는 아들이고 어머니 때문에 왔어요", "proxy", "mother", "female"),
    ("엄마 일로 왔어요 저는 딸이에요", "proxy", "mother", "female"),
    ("본인이에요", "self", None, None),
    ("제가 환자예요", "self", None, None),
    # An opening "me," answers; "I'm the one with ..." is the patient speaking.
    ("me, I'm the one with the leukaemia", "self", None, None),
    ("I'm the one who has it", "self", None, None),
]


@pytest.mark.parametrize("text, value, relation, sex", RESPONDENT)
def test_respondent(text, value, relation, sex):
    r = read(TRIAL, "respondent", text, TODAY)
    assert isinstance(r, Reading), r
    assert (r.value, r.extra.get("relation"), r.extra.get("sex")) == (value, relation, sex)


@pytest.mark.parametrize("text", ["my cat is orange", "hello", "ok", "what is this study?", "asdfgh", "👍"])
def test_respondent_needs_words_about_the_patient(text):
    assert isinstance(read(TRIAL, "respondent", text, TODAY), NoAnswer)


@pytest.mark.parametrize("text, value", [
    ("female", "female"), ("Male", "male"), ("F", "female"), ("he's a man", "male"), ("woman", "female"),
    ("prefer not to say", "unsure"), ("여자", "female"), ("남자예요", "male"),
])
def test_sex(text, value):
    r = read(TRIAL, "sex", text, TODAY)
    assert isinstance(r, Reading) and r.value == value


@pytest.mark.parametrize("text, value", [
    ("yes", "yes"), ("no", "no"), ("I'm past menopause", "no"), ("she had a hysterectomy", "no"),
    ("not sure", "unsure"), ("yes, I could", "yes"), ("she's 58, periods stopped years ago", "no"),
    ("폐경했어요", "no"), ("네", "yes"),
])
def test_childbearing_potential(text, value):
    r = read(TRIAL, "childbearing_potential", text, TODAY)
    assert isinstance(r, Reading) and r.value == value


@pytest.mark.parametrize("qid", TRIAL.asked_ids)
@pytest.mark.parametrize("text", ["", "   ", "x" * 5000, "🙂👍", "<script>alert(1)</script>", "asdf qwerty",
                                  "is it safe?", "how much does it cost?"])
def test_nonsense_is_never_an_answer(qid, text):
    assert isinstance(read(TRIAL, qid, text, TODAY), NoAnswer)
