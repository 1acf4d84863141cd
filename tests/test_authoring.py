"""`python -m bot trial draft RECORD.json`: a draft trial folder from a real
ClinicalTrials.gov record (tests/fixtures/registry/, sources in SOURCES.md).

Each record has an expected-items file written by reading its eligibility
text (expected/<id>.yml), not from the drafter's output. A criterion counts
as right with no edit when the draft has exactly the expected question(s),
with the expected reader kind and key figures, and no TODO on them."""
from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any, List, Mapping, Optional, Tuple

import pytest
import yaml

from bot.authoring.parse import read_record
from bot.authoring.split import Section, split
from bot.authoring.write import write_draft
from bot.eligibility.model import Question, load_folder
from bot.eligibility.session import Session

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "tests" / "fixtures" / "registry"
RECORDS = sorted(REGISTRY.glob("NCT*.json"))
# Criteria right with no edit, as measured when the drafter was written (README, "Drafting a trial").
FLOORS = {"NCT00184067": 17, "NCT00711542": 21, "NCT03722472": 37, "NCT03934567": 20, "NCT05894239": 17}


def _draft(record: Path, tmp_path: Path) -> Path:
    out = tmp_path / record.stem
    write_draft(read_record(record), out, str(record))
    return out


# ------------------------------------------------------------------ reading a drafted question back

def _kind(q: Question) -> str:
    return q.reader if q.reader else "deferred"


def _passes(q: Question) -> Optional[str]:
    n = q.rule.number
    if n is None:
        return None
    if n.comparison == "between":
        return f"{n.limit:g}..{n.upper:g}"
    op = {"at_most": "<=", "at_least": ">=", "more_than": ">"}[n.comparison]
    if n.then.value == "fail":
        op = {"<=": ">", ">=": "<", ">": "<="}[op]
    return f"{op} {n.limit:g}"


def _norm_pass(text: str) -> str:
    m = re.fullmatch(r"\s*([<>]=?)\s*([\d.]+)\s*|\s*([\d.]+)\s*\.\.\s*([\d.]+)\s*", text)
    assert m, text
    return f"{m[1]} {float(m[2]):g}" if m[1] else f"{float(m[3]):g}..{float(m[4]):g}"


def _same_figure(expected: str, q: Question) -> set:
    """The expected figure, and the same figure in the rule's unit by the draft's own conversions
    (a listing's 100,000 per µL is the rule's 100 x10^3/µL)."""
    m = re.fullmatch(r"([<>]=?) ([\d.e+]+)", expected)
    if not m:
        return {expected}
    return {expected} | {f"{m[1]} {float(m[2]) * f:g}" for f in q.params.get("units", {}).values()}


def _matches(exp: Mapping[str, Any], q: Question) -> bool:
    kind = exp["kind"]
    if _kind(q) != kind:
        return False
    n = q.rule.number
    checks = {
        "min": lambda v: n is not None and n.comparison in ("between", "at_least") and n.limit == v,
        "max": lambda v: n is not None and (n.upper if n.comparison == "between" else n.limit) == v
        and n.comparison in ("between", "at_most"),
        "pass": lambda v: _passes(q) in _same_figure(_norm_pass(v), q),
        "unit": lambda v: str(q.params.get("unit", "")).lower() == v.lower(),
        "analyte": lambda v: re.search(rf"_{v}(_\d+)?$", q.id) is not None,
        "analytes": lambda v: sorted(q.params.get("analytes", {})) == sorted(v),
        "days": lambda v: n is not None and n.limit == v,
        "recent": lambda v: n is not None and (n.comparison == "at_most") == (v == "pass"),
        "drug": lambda v: q.params.get("drug") == v,
    }
    if kind == "ecog":
        checks["max"] = lambda v: n is not None and n.comparison == "at_most" and n.limit == v
    if kind in ("last_dose", "condition_window") and "recent" not in exp and n is not None and n.comparison == "at_most":
        return False  # a window the draft reads the wrong way round
    sex = (q.applies_when.get("sex") or (None,))[0]
    if exp.get("sex") != sex:
        return False
    return all(checks[k](v) for k, v in exp.items() if k not in ("kind", "sex"))


def _todo_ids(folder: Path) -> set:
    """Questions of trial.yml whose block holds a TODO line."""
    out, current = set(), None
    for line in (folder / "trial.yml").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^  ([a-z0-9_]+):\s*$", line)
        if m:
            current = m[1]
        elif "TODO:" in line and current and line.startswith("    "):
            out.add(current)
    return out


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\\", "")).strip().lower()


