"""What the box remembers of notices, without a window: an urgent notice is due once, across
restarts; withdrawn notices leave the past list; a broken file starts afresh."""
from stb_app.notices import KEEP, NoticeMemory, banners


def notice(i: int, kind: str = "urgent") -> dict:
    return {"id": i, "kind": kind, "title": {"zh": f"通知{i}", "mn": "ᠮᠡᠳᠡᠭᠳᠡᠯ"}, "body": {"zh": "", "mn": ""},
            "publish_from": f"2026-12-{1 + i % 28:02d}T08:00:00+08:00"}


def test_an_urgent_notice_is_due_once_even_after_a_restart(tmp_path):
    memory = NoticeMemory(tmp_path / "notices.json")
    current = [notice(1), notice(2, "banner")]
    memory.remember(current)
    assert memory.urgent_to_show(current)["id"] == 1
    memory.mark_shown(1)
    assert memory.urgent_to_show(current) is None
    again = NoticeMemory(tmp_path / "notices.json")  # the box restarted
    assert again.urgent_to_show(current) is None and [n["id"] for n in banners(current)] == [2]
    assert {n["id"] for n in again.past()} == {1, 2}


def test_a_withdrawn_notice_leaves_the_past_list_and_old_ones_are_forgotten(tmp_path):
    memory = NoticeMemory(tmp_path / "notices.json")
    memory.remember([notice(1, "banner"), notice(2)])
    memory.remember([notice(2)], withdrawn=[1])
    assert [n["id"] for n in NoticeMemory(tmp_path / "notices.json").past()] == [2]
    memory.remember([notice(i, "banner") for i in range(3, KEEP + 8)])
    assert len(memory.past()) == KEEP


def test_a_broken_file_starts_afresh(tmp_path):
    (tmp_path / "notices.json").write_text('{"shown": [1], "received": [')
    memory = NoticeMemory(tmp_path / "notices.json")
    assert memory.urgent_to_show([notice(1)])["id"] == 1
