"""`python -m bot evaluate FILE.json`, run as staff would run it."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.eligibility.model import load_trial

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_evaluate_example_file():
    done = run("evaluate", "examples/answers.json", "--today", "2026-11-24")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["outcome"] == "likely_eligible"
    assert set(result["verdicts"]) == set(load_trial().criterion_ids)
    assert result["verdicts"]["pregnancy_breastfeeding"]["verdict"] == "not_applicable"


def test_evaluate_missing_answers_are_not_answered(tmp_path):
    f = tmp_path / "a.json"
    f.write_text(json.dumps({"answers": {"age": "17"}}))
    result = json.loads(run("evaluate", str(f)).stdout)
    assert result["outcome"] == "likely_ineligible"
    assert result["verdicts"]["other_trial"] == {"verdict": "unknown", "reason": "not answered"}


@pytest.mark.parametrize("content, words", [
    ("{not json", "not valid JSON"),
    ('{"answers": {"favourite_colour": "blue"}}', "unknown key 'favourite_colour'"),
    ('["age", 45]', "must hold an object"),
    ('{"answers": {"age": ["45"]}}', "must be text"),
])
def test_evaluate_bad_input_is_one_line_exit_2(tmp_path, content, words):
    f = tmp_path / "a.json"
    f.write_text(content)
    done = run("evaluate", str(f))
    assert done.returncode == 2 and words in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_evaluate_unreadable_file():
    done = run("evaluate", "no/such/file.json")
    assert done.returncode == 2 and "cannot read" in done.stderr and "Traceback" not in done.stderr


def run_env(*args, env, stdin=None):
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=env, input=stdin)


def test_check_config_warns_the_operator_about_unset_contact_details(tmp_path):
    import os

    site = tmp_path / "site.yml"
    site.write_text("team_name: Test team\nstudy_phone: ''\nstudy_email: team@example.org\nstudy_id: NCT03558607\n",
                    encoding="utf-8")
    env = dict(os.environ, TRIALBOT_SITE_CONFIG=str(site))
    env.pop("TRIALBOT_TRIAL", None)
    done = run_env("check-config", env=env)
    assert done.returncode == 0
    assert "study_phone: (not set)" in done.stdout and "study_email: team@example.org" in done.stdout
    assert "warning:" in done.stderr and "study_phone is not set" in done.stderr
    assert "study_email is not set" not in done.stderr
    assert "109" in done.stdout and "119" in done.stdout and "Asia/Seoul" in done.stdout
    assert run_env("check-config", "--strict", env=env).returncode == 1


def test_check_config_reports_the_active_trial_not_the_first(tmp_path):
    import os

    demo = ROOT / "tests" / "fixtures" / "trials"
    env = dict(os.environ, TRIALBOT_TRIAL="DEMO-0001", TRIALBOT_TRIALS_DIR=str(demo))
    done = run_env("check-config", env=env)
    assert done.returncode == 0, done.stderr
    assert (f"  active trial: DEMO-0001 (from TRIALBOT_TRIAL; {demo / 'demo-0001'}): A made-up anemia study (tests only)\n"
            in done.stdout)
    assert "NCT03558607" not in done.stdout
    assert "  team: The study team at Seoul National University Hospital / 서울대학교병원 연구팀\n" in done.stdout
    done = run_env("check-config", env=dict(env, TRIALBOT_TRIAL="NCT00000000"))
    assert done.returncode == 1
    assert f"  active trial: NCT00000000 (from TRIALBOT_TRIAL): cannot be loaded: no trial folder {demo / 'nct00000000'}" \
        in done.stdout
    assert "error: the active trial cannot be loaded; set study_id in the site file or TRIALBOT_TRIAL" in done.stderr


def test_site_accessor_keeps_unset_details_unset(tmp_path):
    from bot import config

    site = tmp_path / "site.yml"
    site.write_text("phone: ''\nemail: to be configured by the site\n", encoding="utf-8")
    s = config.site(site)
    assert (s.phone, s.email, s.study_phone, s.public_phone, s.address) == ("", "", "", "", "")
    assert s.institution == "Seoul National University Hospital" and s.institution_short == "SNUH"
    assert s.study_id == "" and s.contact_role == "Primary Contact"  # the trial is named by config/site.yml
    assert [c.number for c in s.crisis_lines] == ["109", "119"] and s.time_zone == "Asia/Seoul"
    assert s.reference_prefix == "SNU" and s.retention_days == 90 and not s.has_contact
    assert (s.hospital("en"), s.hospital("ko")) == ("Seoul National University Hospital",) * 2  # no Korean name set
    assert (s.team("en"), s.team("ko")) == ("The study team", "The study team")
    shipped = config.site(ROOT / "config" / "site.yml")
    assert not shipped.phone and not shipped.public_phone and not shipped.address  # nothing made up
    site.write_text("time_zone: Mars/Olympus\n", encoding="utf-8")
    with pytest.raises(ValueError):
        config.site(site)
    site.write_text("study_phnoe: '+82 2 2072 0000'\n", encoding="utf-8")  # misspelt: would leave the phone unset
    with pytest.raises(ValueError, match="study_phnoe"):
        config.site(site)


def test_settings_are_read_in_one_place_and_keep_secrets_out_of_repr(monkeypatch, tmp_path):
    from bot import config

    monkeypatch.setenv("TRIALBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("TRIALBOT_ENCRYPTION_KEY", "secret-key-value")
    monkeypatch.setenv("TRIALBOT_RASA_URLS", "http://a:5005/, http://b:5005")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("TRIALBOT_KEY_FILE", raising=False)
    s = config.settings()
    assert s.database_url == f"sqlite:///{tmp_path / 'trialbot.db'}"
    assert s.key_file == tmp_path / "home" / ".config" / "trialbot" / "encryption.key"  # outside the data folder
    assert s.rasa_urls == ("http://a:5005", "http://b:5005") and s.encryption_key == "secret-key-value"
    assert "secret-key-value" not in repr(s)
    for root in ("bot", "actions", "addons", "web"):
        for path in (ROOT / root).rglob("*.py"):
            if path != ROOT / "bot" / "config.py":
                text = path.read_text(encoding="utf-8")
                assert "os.environ.get(\"TRIALBOT" not in text and "getenv(" not in text, path
