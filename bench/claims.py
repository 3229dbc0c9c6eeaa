"""Benchmark: one claim from a queue of 20,000 questions, on SQLite and on PostgreSQL.

The reference, measured in the same run on the same rows: the claim's earlier statement, which
ordered every claimable question by an expression and sorted the whole queue on each claim.
Each claim is an UPDATE … RETURNING in its own transaction, rolled back so every round sees the
same queue. Prints the median and p99 per claim and the ratio, per engine; then 8 desks draining
the queue at once on PostgreSQL with FOR UPDATE SKIP LOCKED, each resolving what it claimed
(claims/s, and how many questions were claimed twice: none).

    .venv/bin/python bench/claims.py [--questions 20000] [--claims 300]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from content_server.storage import Store, accounts, postgres, questions  # noqa: E402
from tests.postgres import PostgresServer, _bin_dir  # noqa: E402

NOW = 1_790_000_000.0
EARLIER_CLAIM = (  # the statement claim() sent before questions_claim existed
    "UPDATE questions SET status = 'claimed', claimed_by = ?, lease_until = ?, version = version + 1, "
    "updated_at = ? WHERE id = (SELECT id FROM questions WHERE ((status = 'queued' AND not_before <= ?) "
    "OR (status = 'claimed' AND lease_until < ?)) AND language IN (?, ?) "
    "ORDER BY (due_at IS NOT NULL AND due_at < ?) DESC, due_at IS NULL, due_at, created_at LIMIT 1) "
    "RETURNING id")


class Rollback(Exception):
    """Raised inside a write to undo it."""


def fill(store, count: int) -> list[int]:
    """`count` queued questions (a tenth overdue, a tenth without a due time) and 8 desks."""
    accounts.add_device(store, "box-1", "token-hash", "152500", "mn")
    questions.save_topic(store, "land", {"zh": "土地", "mn": "ᠭ"}, [])
    staff = [accounts.add_user(store, f"desk-{n}", "staff", "x", "zh,mn") for n in range(8)]
    rows = [(f"q-{n}", f"N-{n}", "box-1", "152500", "land", "zh" if n % 3 else "mn", "any", "138****0000",
             "queued", NOW - n, NOW - n, NOW, NOW, None if n % 10 == 1 else NOW + (n % 97) - 9, 0)
            for n in range(count)]
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO questions (id, number, device_id, region, topic_id, language, callback_window, "
            "phone_masked, status, created_at, updated_at, window_start, window_end, due_at, not_before) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        conn.execute("ANALYZE")
    return staff


def timed(run_in_rolled_back_tx, claims: int) -> list[float]:
    out = []
    for _ in range(claims):
        started = time.perf_counter()
        run_in_rolled_back_tx()
        out.append(time.perf_counter() - started)
    return out


def line(engine: str, new: list[float], old: list[float]) -> str:
    def p(values, q):
        return sorted(values)[int(q * (len(values) - 1))] * 1000
    return (f"{engine:<11} claim p50 {p(new, .5):7.3f} ms  p99 {p(new, .99):7.3f} ms   earlier statement "
            f"p50 {p(old, .5):7.3f} ms  p99 {p(old, .99):7.3f} ms   ratio p50 {p(old, .5) / p(new, .5):5.1f}x")


def sqlite_round(count: int, claims: int) -> str:
    store = Store(Path(tempfile.mkdtemp()) / "legal-tv.db")
    staff = fill(store, count)

    def rolled_back(fn):
        def run():
            try:
                with store.write():
                    assert fn() is not None
                    raise Rollback
            except Rollback:
                pass
        return run
    new = timed(rolled_back(lambda: questions.claim(store, staff[0], ["zh", "mn"], [], NOW, NOW + 900)), claims)
    old = timed(rolled_back(lambda: store.one(EARLIER_CLAIM, (staff[0], NOW + 900, NOW, NOW, NOW, "zh", "mn", NOW))),
                claims)
    store.close()
    return line("SQLite", new, old)


def postgres_round(server: PostgresServer, count: int, claims: int) -> list[str]:
    url = server.create_database()
    postgres.migrate(url)
    with psycopg.connect(url, autocommit=True) as conn:
        tx = postgres.PostgresTx(conn)
        staff = fill(tx, count)

        def rolled_back(fn):
            def run():
                with conn.transaction(force_rollback=True):
                    assert fn() is not None
            return run
        new = timed(rolled_back(lambda: questions.claim(tx, staff[0], ["zh", "mn"], [], NOW, NOW + 900)), claims)
        old = timed(rolled_back(lambda: tx.one(EARLIER_CLAIM, (staff[0], NOW + 900, NOW, NOW, NOW, "zh", "mn", NOW))),
                    claims)
    start = threading.Barrier(len(staff))

    def drain(user_id: int) -> int:
        taken = 0
        with psycopg.connect(url, autocommit=True) as desk_conn:
            desk = postgres.PostgresTx(desk_conn)
            start.wait()
            while (row := questions.claim(desk, user_id, ["zh", "mn"], [], NOW, NOW + 900)) is not None:
                questions.update_claimed(desk, row["id"], user_id, row["version"], NOW, status="resolved",
                                         closed_at=NOW)  # a finished question leaves questions_claim
                taken += 1
        return taken

    started = time.perf_counter()
    with ThreadPoolExecutor(len(staff)) as pool:
        taken = sum(pool.map(drain, staff))
    seconds = time.perf_counter() - started
    return [line("PostgreSQL", new, old),
            f"PostgreSQL  {len(staff)} desks draining {count} questions at once: {taken / seconds:7.0f} claims/s "
            f"(each resolved; {taken} claimed, {taken - count} twice)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=20_000)
    parser.add_argument("--claims", type=int, default=300)
    args = parser.parse_args()
    print(sqlite_round(args.questions, args.claims))
    bin_dir = _bin_dir()
    if bin_dir is None:
        print("PostgreSQL is not installed: scripts/setup.sh installs it")
        return
    server = PostgresServer(bin_dir)
    try:
        server.start()
        print("\n".join(postgres_round(server, args.questions, args.claims)))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
