"""Every custom action, called as the Rasa server calls it: a Tracker in, a
CollectingDispatcher's messages and events out, records in a real database."""
import sqlalchemy as sa

from actions.handoff import (ActionDeclineHandoff, ActionDeleteMyData, ActionStartHandoff, ActionSubmitHandoff,
                             ValidateHandoffForm)
from actions.screening import (ActionCorrectAnswer, ActionDeclineConsent, ActionEmergency, ActionExplainTerm,
                               ActionExplainWhy, ActionFallback, ActionGoBack, ActionHumanContact, ActionOutOfScope,
                               ActionResume, ActionShowResult, ActionShowSummary, ActionStartOver,
                               ActionStartScreening, ActionStop, ActionWelcome, ActionWelcomeBack, ASK_ACTIONS,
                               ValidateScreeningForm)
from bot.store import Screening
from tests.actions_helpers import SENDER, run, texts, tracker

ELIGIBLE = {
    "respondent": "for myself", "post_mpn_aml": "yes, AML after PV", "age": "64", "prior_ruxolitinib": "no",
    "recent_chemo": "no", "other_trial": "no", "ecog": "fully active", "fit_for_induction": "no",
    "other_malignancy": "no", "cardiac_function": "no", "hepatic_renal_function": "no",
    "serious_conditions": "no", "sex": "male", "male_barrier_contraception": "yes", "creatinine": "1.0 mg/dL",
    "liver_enzymes": "normal",
}


def answers_in_db(store):
    with store.session() as s:
        screening = s.execute(sa.select(Screening).where(Screening.sender_id == SENDER)).scalar_one()
        return {a.criterion_id: (a.raw_text, a.verdict) for a in screening.answers}, screening


def validate(slots, qid, text, intent="inform"):
    return run(ValidateScreeningForm(), tracker(slots, text=text, intent=intent, new_slots={qid: text},
                                                requested_slot=qid, active_loop="screening_form"))


def test_welcome_says_who_what_and_that_the_end_date_has_passed(bot_env):
    messages, slots, _ = run(ActionWelcome(), tracker())
    said = texts(messages)
    assert "NCT03558607" in said and "Seoul National University Hospital" in said
    assert "31 August 2024" in said and "4 March 2022" in said
    assert "recruitment may have closed" in said
    assert "not enrollment" in said and "diagnose" in said
    assert messages[-1]["buttons"] and slots == {"stage": "consent"}


def test_welcome_back_offers_to_continue(bot_env):
    messages, slots, _ = run(ActionWelcome(), tracker({"stage": "stopped"}))
    assert "Welcome back" in texts(messages) and [b["payload"] for b in messages[0]["buttons"]] == ["/resume", "/start_over"]
    messages, _, _ = run(ActionWelcomeBack(), tracker({"stage": "screening"}, requested_slot="age"))
    assert "Age" in texts(messages)


def test_consent_starts_a_screening_record(bot_env):
    _, slots, _ = run(ActionStartScreening(), tracker({"stage": "consent"}))
    assert slots == {"consent_screening": True, "stage": "screening"}
    assert bot_env.counts()["screenings"] == 1


def test_no_consent_ends_kindly_with_the_contact_and_stores_nothing(bot_env):
    messages, slots, _ = run(ActionDeclineConsent(), tracker({"stage": "consent"}))
    assert "to be configured by the site" in texts(messages)
    assert slots["consent_screening"] is False and bot_env.counts()["screenings"] == 0


def test_an_answer_is_stored_with_its_verdict_and_the_next_question_follows(bot_env):
    messages, slots, _ = validate({"respondent": "for myself", "post_mpn_aml": "yes"}, "age", "64")
    assert slots["age"] == "64" and slots["requested_slot"] == "prior_ruxolitinib"
    stored, _ = answers_in_db(bot_env)
    assert stored["age"] == ("64", "pass")


def test_an_unreadable_answer_is_asked_again_once_then_left_to_the_team(bot_env):
    base = {"respondent": "for myself", "post_mpn_aml": "yes"}
    messages, slots, _ = validate(base, "age", "banana")
    assert slots["age"] is None and slots["misses"] == {"age": 1} and slots["requested_slot"] == "age"
    assert "For example" in texts(messages)
    messages, slots, _ = validate(dict(base, misses={"age": 1}), "age", "banana again")
    assert slots["age"] == "banana again" and slots["requested_slot"] == "prior_ruxolitinib"
    assert "study team should check" in texts(messages)
    stored, _ = answers_in_db(bot_env)
    assert stored["age"] == ("banana again", "unknown")


def test_impossible_age_is_never_stored_as_fact(bot_env):
    _, slots, _ = validate({"respondent": "me", "post_mpn_aml": "yes"}, "age", "150")
    assert slots["age"] is None


