// Staff and supervisor consoles: live lists by polling, lease renewal, JSON actions with the CSRF token.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const lang = document.documentElement.classList.contains("lang-mn") ? "mn" : "zh";

  function messageOf(body, fallback) {
    return body && body.message ? (body.message[lang] || body.message.zh) : fallback;
  }

  // Every change is a POST with the session's CSRF token in a header; the reply is JSON.
  async function post(url, form) {
    const headers = { "X-CSRF-Token": csrf, "Accept": "application/json" };
    const options = { method: "POST", credentials: "same-origin", headers: headers };
    if (form) {
      options.body = form;
      headers["Content-Type"] = "application/x-www-form-urlencoded";
    }
    const response = await fetch(url, options);
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    return { ok: response.ok, status: response.status, body: body };
  }

  // Lists marked data-live are re-read every few seconds while the tab is visible; the server
  // answers 304 when nothing changed, so an idle console costs almost nothing.
  function startLive(element) {
    const url = element.dataset.live;
    const every = (parseInt(element.dataset.every, 10) || 5) * 1000;
    const stamp = document.getElementById(element.dataset.stamp || "");
    let etag = null;
    async function refresh() {
      if (document.hidden && !("alertHidden" in element.dataset)) return;  // an urgent alert must reach a tab in the background too
      try {
        const headers = etag ? { "If-None-Match": etag } : {};
        const response = await fetch(url + (url.includes("?") ? "&" : "?") + location.search.slice(1),
                                     { credentials: "same-origin", headers: headers });
        if (response.status === 200) {
          etag = response.headers.get("ETag");
          element.innerHTML = await response.text();
          announceUrgent(element);
        } else if (response.status !== 304) {
          throw new Error(String(response.status));
        }
        if (stamp) { stamp.classList.remove("stale"); stamp.textContent = stamp.dataset.label + " " + new Date().toLocaleTimeString(); }
      } catch (e) {
        if (stamp) stamp.classList.add("stale");
      }
    }
    setInterval(refresh, every);
    document.addEventListener("visibilitychange", refresh);
  }

  // The lawyer on duty is alerted to urgent questions: the tab's title says so, even in the background.
  const plainTitle = document.title;
  function announceUrgent(element) {
    const alert = element.querySelector("#urgent-alert");
    document.title = alert ? "(" + alert.dataset.urgent + ") ‼ " + plainTitle : plainTitle;
  }

  // While a claimed question is open, its lease is renewed; once it is lost (lapsed, or taken
  // over by a supervisor) the page says so and its forms stop, so no work is typed in vain.
  function startLease(element) {
    const every = (parseInt(element.dataset.every, 10) || 60) * 1000;
    let timer = null;
    async function renew() {
      let result;
      try { result = await post(element.dataset.leaseRenew); } catch (e) { return; }  // offline: try again later
      if (!result.ok) {
        clearInterval(timer);
        element.hidden = false;
        element.textContent = result.status === 409 ? element.dataset.lost : messageOf(result.body, element.dataset.lost);
        document.querySelectorAll("form[data-json] button, #reveal").forEach(function (b) { b.disabled = true; });
      }
    }
    timer = setInterval(renew, every);
  }

  // The form's own fields, minus `next` (used only when the page runs without script).
  function formPayload(form) {
    const data = new URLSearchParams(new FormData(form));
    data.delete("next");
    data.delete("csrf_token");
    return data;
  }

  // Forms marked data-json are sent by script to the desk API; errors are shown in the form.
  // One listener on the document also serves forms that arrive later in refreshed lists.
  document.addEventListener("submit", async function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-json")) return;
    event.preventDefault();
    const error = form.querySelector(".form-error");
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    let result;
    try {
      result = await post(form.action, formPayload(form));
    } catch (e) {
      result = { ok: false, status: 0, body: null };
    }
    if (button) button.disabled = false;
    if (result.ok) {
      const next = form.dataset.next ? form.dataset.next.replace("{id}", (result.body && result.body.id) || "") : null;
      if (next) location.assign(next); else location.reload();
    } else if (error) {
      error.hidden = false;
      error.textContent = messageOf(result.body, String(result.status));
    }
  });

  // The phone number is fetched only when asked for; the server audits every reveal.
  function startReveal(button) {
    button.addEventListener("click", async function () {
      const target = document.getElementById(button.dataset.target);
      const result = await post(button.dataset.reveal);
      if (result.ok && result.body && result.body.phone) {
        const link = document.createElement("a");
        link.href = "tel:" + result.body.phone;
        link.className = "phone revealed";
        link.textContent = result.body.national || result.body.phone;
        target.replaceChildren(link);
        button.hidden = true;
      } else {
        target.textContent = messageOf(result.body, String(result.status));
      }
    });
  }

  document.querySelectorAll("[data-live]").forEach((element) => { startLive(element); announceUrgent(element); });
  document.querySelectorAll("[data-lease-renew]").forEach(startLease);
  document.querySelectorAll("button[data-reveal]").forEach(startReveal);
})();
