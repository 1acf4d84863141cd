"""Answer understanding, table-driven: what people type -> what the bot reads.
Every table has everyday phrasings, negations, caregivers' third person, and
nonsense that must come back 'not understood', never a verdict."""
import pytest

from bot.answers import parse_age, parse_yes_no, time_ago
from tests.helpers import TODAY, read, verdict_of

NONSENSE = ["banana", "", "   ", "x" * 5000, "🙂👍", "네, 맞아요", "是的", "<script>alert(1)</script>", "asdf qwerty"]


@pytest.mark.parametrize("text, value", [
    ("yes", "yes"), ("Yeah", "yes"), ("yep, she has", "yes"), ("Of course", "yes"), ("she did", "yes"),
    ("I have", "yes"), ("correct", "yes"), ("no", "no"), ("Nope", "no"), ("No, never", "no"),
    ("she never did", "no"), ("I haven't", "no"), ("he doesn't", "no"), ("not at all", "no"),
    ("nah", "no"), ("none", "no"), ("I don't think so", "no"), ("not that I know of", "no"),
    ("probably not", "no"), ("maybe", "unsure"), ("I'm not sure", "unsure"), ("don't know", "unsure"),
    ("I can't remember", "unsure"), ("no idea", "unsure"), ("dunno", "unsure"), ("possibly", "unsure"),
])
def test_yes_no_unsure(text, value):
    answer = parse_yes_no(text)
    assert answer.understood and answer.value == value


@pytest.mark.parametrize("text", ["I don't think so", "not that I know of", "I think so", "probably"])
def test_hedges_are_marked(text):
    assert read("other_trial", text).hedged


@pytest.mark.parametrize("text", NONSENSE + ["yes and no", "purple"])
def test_yes_no_nonsense_is_not_understood(text):
    answer = parse_yes_no(text)
    assert not answer.understood and answer.missing


@pytest.mark.parametrize("text, verdict", [
    ("No, never", "pass"),
    ("she never took it", "pass"),
    ("he didn't take Jakafi", "pass"),
    ("I took hydroxyurea, not Jakafi", "pass"),
    ("only hydrea", "pass"),
    ("Yes, Jakafi for two years", "fail"),
    ("she was on Jakavi in 2020", "fail"),
    ("ruxolitinib, briefly", "fail"),
    ("yes", "fail"),
    ("I'm not sure", "unknown"),
    ("I think so", "unknown"),  # a hedge never rules anyone out
    ("maybe Jakafi", "unknown"),
])
def test_prior_ruxolitinib(text, verdict):
    assert verdict_of("prior_ruxolitinib", text) == verdict


@pytest.mark.parametrize("text, verdict", [
    ("No, I'm not pregnant", "pass"), ("not pregnant or breastfeeding", "pass"), ("no", "pass"),
    ("she's pregnant", "fail"), ("I am breastfeeding", "fail"), ("yes", "fail"),
    ("she is nursing her baby", "fail"), ("not sure", "unknown"), ("maybe", "unknown"), ("nope", "pass"),
])
def test_pregnancy(text, verdict):
    assert verdict_of("pregnancy_breastfeeding", text) == verdict


@pytest.mark.parametrize("text, verdict", [
    ("No heart problems", "pass"), ("no", "pass"), ("her heart is fine, no problems", "pass"),
    ("she has heart failure", "unknown"), ("atrial fibrillation", "unknown"), ("yes", "unknown"),
    ("he had a heart attack in May", "unknown"), ("not sure", "unknown"), ("never had heart trouble", "pass"),
    ("I don't have any heart disease", "pass"),
])
def test_cardiac(text, verdict):
    assert verdict_of("cardiac_function", text) == verdict


@pytest.mark.parametrize("text, verdict", [
    ("no", "deferred"), ("No, nobody has said that", "deferred"), ("the doctor said she is strong enough", "deferred"),
    ("yes", "unknown"), ("they said he's too weak", "unknown"), ("the doctor said I'm too frail", "unknown"),
    ("not sure", "unknown"), ("nope", "deferred"), ("she is fit for chemo", "deferred"), ("yes, not strong enough", "unknown"),
])
def test_fit_for_induction(text, verdict):
    assert verdict_of("fit_for_induction", text) == verdict


