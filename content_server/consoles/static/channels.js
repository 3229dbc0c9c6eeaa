// Editor console for channels: a thin client of /api/v1/channels (same validation, same errors).
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const lang = document.documentElement.classList.contains("lang-mn") ? "mn" : "zh";
  const texts = JSON.parse(document.getElementById("channel-texts").textContent);
  const dataNode = document.getElementById("channel-data");
  const doc = dataNode ? JSON.parse(dataNode.textContent) : null;
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const PREVIEW_ROWS = 300;  // a day of short clips is thousands of rows; the start is what editors check

  async function call(method, url, body) {
    const resp = await fetch(url, {method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf}, body: JSON.stringify(body)});
    const data = resp.status === 204 ? null : await resp.json();
    if (!resp.ok) throw data;
    return data;
  }

  function showError(err) {
    if (!errorBox) { alert(err && err.message ? err.message[lang] : String(err)); return; }
    const message = err && err.message ? err.message[lang] : String(err);
    errorBox.textContent = err && err.field ? `${message} (${err.field})` : message;
    errorBox.dataset.field = (err && err.field) || "";
    if (status) status.textContent = "";
  }

  function clearMessages() { if (errorBox) { errorBox.textContent = ""; errorBox.dataset.field = ""; } }

  document.getElementById("new-channel").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      const made = await call("POST", "/api/v1/channels", {id: form.id.value.trim(),
        title: {zh: form.title_zh.value, mn: form.title_mn.value},
        schedule: {seed: 1, playlists: {}, slots: [], overrides: []}});
      location.search = "?channel=" + encodeURIComponent(made.id);
    } catch (err) { showError(err); }
  });

  if (!doc) return;
  const editor = document.getElementById("channel-editor");
  const channelId = editor.dataset.channel;
  const tbody = document.querySelector("#slots tbody");
  const jsonArea = document.getElementById("schedule-json");
  document.getElementById("title-zh").value = doc.title.zh;
  document.getElementById("title-mn").value = doc.title.mn;

  function cell(row, input) { const td = document.createElement("td"); td.append(input); row.append(td); return input; }
  function field(value, attrs) {
    const input = document.createElement("input");
    Object.assign(input, attrs || {});
    input.value = value == null ? "" : value;
    return input;
  }
  function select(value, options) {
    const s = document.createElement("select");
    for (const [key, label] of options) { const o = new Option(label, key); s.append(o); }
    s.value = value;
    return s;
  }

  function sourceText(source) {
    if (!source) return "";
    if (source.type === "category") return source.category || "";
    if (source.type === "playlist") return source.playlist || "";
    return (source.videos || []).join(",");
  }

  function addRow(slot) {
    const row = document.createElement("tr");
    row.slot = slot;
    row.inputs = {
      days: cell(row, field((slot.days || []).join(","), {placeholder: "mon,tue", className: "days"})),
      start: cell(row, field(slot.start, {placeholder: "08:00", className: "time"})),
      end: cell(row, field(slot.end, {placeholder: "10:00", className: "time"})),
      zh: cell(row, field(slot.title && slot.title.zh)),
      mn: cell(row, field(slot.title && slot.title.mn, {className: "mn"})),
    };
    const td = document.createElement("td");
    row.inputs.kind = select((slot.source && slot.source.type) || "category",
      [["category", texts.category], ["playlist", texts.playlist], ["videos", texts.videos]]);
    row.inputs.what = field(sourceText(slot.source), {size: 14});
    row.inputs.what.setAttribute("list", "category-ids");
    td.append(row.inputs.kind, row.inputs.what);
    row.append(td);
    row.inputs.order = cell(row, select(slot.order || "in_order", [["in_order", texts.in_order], ["shuffle", texts.shuffle]]));
    row.inputs.lateness = cell(row, field(slot.lateness || 0, {type: "number", min: 0, max: 120, size: 3}));
    const remove = document.createElement("button");
    remove.type = "button"; remove.className = "secondary"; remove.textContent = texts.remove;
    remove.addEventListener("click", () => { row.remove(); syncJson(); });
    cell(row, remove);
    row.addEventListener("change", syncJson);
    tbody.append(row);
  }

  function slotsFromTable() {
    return [...tbody.rows].map((row) => {
      const i = row.inputs;
      const slot = Object.assign({}, row.slot, {start: i.start.value.trim(), end: i.end.value.trim(),
        title: {zh: i.zh.value, mn: i.mn.value}, order: i.order.value,
        lateness: parseInt(i.lateness.value || "0", 10)});
      const days = i.days.value.split(",").map((d) => d.trim()).filter(Boolean);
      if (days.length) slot.days = days; else delete slot.days;
      const what = i.what.value.trim();
      if (i.kind.value === "category") slot.source = {type: "category", category: what};
      else if (i.kind.value === "playlist") slot.source = {type: "playlist", playlist: what};
      else slot.source = {type: "videos", videos: what.split(",").map((v) => v.trim()).filter(Boolean)};
      return slot;
    });
  }

  function currentSchedule() {
    const schedule = JSON.parse(jsonArea.value);
    schedule.slots = slotsFromTable();
    return schedule;
  }

  function syncJson() {
    try { jsonArea.value = JSON.stringify(currentSchedule(), null, 2); } catch (e) { /* keep the editor's text */ }
  }

  function load(schedule) {
    tbody.replaceChildren();
    (schedule.slots || []).forEach(addRow);
    jsonArea.value = JSON.stringify(schedule, null, 2);
  }

  function parsed() {
    clearMessages();
    try {
      const schedule = JSON.parse(jsonArea.value);
      schedule.slots = slotsFromTable();
      return schedule;
    } catch (e) { showError(texts.bad_json); return null; }
  }

  jsonArea.addEventListener("change", () => {
    try { load(JSON.parse(jsonArea.value)); clearMessages(); } catch (e) { showError(texts.bad_json); }
  });
  document.getElementById("add-slot").addEventListener("click", () => {
    addRow({start: "", end: "", title: {zh: "", mn: ""}, source: {type: "category", category: ""}});
  });

  document.getElementById("preview").addEventListener("click", async () => {
    const schedule = parsed();
    if (!schedule) return;
    try {
      const items = await call("POST", `/api/v1/channels/${encodeURIComponent(channelId)}/preview`, {schedule});
      const table = document.getElementById("guide");
      const body = table.querySelector("tbody");
      body.replaceChildren();
      for (const item of items.slice(0, PREVIEW_ROWS)) {
        const row = body.insertRow();
        row.className = item.kind;
        row.insertCell().textContent = item.start.slice(5, 19).replace("T", " ");
        row.insertCell().textContent = item.end.slice(11, 19);
        row.insertCell().textContent = item.title[lang];
      }
      if (items.length > PREVIEW_ROWS) body.insertRow().insertCell().textContent = "…";
      table.hidden = false;
    } catch (err) { showError(err); }
  });

  document.getElementById("save").addEventListener("click", async () => {
    const schedule = parsed();
    if (!schedule) return;
    try {
      const saved = await call("PUT", `/api/v1/channels/${encodeURIComponent(channelId)}`, {id: channelId,
        title: {zh: document.getElementById("title-zh").value, mn: document.getElementById("title-mn").value},
        schedule});
      load(saved.schedule);
      status.textContent = texts.saved;
    } catch (err) { showError(err); }
  });

  document.getElementById("import").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    clearMessages();
    try {
      const imported = JSON.parse(await file.text());
      const schedule = imported.schedule || imported;
      if (imported.title) {
        document.getElementById("title-zh").value = imported.title.zh || "";
        document.getElementById("title-mn").value = imported.title.mn || "";
      }
      load(schedule);
    } catch (e) { showError(texts.bad_json); }
  });

  load(doc.schedule);
})();
