// Editor console for notices to households: a form posting to /api/v1/notices (or correcting one
// with PATCH), and the list of every notice with its state and a withdraw button.
"use strict";
(function () {
  const lang = window.legaltvApi.lang;
  const texts = JSON.parse(document.getElementById("notice-texts").textContent);
  const form = document.getElementById("notice-form");
  const tbody = document.querySelector("#notices tbody");
  const status = document.getElementById("status"), errorBox = document.getElementById("error");
  const places = window.legaltvPlaces;
  const nameRegions = places.hint(form.elements.regions, true);  // the typed codes read as places

  // the form's times are China time (UTC+8), as editors and households read them
  const toInstant = (local) => local ? `${local.length === 16 ? local + ":00" : local}+08:00` : null;
  const toLocal = (iso) => iso ? iso.slice(0, 16) : "";

  const call = window.legaltvApi.call;
  const showError = (err) => window.legaltvApi.showError(errorBox, err);

  function fill(notice) {
    form.elements.id.value = notice.id || "";
    form.elements.kind.value = notice.kind || "banner";
    for (const part of ["title", "body"]) {
      for (const l of ["zh", "mn"]) form.elements[`${part}_${l}`].value = notice[part] ? notice[part][l] : "";
    }
    form.elements.regions.value = (notice.regions || []).join(" ");
    form.elements.publish_from.value = toLocal(notice.publish_from);
    form.elements.publish_until.value = toLocal(notice.publish_until);
    nameRegions();
  }

  function button(label, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  async function load() {
    let body;
    try { body = await call("GET", "/api/v1/notices?all=1"); } catch (err) { return showError(err); }
    tbody.replaceChildren();
    for (const notice of body.notices) {
      const row = tbody.insertRow();
      row.dataset.id = notice.id;
      const state = notice.withdrawn_at ? texts.withdrawn : (notice.current ? texts.current : texts.off_air);
      for (const text of [texts[notice.kind], notice.title[lang], null,
                          toLocal(notice.publish_from).replace("T", " "),
                          toLocal(notice.publish_until).replace("T", " "), state]) {
        const cell = row.insertCell();
        if (text === null) {  // the regions, by name
          cell.className = "regions";
          notice.regions.forEach((code, i) => cell.append(...(i ? ["；"] : []), places.element(code)));
        } else {
          cell.textContent = text;
        }
      }
      const actions = row.insertCell();
      if (!notice.withdrawn_at) {
        actions.append(button(texts.edit, () => { fill(notice); form.scrollIntoView(); }),
          button(texts.withdraw, async () => {
            if (!window.confirm(texts.confirm_withdraw)) return;
            try { await call("DELETE", `/api/v1/notices/${notice.id}`); } catch (err) { return showError(err); }
            await load();
          }));
      }
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    status.textContent = "";
    errorBox.textContent = "";
    errorBox.dataset.field = "";
    const value = (name) => form.elements[name].value.trim();
    const notice = {kind: value("kind"), title: {zh: value("title_zh"), mn: value("title_mn")},
      body: {zh: value("body_zh"), mn: value("body_mn")},
      regions: value("regions").split(/[\s,，、]+/).filter(Boolean),
      publish_from: toInstant(value("publish_from")), publish_until: toInstant(value("publish_until"))};
    const id = value("id");
    if (!notice.publish_from && !id) delete notice.publish_from;  // from now
    try {
      await (id ? call("PATCH", `/api/v1/notices/${id}`, notice) : call("POST", "/api/v1/notices", notice));
    } catch (err) { return showError(err); }
    status.textContent = texts.saved;
    fill({});
    await load();
  });
  document.getElementById("new-notice").addEventListener("click", () => fill({}));
  load();
})();