def score(folder: Path, expected: Mapping[str, Any]) -> Tuple[int, int, List[str]]:
    """(criteria right with no edit, criteria listed, one line per miss)."""
    trial = load_folder(folder)
    todos = _todo_ids(folder)
    right, misses = 0, []
    for item in expected["items"]:
        drafted = [q for q in trial.criteria if q.kind == item["section"]
                   and _flat(q.listing).startswith(_flat(item["starts"]))]
        left = list(drafted)
        ok = len(drafted) == len(item["questions"])
        for exp in item["questions"]:
            hit = next((q for q in left if _matches(exp, q)), None)
            ok = ok and hit is not None
            if hit is not None:
                left.remove(hit)
        flagged = [q.id for q in drafted if q.id in todos]
        if ok and not flagged:
            right += 1
            continue
        got = ", ".join(f"{_kind(q)} {_passes(q) or ''}".strip() for q in drafted) or "no question"
        why = f"TODO on {', '.join(flagged)}" if ok else f"drafted {got}"
        misses.append(f"{item['section']} '{item['starts']}': expected "
                      f"{', '.join(e['kind'] for e in item['questions'])}; {why}")
    return right, len(expected["items"]), misses


@pytest.mark.parametrize("record", RECORDS, ids=[r.stem for r in RECORDS])
def test_each_real_record_drafts_a_folder_the_trial_schema_loads(record, tmp_path):
    folder = _draft(record, tmp_path)
    trial = load_folder(folder)
    criteria = split(read_record(record).criteria).criteria
    listed = {_flat(q.listing) for q in trial.criteria}
    # every criterion of the record is in the draft, asked or left to the team
    assert [c.text for c in criteria if _flat(c.text) not in listed] == []
    assert {c.section for c in criteria} == {Section.INCLUSION, Section.EXCLUSION}
    assert (folder / "listing.txt").read_text(encoding="utf-8").endswith(read_record(record).criteria.rstrip() + "\n")


@pytest.mark.parametrize("record", RECORDS, ids=[r.stem for r in RECORDS])
def test_how_many_criteria_each_draft_gets_right_with_no_edit(record, tmp_path):
    expected = yaml.safe_load((REGISTRY / "expected" / f"{record.stem}.yml").read_text(encoding="utf-8"))
    right, total, misses = score(_draft(record, tmp_path), expected)
    print(f"\n{record.stem}: draft gets {right} of {total} criteria right with no edit")
    print("\n".join(f"  miss: {m}" for m in misses))
    assert right >= FLOORS[record.stem]
    assert right + len(misses) == total


# ------------------------------------------------------------------ the usual layouts and figures

LAYOUTS = """Key Inclusion Criteria:

1) Adults aged 18 years or older
2) Patients must meet all of the following:
   a. Histologically confirmed AML
   b. ECOG performance status ≤ 2
* Acceptable contraception methods include:
  - condoms
  - intrauterine device

Exclusion Criteria

- Prior treatment with ruxolitinib
- Serum creatinine \\> 2.0 mg/dL
  Note: measured at screening
• Pregnancy
"""


def test_the_usual_layouts_split_into_inclusion_and_exclusion_items():
    got = [(c.section.value, c.number, c.text) for c in split(LAYOUTS).criteria]
    assert got == [
        ("inclusion", "1", "Adults aged 18 years or older"),
        ("inclusion", "2.1", "Histologically confirmed AML"),
        ("inclusion", "2.2", "ECOG performance status ≤ 2"),
        ("inclusion", "3", "Acceptable contraception methods include: condoms; intrauterine device"),
        ("exclusion", "1", "Prior treatment with ruxolitinib"),
        ("exclusion", "2", "Serum creatinine > 2.0 mg/dL Note: measured at screening"),
        ("exclusion", "3", "Pregnancy"),
    ]


def _record(**eligibility) -> Any:
    from bot.authoring.parse import parse_record

    return parse_record({"protocolSection": {
        "identificationModule": {"nctId": "NCT00000001", "briefTitle": "A test record"},
        "statusModule": {"overallStatus": "RECRUITING", "lastUpdatePostDateStruct": {"date": "2026-01-15"},
                         "completionDateStruct": {"date": "2028-06"}},
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": "Test sponsor"}},
        "armsInterventionsModule": {"interventions": [{"type": "DRUG", "name": "Ruxolitinib", "otherNames": ["Jakafi"]}]},
        "eligibilityModule": {"eligibilityCriteria": "Inclusion Criteria:\n\n* Age ≥ 18 years", "sex": "ALL",
                              "minimumAge": "18 Years", **eligibility}}})