@pytest.mark.parametrize("text, value", [
    ("Yes, AML after polycythemia vera", "post_mpn_aml"),
    ("yes", "post_mpn_aml"),
    ("my mother has AML that came from her PV", "post_mpn_aml"),
    ("post-ET AML", "post_mpn_aml"),
    ("secondary AML from myelofibrosis", "post_mpn_aml"),
    ("I had essential thrombocythemia for years and now it turned into AML", "post_mpn_aml"),
    ("She has acute myeloid leukemia; before that she had PMF", "post_mpn_aml"),
    ("only myelofibrosis so far", "mpn_only"),
    ("he has PV", "mpn_only"),
    ("no AML, just ET", "mpn_only"),
    ("MDS", "mds_only"),
    ("AML but no MPN before", "aml_without_mpn"),
    ("no, just AML", "aml_without_mpn"),
    ("no", "none"),
    ("CMML", "overlap"),
    ("MDS/MPN overlap", "overlap"),
    ("she has CML", "cml"),
    ("they suspect AML, waiting for the bone marrow biopsy", "aml_unconfirmed"),
    ("AML, and her blood counts were high for years", "mpn_uncertain"),
    ("not sure", "unsure"),
])
def test_diagnosis(text, value):
    answer = read("post_mpn_aml", text)
    assert answer.understood and answer.value == value


@pytest.mark.parametrize("text", NONSENSE + ["AML"])
def test_diagnosis_not_understood(text):
    answer = read("post_mpn_aml", text)
    assert not answer.understood and answer.missing


@pytest.mark.parametrize("text, verdict", [
    ("yes", "pass"), ("only myelofibrosis", "fail"), ("AML with no earlier MPN", "fail"), ("MDS", "fail"),
    ("CMML", "unknown"), ("CML", "unknown"), ("suspected AML", "unknown"), ("not sure", "unknown"),
])
def test_diagnosis_verdicts(text, verdict):
    assert verdict_of("post_mpn_aml", text) == verdict


@pytest.mark.parametrize("text, age", [
    ("45", 45), ("forty-five", 45), ("she's 45", 45), ("I am 64 years old", 64), ("he is seventy two", 72),
    ("18", 18), ("17", 17), ("born 24 November 2008", 18), ("born 25 November 2008", 17),
    ("1960-05-17", 66), ("born on March 3, 1958", 68), ("17.05.1960", 66), ("65 yo", 65),
])
def test_age(text, age):
    answer = parse_age(text, today=TODAY)
    assert answer.understood and answer.number == age


def test_age_from_birth_year_is_a_range():
    answer = parse_age("born in 1960", today=TODAY)
    assert (answer.number, answer.number_max) == (65, 66)


@pytest.mark.parametrize("text", NONSENSE + ["0", "150", "-5", "born 2030-01-01", "6 months"])
def test_age_impossible_is_asked_again(text):
    answer = parse_age(text, today=TODAY)
    assert not answer.understood


@pytest.mark.parametrize("text, verdict", [
    ("18", "pass"), ("17", "fail"), ("born 24 November 2008", "pass"), ("born 25 November 2008", "fail"),
    ("born in 2008", "unknown"), ("80", "pass"), ("born 1990", "pass"), ("not sure", "unknown"),
])
def test_age_verdicts(text, verdict):
    assert verdict_of("age", text) == verdict


@pytest.mark.parametrize("text, lo, hi", [
    ("5 days ago", 5, 5), ("about a month ago", 15, 45), ("last week", 7, 13), ("14 days ago", 14, 14),
    ("3 weeks back", 21, 21), ("two weeks ago", 14, 14), ("yesterday", 1, 1), ("today", 0, 0),
    ("a couple of days ago", 2, 2), ("10 days", 10, 10), ("on 2026-11-10", 14, 14), ("Nov 20", 4, 4),
    ("2 years ago", 548, 912), ("in 2019", 2520, 2884),
])
def test_time_ago(text, lo, hi):
    assert time_ago(text, TODAY)[:2] == (lo, hi)