def test_a_caregiver_is_asked_about_the_patient(bot_env):
    _, slots, _ = validate({}, "respondent", "I'm asking for my mother")
    assert slots["relation"] == "mother" and slots["sex"] == "female"
    _, screening = answers_in_db(bot_env)
    assert (screening.respondent, screening.relation) == ("proxy", "mother")
    ask = next(a for a in ASK_ACTIONS if a().name() == "action_ask_prior_ruxolitinib")()
    messages, _, _ = run(ask, tracker({"respondent": "my mother"}))
    assert messages[0]["text"].startswith("Has your mother ever taken ruxolitinib")
    assert {b["title"] for b in messages[0]["buttons"]} == {"No, never", "Yes", "Not sure"}


def test_asking_stops_after_a_fail(bot_env):
    _, slots, _ = validate({"respondent": "me"}, "post_mpn_aml", "only PV so far")
    assert slots["post_mpn_aml"] == "only PV so far" and slots["requested_slot"] is None


def test_why_and_what_does_it_mean(bot_env):
    messages, _, _ = run(ActionExplainWhy(), tracker(requested_slot="creatinine", text="why do you ask?"))
    assert "2.5 mg/dL" in texts(messages) and "comparison sign" in texts(messages)
    messages, _, _ = run(ActionExplainTerm(), tracker(text="what does ECOG mean?", requested_slot="ecog"))
    assert "0-4 scale" in texts(messages)
    messages, _, _ = run(ActionExplainTerm(), tracker(text="what is Jakafi", requested_slot="age"))
    assert "Ruxolitinib (sold as Jakafi" in texts(messages)


def test_emergency_out_of_scope_and_a_person(bot_env):
    assert "119" in texts(run(ActionEmergency(), tracker(text="I have chest pain"))[0])
    assert "chest pain" in texts(run(ActionEmergency(), tracker(text="I have chest pain"))[0])
    assert "study team" in texts(run(ActionOutOfScope(), tracker(text="what are the side effects"))[0])
    said = texts(run(ActionHumanContact(), tracker(text="talk to a person"))[0])
    assert "Seoul National University Hospital" in said and "to be configured by the site" in said


def test_go_back_forgets_the_last_answer(bot_env):
    _, slots, _ = run(ActionGoBack(), tracker({"respondent": "me", "post_mpn_aml": "yes", "age": "64"},
                                              requested_slot="prior_ruxolitinib", active_loop="screening_form"))
    assert slots == {"age": None}


def test_change_my_age_to_64(bot_env):
    messages, slots, _ = run(ActionCorrectAnswer(), tracker(dict(ELIGIBLE, age="46"), text="change my age to 64",
                                                            intent="correct_answer"))
    assert slots["age"] == "64" and slots["correction_found"] is True and "64" in texts(messages)
    stored, _ = answers_in_db(bot_env)
    assert stored["age"] == ("64", "pass")


def test_correction_without_a_target_asks_which(bot_env):
    messages, slots, _ = run(ActionCorrectAnswer(), tracker(ELIGIBLE, text="I made a mistake", intent="correct_answer"))
    assert slots == {"correction_found": False}
    assert '/correct_answer{"criterion": "age"}' in [b["payload"] for b in messages[0]["buttons"]]
    _, slots, _ = run(ActionCorrectAnswer(), tracker(ELIGIBLE, text='/correct_answer{"criterion": "age"}',
                                                     intent="correct_answer",
                                                     entities=[{"entity": "criterion", "value": "age"}]))
    assert slots["age"] is None and slots["correction_found"] is True


def test_start_over_stop_and_resume(bot_env):
    run(ActionStartScreening(), tracker())
    _, _, events = run(ActionStartOver(), tracker(ELIGIBLE))
    assert {"event": "reset_slots", "timestamp": None} in events
    _, slots, events = run(ActionStop(), tracker({"stage": "screening"}, active_loop="screening_form"))
    assert slots["stage"] == "stopped" and any(e["event"] == "active_loop" and e["name"] is None for e in events)
    _, slots, _ = run(ActionResume(), tracker({"stage": "stopped", "consent_screening": True}))
    assert slots == {"stage": "screening"}


def test_summary_lists_every_answer(bot_env):
    messages, slots, _ = run(ActionShowSummary(), tracker(ELIGIBLE))
    said = texts(messages)
    assert "- Age: 64" in said and "- Ruxolitinib before: no" in said and slots == {"stage": "summary"}


def test_result_likely_eligible_offers_the_handoff(bot_env):
    messages, slots, _ = run(ActionShowResult(), tracker(ELIGIBLE))
    said = texts(messages)
    assert slots["screening_outcome"] == "likely_eligible" and slots["stage"] == "handoff_offer"
    assert "you are likely eligible" in said and "What happens next" in said and "share these answers" in said
    stored, screening = answers_in_db(bot_env)
    assert screening.outcome == "likely_eligible" and stored["life_expectancy"][1] == "deferred"