@pytest.mark.parametrize("section, text, kind, params, rule, applies_when", [
    ("exclusion", "ALT or AST > 1.5 x ULN", "lab_uln",
     {"analytes": {"ALT": ["alt", "sgpt", "gpt"], "AST": ["ast", "sgot", "got"]}},
     {"number": {"at_most": 1.5, "then": "pass", "else": "fail"},
      "map": {"normal": "pass", "high": "unknown", "partial": "deferred", "unknown": "deferred"}}, {}),
    ("inclusion", "AST/ALT ≤ 2.5 × upper limit of normal", "lab_uln",
     {"analytes": {"ALT": ["alt", "sgpt", "gpt"], "AST": ["ast", "sgot", "got"]}},
     {"number": {"at_most": 2.5, "then": "pass", "else": "fail"},
      "map": {"normal": "pass", "high": "unknown", "partial": "deferred", "unknown": "deferred"}}, {}),
    ("inclusion", "Serum creatinine < 2 mg/dL", "lab", None,
     {"number": {"at_least": 2, "then": "fail", "else": "pass"},
      "map": {"normal": "pass", "high": "unknown", "unknown": "deferred"}}, {}),
    ("inclusion", "Creatinine clearance ≥ 60 mL/min", "lab", None,
     {"number": {"at_least": 60, "then": "pass", "else": "fail"},
      "map": {"normal": "pass", "high": "unknown", "unknown": "deferred"}}, {}),
    ("inclusion", "Platelets ≥ 100 x 10^9/L", "lab", None,
     {"number": {"at_least": 100, "then": "pass", "else": "fail"},
      "map": {"normal": "pass", "high": "unknown", "unknown": "deferred"}}, {}),
    ("exclusion", "Chemotherapy within 14 days before the first dose", "last_dose", {},
     {"number": {"at_least": 14, "then": "pass", "else": "fail"}, "map": {"none": "pass", "unsure": "unknown"}}, {}),
    ("exclusion", "Myocardial infarction within the last 4 weeks", "condition_window", {"label": "", "exempt": []},
     {"number": {"more_than": 28, "then": "pass", "else": "fail"},
      "map": {"none": "pass", "exempt": "pass", "unsure": "unknown"}}, {}),
    ("exclusion", "Major surgery within 6 months prior to enrollment", "condition_window", {"label": "", "exempt": []},
     {"number": {"more_than": 180, "then": "pass", "else": "fail"},
      "map": {"none": "pass", "exempt": "pass", "unsure": "unknown"}}, {}),
    ("exclusion", "Women who are pregnant or breastfeeding", "yes_no", {"present": True},
     {"map": {"no": "pass", "yes": "fail", "unsure": "unknown"}}, {"sex": ("female",),
                                                                 "childbearing_potential": ("yes", "unknown")}),
    ("inclusion", "Age ≥ 18 years", "age", {}, {"number": {"at_least": 18, "then": "pass", "else": "fail"},
                                                 "map": {"unsure": "unknown"}}, {}),
    ("exclusion", "Prior treatment with ruxolitinib", "yes_no", {"drug": "ruxolitinib"},
     {"map": {"no": "pass", "yes": "fail", "unsure": "unknown"}}, {}),
    ("inclusion", "ECOG performance status 0-1", "ecog", {}, {"number": {"at_most": 1, "then": "pass", "else": "fail"},
                                                              "map": {"unsure": "unknown"}}, {}),
    ("inclusion", "Signed informed consent", "deferred", {}, {"always": "deferred"}, {}),
])
def test_each_usual_criterion_gets_its_reader_parameters_and_rule(section, text, kind, params, rule, applies_when):
    from bot.authoring.split import Criterion
    from bot.authoring.suggest import draft_vocabulary, suggest

    record = _record()
    (proposal,) = suggest(Criterion(Section(section), "1", text), record, draft_vocabulary(record)).proposals
    assert (proposal.kind.value, dict(proposal.rule), dict(proposal.applies_when), proposal.todos) == \
        (kind, rule, applies_when, ())
    if params is not None:
        assert dict(proposal.params) == params


def test_a_unit_the_drafter_does_not_expect_is_a_todo_never_a_silent_guess():
    from bot.authoring.split import Criterion
    from bot.authoring.suggest import draft_vocabulary, suggest

    record = _record()
    (proposal,) = suggest(Criterion(Section.EXCLUSION, "1", "Anaemia with Hb < 8.5 mg/dl"), record,
                          draft_vocabulary(record)).proposals
    assert proposal.todos == ("the listing's unit 'mg/dl' is not how hemoglobin is reported (g/dL): check the figure",)


