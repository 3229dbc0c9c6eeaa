// The consoles' one way to reach the API from a form: JSON both ways with the page's CSRF token,
// and a refusal's bilingual message shown in the page's language, naming its field.
"use strict";
window.legaltvApi = (function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const lang = document.documentElement.classList.contains("lang-mn") ? "mn" : "zh";
  const unreachable = document.querySelector('meta[name="unreachable-message"]').content;

  // The answer's body (null for 204 No Content). Throws the API's error body; when the link or a
  // proxy answers with no such body, throws one with the page's plain "no answer" message.
  async function call(method, path, body) {
    let resp;
    try {
      resp = await fetch(path, {method, credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
        body: body === undefined ? undefined : JSON.stringify(body)});
    } catch (_) {
      throw {message: {[lang]: unreachable}};
    }
    if (resp.status === 204) return null;
    const data = await resp.json().catch(() => null);
    if (resp.ok && data !== null) return data;
    throw data && data.message ? data : {message: {[lang]: unreachable}};
  }

  function showError(box, err) {
    box.textContent = err.field ? `${err.message[lang]} (${err.field})` : err.message[lang];
    box.dataset.field = err.field || "";
  }

  return {call, showError, lang};
})();
