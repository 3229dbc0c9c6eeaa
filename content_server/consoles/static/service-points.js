// Editor console for service points: the whole set is read from /api/v1/services, one office is
// added, corrected or removed in the form, and the whole set is sent back with PUT (checked there;
// a refusal names the field, e.g. items[3].name.mn, and nothing changes).
"use strict";
(function () {
  const texts = JSON.parse(document.getElementById("point-texts").textContent);
  const form = document.getElementById("point-form");
  const tbody = document.querySelector("#points tbody");
  const status = document.getElementById("status"), errorBox = document.getElementById("error");
  let points = [];

  const call = window.legaltvApi.call;
  const showError = (err) => window.legaltvApi.showError(errorBox, err);

  function fill(point, position) {
    form.elements.position.value = position === undefined ? "" : String(position);
    for (const name of ["id", "region", "phone"]) form.elements[name].value = point[name] || "";
    form.elements.level.value = point.level || "sumu";
    for (const part of ["name", "hours", "address"]) {
      for (const l of ["zh", "mn"]) form.elements[`${part}_${l}`].value = point[part] ? point[part][l] : "";
    }
    const offered = point.services || [];
    for (const box of form.querySelectorAll("input[name=services]")) box.checked = offered.includes(box.value);
  }

  function button(label, onClick) {
    const element = document.createElement("button");
    element.type = "button";
    element.textContent = label;
    element.addEventListener("click", onClick);
    return element;
  }

  function render() {
    tbody.replaceChildren();
    points.forEach((point, position) => {
      const row = tbody.insertRow();
      row.dataset.id = point.id;
      const offered = (point.services || []).map((kind) => texts.services[kind] || kind).join("、");
      for (const text of [point.name.zh, texts.levels[point.level] || point.level, offered, point.phone, point.region]) {
        row.insertCell().textContent = text;
      }
      row.insertCell().append(
        button(texts.edit, () => { fill(point, position); form.scrollIntoView(); }),
        button(texts.remove, async () => {
          if (!window.confirm(texts.confirm_remove)) return;
          await save(points.filter((_, i) => i !== position));
        }));
    });
  }

  async function load() {
    try { points = await call("GET", "/api/v1/services"); } catch (err) { return showError(err); }
    render();
  }

  async function save(items) {
    status.textContent = "";
    errorBox.textContent = "";
    errorBox.dataset.field = "";
    try { points = await call("PUT", "/api/v1/services", {items}); } catch (err) { showError(err); return false; }
    status.textContent = texts.saved;
    render();
    return true;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = (name) => form.elements[name].value.trim();
    const point = {id: value("id"), region: value("region"), level: value("level"), phone: value("phone"),
      name: {zh: value("name_zh"), mn: value("name_mn")}, hours: {zh: value("hours_zh"), mn: value("hours_mn")},
      address: {zh: value("address_zh"), mn: value("address_mn")},
      services: [...form.querySelectorAll("input[name=services]:checked")].map((box) => box.value)};
    const items = points.map((p) => ({...p}));
    const position = value("position");
    if (position === "") items.push(point); else items[Number(position)] = point;
    if (await save(items)) fill({});
  });
  document.getElementById("new-point").addEventListener("click", () => fill({}));
  load();
})();
