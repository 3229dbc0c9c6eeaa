"""The one schedule function, with plain data and the time passed in: no ffmpeg, no clock."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from content_server.schedule.planner import Video, current_item, local_day_bounds, plan, plan_day

CHINA = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 12, 3)  # a Thursday


def ms(day: date, clock: str) -> int:
    hours, minutes = map(int, clock.split(":"))
    return int(datetime(day.year, day.month, day.day, hours, minutes, tzinfo=CHINA).timestamp() * 1000)


def video(vid: str, minutes: float, category: str = "family", **kw) -> Video:
    return Video(vid, category, {"zh": f"{vid} 中", "mn": f"{vid} ᠮ"}, int(minutes * 60_000), **kw)


LIBRARY = {v.id: v for v in [video("a", 20), video("b", 25), video("c", 15), video("d", 10),
                             video("f1", 2, "filler"), video("f2", 3, "filler")]}


def slot(start, end, **kw):
    base = {"id": f"s{start}", "title": {"zh": "时段", "mn": "ᠴᠠᠭ"}, "start": start, "end": end,
            "source": {"type": "category", "category": "family"}, "order": "in_order", "flex": "end", "lateness": 0}
    base.update(kw)
    return base


def test_a_day_is_tiled_without_gaps_and_programmes_start_on_the_slot():
    schedule = {"seed": 1, "slots": [slot("08:00", "09:05")], "filler": {"type": "category", "category": "filler"}}
    items = plan_day(schedule, LIBRARY, DAY)
    start, end = local_day_bounds(DAY)
    assert items[0].start_ms == start and items[-1].end_ms == end
    assert all(a.end_ms == b.start_ms for a, b in zip(items, items[1:]))
    first = next(i for i in items if i.kind == "programme")
    assert first.start_ms == ms(DAY, "08:00")
    # the slot is padded with filler up to its boundary
    in_slot = [i for i in items if ms(DAY, "08:00") <= i.start_ms < ms(DAY, "09:05")]
    assert [i.video_id for i in in_slot if i.kind == "programme"] == ["a", "b", "c"]  # d would run over
    assert in_slot[-1].end_ms == ms(DAY, "09:05")
    assert {i.kind for i in in_slot} >= {"programme", "filler"}
    assert items[-1].kind == "slate" and items[0].kind == "slate"


def test_asia_shanghai_is_explicit_08_00_is_midnight_utc():
    schedule = {"slots": [slot("08:00", "09:00")]}
    first = next(i for i in plan_day(schedule, LIBRARY, DAY) if i.kind == "programme")
    assert datetime.fromtimestamp(first.start_ms / 1000, ZoneInfo("UTC")).strftime("%H:%M") == "00:00"


def test_same_inputs_give_the_same_guide_and_any_window_agrees_with_the_day():
    schedule = {"seed": 9, "slots": [slot("08:00", "12:00", order="shuffle"), slot("19:00", "21:00", order="shuffle")]}
    day_items = plan_day(schedule, LIBRARY, DAY, "legal")
    assert day_items == plan_day(schedule, LIBRARY, DAY, "legal")
    window = plan(schedule, LIBRARY, ms(DAY, "10:13"), ms(DAY, "20:07"), "legal")
    assert window == [i for i in day_items if i.end_ms > ms(DAY, "10:13") and i.start_ms < ms(DAY, "20:07")]


def test_shuffle_plays_every_video_before_any_repeats():
    schedule = {"seed": 3, "slots": [slot("00:00", "24:00", order="shuffle")]}
    ids = [i.video_id for i in plan_day(schedule, LIBRARY, DAY) if i.kind == "programme"]
    family = {"a", "b", "c", "d"}
    for n in range(0, len(ids) - 3, 4):
        assert set(ids[n:n + 4]) == family
    assert all(x != y for x, y in zip(ids, ids[1:]))
    other_day = [i.video_id for i in plan_day(schedule, LIBRARY, date(2026, 12, 4)) if i.kind == "programme"]
    assert other_day != ids  # a new day, a new order


def test_lateness_lets_the_last_programme_run_over_and_the_next_slot_waits():
    schedule = {"slots": [slot("08:00", "08:40", lateness=10, source={"type": "videos", "videos": ["b", "a"]}),
                          slot("08:40", "09:40", source={"type": "videos", "videos": ["c"]})]}
    items = [i for i in plan_day(schedule, LIBRARY, DAY) if i.kind == "programme"]
    b, a, c = items[0], items[1], items[2]
    assert (b.video_id, a.video_id) == ("b", "a")
    assert a.end_ms == ms(DAY, "08:45")  # 5 minutes late, within the allowed 10
    assert c.start_ms == ms(DAY, "08:45")


def test_spread_flex_puts_the_spare_time_between_programmes():
    schedule = {"slots": [slot("08:00", "09:00", flex="spread", source={"type": "videos", "videos": ["a", "c"]})]}
    items = [i for i in plan_day(schedule, LIBRARY, DAY) if ms(DAY, "08:00") <= i.start_ms < ms(DAY, "09:00")]
    kinds = [i.kind for i in items]
    assert kinds[0] == "programme" and kinds[-1] == "slate" and "slate" in kinds[1:-1]
    programmes = [i for i in items if i.kind == "programme"]
    assert programmes[1].start_ms > programmes[0].end_ms


def test_weekly_slots_play_only_on_their_days_and_overrides_replace_on_their_date():
    schedule = {"slots": [slot("20:00", "21:00", days=["sat", "sun"]), slot("08:00", "09:00")],
                "overrides": [{"id": "special", "date": DAY.isoformat(), "start": "08:30", "end": "09:30",
                               "title": {"zh": "特别节目", "mn": "ᠣᠨᠴᠠ"}, "source": {"type": "videos", "videos": ["d"]},
                               "lateness": 0, "flex": "end", "order": "in_order"}]}
    thursday = plan_day(schedule, LIBRARY, DAY)
    assert not any(i.kind == "programme" and i.start_ms >= ms(DAY, "20:00") for i in thursday)
    special = [i for i in thursday if i.slot == "special"]
    assert special[0].video_id == "d" and special[0].start_ms == ms(DAY, "08:30")
    assert not any(i.slot == "s08:00" for i in thursday)  # the regular slot gave way
    saturday = date(2026, 12, 5)
    sat = plan_day(schedule, LIBRARY, saturday)
    assert any(i.slot == "s20:00" for i in sat) and any(i.slot == "s08:00" for i in sat)
    assert not any(i.slot == "special" for i in sat)


def test_a_video_never_plays_outside_its_publish_window():
    late = video("late", 20, publish_from_ms=ms(DAY, "10:00"), publish_until_ms=ms(DAY, "16:00"))
    library = dict(LIBRARY, late=late)
    schedule = {"seed": 2, "slots": [slot("00:00", "24:00", order="shuffle")]}
    for order in ("shuffle", "in_order"):
        schedule["slots"][0]["order"] = order
        shown = [i for i in plan_day(schedule, library, DAY) if i.video_id == "late"]
        assert shown, order
        assert all(i.start_ms >= ms(DAY, "10:00") and i.end_ms <= ms(DAY, "16:00") for i in shown)


def test_nothing_scheduled_means_the_offline_slate_all_day():
    items = plan_day({"slots": []}, LIBRARY, DAY)
    assert len(items) == 1 and items[0].kind == "slate" and items[0].video_id is None
    assert set(items[0].title) == {"zh", "mn"}
    assert current_item(items, ms(DAY, "13:37")) == items[0]


def test_deleted_videos_are_skipped_and_the_slot_falls_back_to_the_slate():
    schedule = {"slots": [slot("08:00", "09:00", source={"type": "videos", "videos": ["gone"]})]}
    items = plan_day(schedule, LIBRARY, DAY)
    assert [i.kind for i in items] == ["slate"]


def test_a_video_that_becomes_ready_changes_nothing_planned_before_that_moment():
    """Given a shuffled slot on air, when a new video becomes ready at 10:00, then what was
    planned before 10:00 stays exactly the same (live playlists keep their numbers)."""
    schedule = {"seed": 4, "slots": [slot("08:00", "12:00", order="shuffle")]}
    before = plan_day(schedule, LIBRARY, DAY)
    fresh = video("fresh", 5, ready_ms=ms(DAY, "10:00"))
    after = plan_day(schedule, dict(LIBRARY, fresh=fresh), DAY)
    cut = ms(DAY, "10:00")
    assert [i for i in before if i.start_ms < cut] == [i for i in after if i.start_ms < cut]
    shown = [i for i in after if i.video_id == "fresh"]
    assert shown and all(i.start_ms >= cut for i in shown)


def test_a_slot_waits_on_the_slate_for_a_video_published_during_it():
    schedule = {"slots": [slot("08:00", "12:00", source={"type": "videos", "videos": ["news"]})]}
    news = video("news", 30, publish_from_ms=ms(DAY, "10:00"))
    items = plan_day(schedule, dict(LIBRARY, news=news), DAY)
    waiting = current_item(items, ms(DAY, "09:00"))
    assert waiting.kind == "slate" and waiting.end_ms == ms(DAY, "10:00")
    first = current_item(items, ms(DAY, "10:00"))
    assert first.video_id == "news" and first.start_ms == ms(DAY, "10:00")


def test_an_edit_never_rewrites_what_aired_nor_cuts_the_slot_on_air():
    from content_server.schedule.planner import plan_day_versions
    old = {"seed": 1, "slots": [slot("08:00", "12:00", order="shuffle")]}
    new = {"seed": 1, "slots": [slot("08:00", "12:00", source={"type": "videos", "videos": ["d"]}),
                                slot("13:00", "14:00", source={"type": "videos", "videos": ["c"]})]}
    edit = ms(DAY, "09:30")
    before = plan_day(old, LIBRARY, DAY)
    after = plan_day_versions([(0, old), (edit, new)], LIBRARY, DAY)
    # the morning slot that was on air plays on as planned, to its end
    noon = ms(DAY, "12:00")
    assert [i for i in after if i.end_ms <= noon] == [i for i in before if i.end_ms <= noon]
    assert [i.kind for i in after if i.end_ms <= noon].count("programme") > 5
    # what starts after the edit comes from the new version
    assert current_item(after, ms(DAY, "13:00")).video_id == "c"
    # and a slot of the new version already under way while nothing was on air starts at the edit
    quiet = ms(DAY, "12:30")
    late = plan_day_versions([(0, old), (quiet, {"slots": [slot("12:00", "14:00", source={"type": "videos",
                                                                                         "videos": ["a"]})]})],
                             LIBRARY, DAY)
    assert current_item(late, quiet).video_id == "a" and current_item(late, quiet).start_ms == quiet
