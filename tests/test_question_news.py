"""The box's memory of what the household last saw of its questions (home's badge), and the
household's own words for each outcome with its next step: plain Python, no window."""
from __future__ import annotations

from stb_app.i18n import translate
from stb_app.offices import offering, services_offered
from stb_app.question_news import QuestionsSeen
from stb_app.question_outcomes import (ANSWERED, ASK_AGAIN, CALL_HOTLINE, CLOSED, REFERRED, REFERRED_TO, SEE_OFFICE,
                                       UNREACHABLE, next_steps, outcome, outcome_text)

OFFICE = {"id": "abag-belgutei-office", "name": {"zh": "别力古台镇司法所", "mn": "ᠪᠡᠯᠭᠦᠳᠡᠢ"}, "phone": "0479-12348",
          "address": {"zh": "阿巴嘎旗", "mn": "ᠠᠪᠠᠭ᠎ᠠ"}, "hours": {"zh": "周一至周五", "mn": "ᠭᠠᠷᠠᠭ"}}


def test_a_question_waiting_is_not_news_but_its_answer_is_until_the_household_looks(tmp_path):
    waiting = {"id": "q1", "status": "queued", "outcome": None, "answer_summary": None}
    answered = {**waiting, "status": "resolved", "outcome": "answered", "answer_summary": {"zh": "可以"}}
    seen = QuestionsSeen(tmp_path / "seen.json")

    assert seen.changed([waiting]) == []
    seen.mark_seen([waiting])
    assert seen.changed([answered]) == [answered]
    assert QuestionsSeen(tmp_path / "seen.json").changed([answered]) == [answered]  # kept across restarts
    seen.mark_seen([answered])
    assert QuestionsSeen(tmp_path / "seen.json").changed([{**answered, "rating": 5}]) == []  # its own rating


def test_a_question_that_ended_before_the_household_ever_looked_is_news(tmp_path):
    closed = {"id": "q2", "status": "closed", "outcome": "unreachable"}
    assert QuestionsSeen(tmp_path / "seen.json").changed([closed]) == [closed]


def test_a_broken_memory_file_reads_as_nothing_seen(tmp_path):
    (tmp_path / "seen.json").write_text("{not json")
    assert QuestionsSeen(tmp_path / "seen.json").changed([{"id": "q", "status": "resolved"}])


def test_every_outcome_has_its_own_words_and_a_next_step():
    referred = {"status": "referred", "referral": "mediation", "office": OFFICE}
    cases = [
        ({"status": "queued"}, None, []),
        ({"status": "resolved", "outcome": "answered", "answer_summary": {"zh": "x"}}, ANSWERED, [ASK_AGAIN, CALL_HOTLINE]),
        ({"status": "closed", "outcome": "unreachable"}, UNREACHABLE, [ASK_AGAIN, CALL_HOTLINE]),
        ({"status": "closed", "outcome": "closed_by_supervisor"}, CLOSED, [ASK_AGAIN, CALL_HOTLINE]),
        (referred, REFERRED_TO, [SEE_OFFICE, CALL_HOTLINE]),
        ({**referred, "status": "revisit_pending"}, REFERRED_TO, [SEE_OFFICE, CALL_HOTLINE]),
        ({**referred, "office": None}, REFERRED, [ASK_AGAIN, CALL_HOTLINE]),
    ]
    for question, msgid, steps in cases:
        assert outcome(question) == msgid and next_steps(question) == steps, question
    said = outcome_text(referred)
    assert said["zh"] == translate(REFERRED_TO, "zh", office="别力古台镇司法所")
    assert "ᠪᠡᠯᠭᠦᠳᠡᠢ" in said["mn"]


def test_the_service_row_lists_only_offered_services_in_a_fixed_order_and_filters_nearest_first():
    points = [{"id": "a", "services": ["notary", "legal_aid"]}, {"id": "b", "services": ["legal_aid", "bakery"]},
              {"id": "c"}]
    assert services_offered(points) == ["legal_aid", "notary"]
    assert [p["id"] for p in offering(points, "legal_aid")] == ["a", "b"]
    assert [p["id"] for p in offering(points, "")] == ["a", "b", "c"]
