// The consoles' one way to reach the API from a form: JSON both ways with the page's CSRF token,
// and a refusal's bilingual message shown in the page's language, naming its field.
"use strict";
window.legaltvApi = (function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const lang = document.documentElement.classList.contains("lang-mn") ? "mn" : "zh";

  async function call(method, path, body) {
    const resp = await fetch(path, {method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: body === undefined ? undefined : JSON.stringify(body)});
    return {ok: resp.ok, body: await resp.json()};
  }

  function showError(box, body) {
    box.textContent = body.field ? `${body.message[lang]} (${body.field})` : body.message[lang];
    box.dataset.field = body.field || "";
  }

  return {call, showError, lang};
})();