def test_result_needs_review_names_what_the_team_checks(bot_env):
    messages, slots, _ = run(ActionShowResult(), tracker(dict(ELIGIBLE, respondent="my father",
                                                              cardiac_function="he has atrial fibrillation")))
    assert slots["screening_outcome"] == "needs_review"
    assert "your father is possibly eligible" in texts(messages) and "Serious heart problem" in texts(messages)


def test_result_likely_ineligible_says_why_and_still_gives_the_contact(bot_env):
    messages, slots, _ = run(ActionShowResult(), tracker(dict(ELIGIBLE, prior_ruxolitinib="yes, Jakafi")))
    said = texts(messages)
    assert slots == {"screening_outcome": "likely_ineligible", "stage": "done"}
    assert "likely not eligible" in said and "never taken it" in said and "change my answer" in said
    assert "to be configured by the site" in said and "share these answers" not in said


def test_invalid_phone_or_email_is_asked_again_and_never_stored(bot_env):
    form = ValidateHandoffForm()
    for bad in ("12345", "kim@", "call me maybe"):
        messages, slots, _ = run(form, tracker(text=bad, new_slots={"contact_details": bad},
                                               requested_slot="contact_details", active_loop="handoff_form"))
        assert slots["contact_details"] is None and "010-1234-5678" in texts(messages)
    _, slots, _ = run(form, tracker(text="+82 10 1234 5678 or kim@example.com",
                                    new_slots={"contact_details": "+82 10 1234 5678 or kim@example.com"},
                                    requested_slot="contact_details", active_loop="handoff_form"))
    assert slots["contact_details"] == "+821012345678 kim@example.com"
    _, slots, _ = run(form, tracker(text="<script>", new_slots={"contact_name": "<script>"},
                                    requested_slot="contact_name", active_loop="handoff_form"))
    assert slots["contact_name"] is None


def test_handoff_is_stored_encrypted_with_a_reference(bot_env):
    run(ActionShowResult(), tracker(ELIGIBLE))
    _, slots, _ = run(ActionStartHandoff(), tracker({"stage": "handoff_offer"}))
    assert slots["stage"] == "handoff"
    messages, slots, _ = run(ActionSubmitHandoff(), tracker(dict(
        ELIGIBLE, contact_name="Kim Minji", contact_details="+821012345678 kim@example.com",
        contact_time="weekday mornings", contact_language="Korean")))
    ref = slots["handoff_reference"]
    assert ref.startswith("SNU-") and ref in texts(messages) and "What happens next" in texts(messages)
    h = bot_env.handoff(ref)
    assert (h.name, h.phone, h.email, h.status) == ("Kim Minji", "+821012345678", "kim@example.com", "new")
    with bot_env.engine.connect() as conn:
        raw = " ".join(str(v) for row in conn.execute(sa.text("SELECT * FROM handoffs")) for v in row)
    assert "Kim" not in raw and "1234" not in raw and "example.com" not in raw


def test_declining_the_handoff_shows_the_contact(bot_env):
    messages, slots, _ = run(ActionDeclineHandoff(), tracker({"stage": "handoff_offer"}))
    assert "contact the study team yourself" in texts(messages) and slots == {"stage": "done"}


def test_delete_my_data_leaves_no_row(bot_env):
    run(ActionShowResult(), tracker(ELIGIBLE))
    run(ActionSubmitHandoff(), tracker(dict(ELIGIBLE, contact_name="Kim", contact_details="kim@example.com",
                                            contact_time="any", contact_language="English")))
    messages, slots, _ = run(ActionDeleteMyData(), tracker(ELIGIBLE))
    assert slots["data_deleted"] is True and "deleted" in texts(messages)
    assert bot_env.counts() == {"screenings": 0, "finished": 0, "handoffs": 0}
    with bot_env.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM answers")).scalar() == 0


def test_fallback_outside_a_question_reverts_the_message(bot_env):
    messages, _, events = run(ActionFallback(), tracker({"stage": "summary"}, text="qwerty"))
    assert "didn't understand" in texts(messages) and events[0]["event"] == "rewind"


def test_a_first_message_that_is_not_a_greeting_gets_the_welcome(bot_env):
    messages, slots, events = run(ActionFallback(), tracker(text="hello, checking for my dad"))
    assert "NCT03558607" in texts(messages) and messages[-1]["buttons"] == [
        {"title": "Yes, let's start", "payload": "/affirm"}, {"title": "No, thank you", "payload": "/deny"}]
    assert events[0]["event"] == "rewind" and slots == {"stage": "consent"}