def test_time_ago_in_the_future_is_refused():
    with pytest.raises(ValueError):
        time_ago("2027-01-05", TODAY)


@pytest.mark.parametrize("text, verdict", [
    ("no", "pass"), ("none", "pass"), ("14 days ago", "pass"), ("13 days ago", "unknown"),
    ("Hydrea, last dose 5 days ago", "unknown"), ("she stopped hydroxyurea 3 weeks ago", "pass"),
    ("about a month ago", "pass"), ("I take Hydrea every day", "unknown"), ("last week", "unknown"),
    ("not sure when", "unknown"), ("no chemo at all", "pass"), ("azacitidine yesterday", "unknown"),
])
def test_recent_chemo(text, verdict):
    assert verdict_of("recent_chemo", text) == verdict


def test_recent_chemo_reason_names_the_earliest_date():
    from tests.helpers import reason_of
    assert "4 December 2026" in reason_of("recent_chemo", "Hydrea, last dose 4 days ago")
    assert "4 December 2026" in reason_of("recent_chemo", "last dose on 2026-11-20")


@pytest.mark.parametrize("text", ["yes", "I take Hydrea", "banana", "", "2027-03-01"])
def test_recent_chemo_needs_a_time(text):
    assert not read("recent_chemo", text).understood


@pytest.mark.parametrize("text, verdict", [
    ("1.1 mg/dL", "pass"), ("2.5 mg/dl", "pass"), ("2.6 mg/dL", "fail"), ("221 µmol/L", "pass"),
    ("222 umol/L", "fail"), ("97 micromoles per litre", "pass"), ("300 μmol/l", "fail"), ("1.2", "pass"),
    ("3", "fail"), ("I don't know", "deferred"), ("normal", "pass"), ("a bit high", "unknown"),
    ("creatinine was 0.9 mg per dl", "pass"), ("1,3 mg/dL", "pass"),
])
def test_creatinine(text, verdict):
    assert verdict_of("creatinine", text) == verdict


@pytest.mark.parametrize("text", NONSENSE + ["200", "0", "1.2 and 3.4"])
def test_creatinine_not_understood(text):
    assert not read("creatinine", text).understood


def test_creatinine_converts_micromoles():
    answer = read("creatinine", "221 µmol/L")
    assert answer.number == 2.5 and "µmol/L" in answer.detail


@pytest.mark.parametrize("text, verdict", [
    ("ALT 52, normal up to 40; AST 30, normal up to 35", "pass"),
    ("ALT 60, ULN 40, AST normal", "pass"),  # exactly 1.5 x ULN
    ("ALT 61 (upper limit 40), AST normal", "fail"),
    ("AST 100, upper limit 40", "fail"),
    ("SGPT 45 and SGOT 38, normal up to 40", "pass"),
    ("three times the upper limit", "fail"),
    ("liver enzymes twice the normal limit", "fail"),
    ("1.5 times the upper limit of normal", "pass"),
    ("normal", "pass"),
    ("the doctor said they were fine", "pass"),
    ("a bit high", "unknown"),
    ("ALT normal, AST slightly elevated", "unknown"),
    ("I don't know", "deferred"),
    ("ALT 52, normal up to 40", "deferred"),  # AST still to be checked
])
def test_liver_enzymes(text, verdict):
    assert verdict_of("liver_enzymes", text) == verdict


@pytest.mark.parametrize("text", NONSENSE + ["ALT 52", "52 and 40"])
def test_liver_enzymes_not_understood(text):
    assert not read("liver_enzymes", text).understood


