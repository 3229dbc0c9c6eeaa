"""Staff confirm a household's notary appointment in real Chromium: the request waits in the queue
under its own filter and label, the clerk claims it, picks the place from the service points near
the household, keeps the prefilled day and what to bring, and the household's box reads the slot;
when the household cancels, the clerk sees it cancelled.
Screenshots in both scripts go to test-artifacts/."""
import json
import urllib.request
import uuid
from datetime import datetime, timedelta

import pytest

from content_server.questions.calendar import SHANGHAI

from .browser import browser, live_server, new_page, screenshot, sign_in  # noqa: F401  (fixtures)

pytestmark = pytest.mark.slow


def call(url: str, body: dict | None = None, token: str | None = None, key: str | None = None) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(url, data=None if body is None else json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.loads(reply.read())


@pytest.mark.parametrize("language", ["zh", "mn"])
def test_staff_confirm_a_notary_appointment(browser, live_server, language):  # noqa: F811
    if "saruul" not in live_server.accounts:
        live_server.add_user("saruul", "staff", "zh,mn")
    token = call(f"{live_server.url}/api/v1/devices", {"region": "152502", "language": language})["token"]
    day = (datetime.now(SHANGHAI).date() + timedelta(days=3)).isoformat()
    sent = call(f"{live_server.url}/api/v1/questions",
                {"kind": "request", "service": "notary", "preferred_days": [day], "phone": "13812348000",
                 "language": language}, token, str(uuid.uuid4()))

    page = new_page(browser)
    sign_in(page, live_server, "saruul", language)
    page.goto(f"{live_server.url}/console/staff?kind=request&service=notary")
    card = page.locator(f"li.q-card[data-number='{sent['number']}']")
    assert card.locator(".badge.request[data-service=notary]").is_visible()
    screenshot(page, f"console-requests-queue-{language}")
    card.locator("button.claim").click()
    page.wait_for_url(f"**/console/staff/questions/{sent['id']}")

    form = page.locator("#confirm-appointment form")
    assert form.locator("input[name=date]").input_value() == day            # the household's preferred day
    assert "身份证" in form.locator("textarea[name=bring_zh]").input_value()  # from the guide's documents
    form.locator("select[name=place_id]").select_option("xilinhot-legal-aid")
    form.locator("input[name=time]").fill("09:30")
    screenshot(page, f"console-confirm-appointment-{language}")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#appointment")
    assert "09:30" in page.locator("#appointment").inner_text()
    assert page.locator("#request").get_attribute("data-outcome") == "appointment_confirmed"
    screenshot(page, f"console-appointment-confirmed-{language}")

    (item,) = call(f"{live_server.url}/api/v1/questions", token=token)
    assert item["appointment"]["date"] == day and item["appointment"]["time"] == "09:30"
    assert item["appointment"]["place"]["zh"] == "锡林浩特市法律援助中心"

    # the household cancels on its box: the clerk sees it cancelled on the request's page
    assert call(f"{live_server.url}/api/v1/questions/{sent['id']}/cancel", {}, token)["cancelled"] is True
    page.reload()
    assert page.locator("#request-cancelled").is_visible()
    assert page.locator("#request").get_attribute("data-outcome") == "cancelled"
    screenshot(page, f"console-appointment-cancelled-{language}")
    assert [e for e in page.errors if not e.startswith("Failed to load resource")] == []  # the favicon


@pytest.mark.parametrize("language", ["zh", "mn"])
def test_an_admin_routes_mediation_requests_to_a_clerk(browser, live_server, language):  # noqa: F811
    from content_server.consoles.staff import SERVICE_LABELS
    from content_server.kernel.i18n import translate
    admin, clerk = live_server.add_user(f"root-{language}", "admin"), live_server.add_user(f"dolgor-{language}", "staff")
    token = call(f"{live_server.url}/api/v1/devices", {"region": "152502", "language": language})["token"]
    day = (datetime.now(SHANGHAI).date() + timedelta(days=2)).isoformat()
    sent = {service: call(f"{live_server.url}/api/v1/questions",
                          {"kind": "request", "service": service, "preferred_days": [day], "phone": phone,
                           "language": language}, token, str(uuid.uuid4()))
            for service, phone in (("mediation", "13812348002"), ("notary", "13812348003"))}
    # given the admin ticks Mediation among the requests that reach the clerk
    page = new_page(browser)
    sign_in(page, live_server, admin, language)
    page.goto(f"{live_server.url}/console/admin?lang={language}")
    row = page.locator(f"tr[data-user='{clerk}']")
    row.locator("details.routing summary").click()
    row.locator(".service-choices input[value=mediation]").check()
    row.locator("details.routing button[type=submit]").click()
    page.wait_for_url("**/console/admin?done=routing")
    # then the accounts list names the service beside the clerk's topics, in the console's language
    row = page.locator(f"tr[data-user='{clerk}']")
    mediation = translate(SERVICE_LABELS["mediation"], language)
    assert row.locator(".tag.service").all_inner_texts() == [mediation]
    row.locator("details.routing summary").click()
    assert row.locator(".service-choices input[value=mediation]").is_checked()
    screenshot(page, f"console-admin-services-{language}")
    # and the clerk's requests list holds the mediation request, not the notary one
    desk = new_page(browser)
    sign_in(desk, live_server, clerk, language)
    desk.goto(f"{live_server.url}/console/staff?kind=request")
    assert desk.locator(f"li.q-card[data-number='{sent['mediation']['number']}']").is_visible()
    assert desk.locator(f"li.q-card[data-number='{sent['notary']['number']}']").count() == 0
