"""One clock for the whole server: a test fixes it, and a household's question is asked at that time."""
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from content_server.kernel.clock import CLOCK

CHINA = ZoneInfo("Asia/Shanghai")
QUESTION = {"topic": "labour", "phrases": ["labour.1"], "text": "", "phone": "13812348000",
            "callback_window": "any", "language": "mn"}


async def test_a_question_is_asked_at_the_time_of_the_apps_clock(client, device):
    # given the server's clock fixed on a Tuesday morning
    asked_at = datetime(2026, 12, 1, 9, 30, tzinfo=CHINA)
    client.server.app[CLOCK].fixed = asked_at.timestamp()
    # when a household asks
    resp = await client.post("/api/v1/questions", json=QUESTION,
                             headers={**device, "Idempotency-Key": str(uuid.uuid4())})
    assert resp.status == 201
    # then its list says it was asked then, and it is called back that same day
    mine = await (await client.get("/api/v1/questions", headers=device)).json()
    assert mine[0]["created_at"] == asked_at.isoformat()
    assert datetime.fromisoformat(mine[0]["callback_until"]).date() == asked_at.date()