# ------------------------------------------------------------------ the command, as a study coordinator runs it

def test_the_command_writes_a_draft_and_says_what_is_left(tmp_path, capsys):
    from bot.authoring.write import todo_markers
    from bot.cli import main

    record, out = REGISTRY / "NCT03934567.json", tmp_path / "draft"
    assert main(["trial", "draft", str(record), "--out", str(out)]) == 0
    left = todo_markers(out)
    assert capsys.readouterr().out.splitlines() == [
        f"NCT03934567: 20 criteria, 25 questions (22 asked) in {out}",
        f"{len(left)} TODO markers left (grep -rn TODO {out}); the folder loads as it is, but must not be shown to "
        "patients until none is left"]
    assert sorted({f for f, _n, _line in left}) == ["texts.en.yml", "texts.ko.yml", "trial.yml", "vocabulary.yml"]
    # a second run never overwrites a folder someone may have started editing
    assert main(["trial", "draft", str(record), "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"error: {out} exists and is not an empty folder; give another --out\n"
    not_a_record = tmp_path / "other.json"
    not_a_record.write_text(json.dumps({"studies": []}), encoding="utf-8")
    assert main(["trial", "draft", str(not_a_record), "--out", str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err == f"error: {not_a_record}: holds 0 studies; give a file with one\n"
    assert not (tmp_path / "x").exists()


def _strings(data: Any, path: str = "") -> List[Tuple[str, str]]:
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in _strings(v, f"{path}.{k}")]
    if isinstance(data, list):
        return [s for v in data for s in _strings(v, path)]
    return [(path, data)] if isinstance(data, str) else []


def test_the_draft_never_writes_korean_or_plain_language_text_itself(tmp_path):
    folder = _draft(REGISTRY / "NCT00711542.json", tmp_path)
    buttons = yaml.safe_load((ROOT / "bot" / "authoring" / "buttons.yml").read_text(encoding="utf-8"))
    record = read_record(REGISTRY / "NCT00711542.json")
    for lang in ("en", "ko"):
        texts = yaml.safe_load((folder / f"texts.{lang}.yml").read_text(encoding="utf-8"))
        written = [(p, s) for p, s in _strings(texts) if not s.startswith("TODO:" if lang == "en" else "TODO(ko):")]
        facts = {(".title", record.brief_title), (".sponsor", record.sponsor)} if lang == "en" else set()
        assert {(p, s) for p, s in written if ".buttons." not in p} == facts
        assert {s for p, s in written if ".buttons." in p} <= set(buttons[lang].values())


def test_a_draft_runs_through_the_evaluator_as_it_is(tmp_path):
    folder = _draft(REGISTRY / "NCT00711542.json", tmp_path)
    answers = {"inc1_4_age": "67", "exc10_creatinine": "1.1 mg/dL", "exc11_ast": "AST 30, normal up to 40",
               "exc11_inr": "1.1", "exc12_platelets": "150", "exc3_lvef": "45%",
               "exc9_recent_stroke": "yes, 2 months ago", "exc16_major_surgery": "no",
               "exc21_participation_different": "no", "sex": "female", "childbearing_potential": "no"}
    session = Session.from_texts(load_folder(folder), answers, date(2026, 12, 2))
    assert {k: session.verdicts[k].verdict.value for k in answers if k in session.verdicts} == {
        "inc1_4_age": "pass", "exc10_creatinine": "pass", "exc11_ast": "pass", "exc11_inr": "pass",
        "exc12_platelets": "pass", "exc3_lvef": "pass", "exc9_recent_stroke": "fail", "exc16_major_surgery": "pass",
        "exc21_participation_different": "pass"}
    assert session.verdicts["exc18_pregnancy"].verdict.value == "not_applicable"
    assert session.outcome.value == "likely_ineligible"


def test_a_text_without_section_headers_is_drafted_as_inclusions_each_to_confirm(tmp_path):
    record = _record(eligibilityCriteria="* Age 18 years or older\n* No prior chemotherapy", sex="FEMALE")
    assert [(c.section.value, c.number, c.text, c.placed) for c in split(record.criteria).criteria] == [
        ("inclusion", "1", "Age 18 years or older", False), ("inclusion", "2", "No prior chemotherapy", False)]
    out = tmp_path / "draft"
    write_draft(record, out, "record.json")
    text = (out / "trial.yml").read_text(encoding="utf-8")
    assert text.count("# TODO: the record has no inclusion or exclusion headers: which is it?") == 2
    assert "# TODO: the record takes female participants only: say so in the texts, or add a question" in text
    load_folder(out)


@pytest.mark.parametrize("content, error", [
    (b"", "is not valid JSON: Expecting value at line 1, column 1"),
    (b"\xff\xfe not text", "cannot read {path}: UnicodeDecodeError"),
    (b"[1, 2]", "{path}: no 'protocolSection': not a ClinicalTrials.gov API v2 record"),
    (b'{"studies": [{}, {}]}', "{path}: holds 2 studies; give a file with one"),
    (b'{"protocolSection": {"identificationModule": {"nctId": "NCT00000001"}}}',
     "{path}: field 'protocolSection.eligibilityModule.eligibilityCriteria' is missing or empty"),
    (b'{"protocolSection": {"identificationModule": {"nctId": "<script>"}}}',
     "{path}: field 'protocolSection.identificationModule.nctId' is missing or not NCT and 8 digits"),
])
def test_a_file_that_is_not_a_record_gets_one_clear_line_and_nothing_written(content, error, tmp_path, capsys):
    from bot.cli import main

    path = tmp_path / "record.json"
    path.write_bytes(content)
    assert main(["trial", "draft", str(path), "--out", str(tmp_path / "out")]) == 2
    message = error.format(path=path)
    assert capsys.readouterr().err == (f"error: {message}\n" if "{path}" in error or "cannot" in error
                                       else f"error: {path} {message}\n")
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------ a second requirement, a figure that explains

def _proposals(section: str, text: str) -> List[Tuple[str, str, dict, Tuple[str, ...]]]:
    from bot.authoring.split import Criterion
    from bot.authoring.suggest import draft_vocabulary, suggest

    record = _record()
    found = suggest(Criterion(Section(section), "1", text), record, draft_vocabulary(record)).proposals
    assert all(p.todos == () for p in found)
    return [(p.kind.value, p.name, dict(p.rule), p.notes) for p in found]


WINDOW_28_DOSE = {"number": {"at_least": 28, "then": "pass", "else": "fail"}, "map": {"none": "pass", "unsure": "unknown"}}
PLAN_RULES_OUT = {"map": {"no": "pass", "yes": "fail", "unsure": "unknown"}}


@pytest.mark.parametrize("text, plan", [
    ("Chemotherapy within 4 weeks before enrollment, or planned chemotherapy during the study",
     "planned chemotherapy during the study"),
    # "and no planned X" in an exclusion means that a plan rules out, as "or planned X" does
    ("Any vaccine within 28 days prior to the first dose and no planned vaccination during the study period.",
     "planned vaccination during the study period"),
    ("Radiotherapy within 4 weeks prior to day 1, or intends to receive radiotherapy while on study",
     "intends to receive radiotherapy while on study"),
])
def test_a_plan_joined_to_a_look_back_window_is_a_second_question(text, plan):
    (dose, asked) = _proposals("exclusion", text)
    assert dose[0] == "last_dose" and dose[2] == WINDOW_28_DOSE
    assert asked[0] == "yes_no" and asked[2] == PLAN_RULES_OUT and asked[3] == (f"this question: {plan}",)


def test_a_plan_in_an_inclusion_passes_on_yes_and_a_plan_with_no_window_is_one_question():
    inclusion = _proposals("inclusion", "Chemotherapy within 4 weeks before screening, or planned chemotherapy")
    assert inclusion[1][2] == {"map": {"yes": "pass", "no": "fail", "unsure": "unknown"}}
    assert [p[0] for p in _proposals("exclusion", "Planned surgery during the study")] == ["yes_no"]
    # "planned" inside the window's own clause is no second requirement
    assert [p[0] for p in _proposals("exclusion", "Planned surgery within 4 weeks before enrollment")] == \
        ["condition_window"]


def test_a_lab_figure_explaining_an_event_in_a_window_is_not_a_question_of_its_own():
    (event,) = _proposals("exclusion", "Major bleeding (hemoglobin < 8 g/dL) within the last 4 weeks")
    assert event[:3] == ("condition_window", "major_bleeding", {
        "number": {"more_than": 28, "then": "pass", "else": "fail"},
        "map": {"none": "pass", "exempt": "pass", "unsure": "unknown"}})
    assert event[3] == ("the listing explains 'bleeding' by (hemoglobin < 8 g/dL): the study team checks the figure",)
    # with no window the figure is the criterion: its lab question, as before
    assert [p[:2] for p in _proposals("exclusion", "Severe bleeding (hemoglobin < 8 g/dL)")] == \
        [("lab", "hemoglobin")]