@pytest.mark.parametrize("text, level", [
    ("fully active, no restrictions", 0), ("I work full time, like before", 0), ("ECOG 1", 1),
    ("only light work or housework", 1), ("I still work but get tired", 1), ("she can't work but looks after herself", 2),
    ("up and about more than half the day", 2), ("in bed or a chair more than half the day", 3),
    ("he is in bed most of the day", 3), ("bedridden", 4), ("in bed all day, cannot look after myself", 4), ("2", 2),
    ("I can do everything I used to do", 0), ("she does all her usual things", 0), ("no problems at all", 0),
    ("I'm a bit slower but I manage the easy chores", 1), ("he works part-time", 1),
])
def test_ecog(text, level):
    answer = read("ecog", text)
    assert answer.understood and answer.number == level


@pytest.mark.parametrize("text, verdict", [
    ("I still work", "pass"), ("in bed most of the day", "fail"), ("bedridden", "fail"), ("not sure", "unknown"),
    ("ECOG 2", "pass"), ("ECOG 3", "fail"),
])
def test_ecog_verdicts(text, verdict):
    assert verdict_of("ecog", text) == verdict


@pytest.mark.parametrize("text", NONSENSE + ["5", "ECOG 7"])
def test_ecog_not_understood(text):
    assert not read("ecog", text).understood


@pytest.mark.parametrize("text, verdict", [
    ("no", "pass"), ("no other cancer", "pass"), ("only the leukemia", "pass"),
    ("basal cell carcinoma last year, removed", "pass"), ("cervical carcinoma in situ in 2025", "pass"),
    ("breast cancer 5 years ago", "pass"), ("breast cancer in 2019", "pass"),
    ("breast cancer last year", "fail"), ("lung cancer 6 months ago", "fail"), ("yes, in 2025", "fail"),
    ("prostate cancer 2 years ago", "unknown"), ("skin cancer", "unknown"), ("not sure", "unknown"),
])
def test_other_malignancy(text, verdict):
    assert verdict_of("other_malignancy", text) == verdict


@pytest.mark.parametrize("text", ["yes", "lung cancer", "banana", ""])
def test_other_malignancy_needs_which_and_when(text):
    assert not read("other_malignancy", text).understood


@pytest.mark.parametrize("text, value, relation, sex", [
    ("for myself", "self", None, None), ("me", "self", None, None), ("I am the patient", "self", None, None),
    ("my mother has AML", "proxy", "mother", "female"), ("I'm asking for my dad", "proxy", "father", "male"),
    ("for my husband", "proxy", "husband", "male"), ("my wife", "proxy", "wife", "female"),
    ("for someone else", "proxy", "patient", None), ("a friend", "proxy", "friend", None),
    ("I'm her caregiver", "proxy", "patient", None),
])
def test_respondent(text, value, relation, sex):
    answer = read("respondent", text)
    assert answer.value == value and answer.extra.get("relation") == relation and answer.extra.get("sex") == sex


@pytest.mark.parametrize("text, value", [
    ("female", "female"), ("Male", "male"), ("woman", "female"), ("she's a woman", "female"), ("man", "male"),
    ("F", "female"), ("M", "male"), ("he", "male"), ("prefer not to say", "unsure"), ("lady", "female"),
])
def test_sex(text, value):
    assert read("sex", text).value == value


@pytest.mark.parametrize("text, value", [
    ("yes", "yes"), ("no", "no"), ("I'm past menopause", "no"), ("she had a hysterectomy", "no"),
    ("postmenopausal", "no"), ("not sure", "unknown"), ("she went through the change years ago", "no"),
    ("I could", "yes"), ("no more periods for 5 years", "no"), ("yes, I could", "yes"),
])
def test_childbearing_potential(text, value):
    assert read("childbearing_potential", text).value == value


@pytest.mark.parametrize("qid", ["sex", "respondent", "childbearing_potential", "other_trial", "age", "recent_chemo",
                                 "other_malignancy", "ecog", "creatinine", "liver_enzymes", "post_mpn_aml"])
@pytest.mark.parametrize("text", NONSENSE)
def test_nonsense_is_never_a_verdict(qid, text):
    answer = read(qid, text)
    assert not answer.understood and answer.missing
