// Editor console for channels: a thin client of /api/v1/channels (same validation, same errors).
"use strict";
(function () {
  const {call, lang} = window.legaltvApi;
  const texts = JSON.parse(document.getElementById("channel-texts").textContent);
  const dataNode = document.getElementById("channel-data");
  const doc = dataNode ? JSON.parse(dataNode.textContent) : null;
  const status = document.getElementById("status");
  const errorBox = document.getElementById("error");
  const PREVIEW_ROWS = 300;  // a day of short clips is thousands of rows; the start is what editors check

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

  // ---- what slots and playlists play: picked from lists by title, never typed as ids ----
  const choices = JSON.parse(document.getElementById("channel-choices").textContent);
  const other = lang === "mn" ? "zh" : "mn";
  const videoById = new Map(choices.videos.map((v) => [v.id, v]));
  let playlists = {};  // name -> ordered video ids, edited in #playlists

  function button(label, className, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "secondary " + className;
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }

  function minutes(seconds) {
    const whole = Math.round(seconds || 0);
    return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
  }

  function videoName(id) {
    const video = videoById.get(id);
    return video ? `${video.title[lang]} · ${video.title[other]} (${minutes(video.duration)})`
                 : `${id} (${texts.unknown_video})`;
  }

  // The ready videos, searched by either title; onPick(id) gets the chosen one.
  function videoPicker(onPick) {
    const box = document.createElement("div");
    box.className = "video-picker";
    const search = document.createElement("input");
    search.type = "search";
    search.placeholder = texts.search_videos;
    search.setAttribute("aria-label", texts.search_videos);
    const list = document.createElement("select");
    list.size = 4;
    list.className = "video-choices";
    function refill() {
      const query = search.value.trim().toLowerCase();
      list.replaceChildren(...choices.videos
        .filter((v) => !query || (v.title.zh + " " + v.title.mn).toLowerCase().includes(query))
        .map((v) => new Option(videoName(v.id), v.id)));
      if (list.options.length) list.selectedIndex = 0;
    }
    search.addEventListener("input", refill);
    const add = button(texts.add, "add-video", () => { if (list.value) onPick(list.value); });
    list.addEventListener("dblclick", () => add.click());
    refill();
    box.append(search, list, add);
    return box;
  }

  // An ordered list of videos (add, move up or down, remove); ids is changed in place.
  function orderedVideos(ids, onChange) {
    const box = document.createElement("div");
    box.className = "ordered-videos";
    const list = document.createElement("ol");
    const empty = document.createElement("p");
    empty.className = "muted";
    empty.textContent = texts.no_videos;
    function changed() { draw(); onChange(); }
    function move(at, by) {
      const to = at + by;
      if (to < 0 || to >= ids.length) return;
      [ids[at], ids[to]] = [ids[to], ids[at]];
      changed();
    }
    function draw() {
      list.replaceChildren(...ids.map((id, at) => {
        const item = document.createElement("li");
        item.dataset.video = id;
        const name = document.createElement("span");
        name.className = "video-name";
        name.textContent = videoName(id);
        item.append(name, button(texts.move_up, "move-up", () => move(at, -1)),
                    button(texts.move_down, "move-down", () => move(at, 1)),
                    button(texts.remove, "remove", () => { ids.splice(at, 1); changed(); }));
        return item;
      }));
      empty.hidden = ids.length > 0;
    }
    box.append(list, empty, videoPicker((id) => { ids.push(id); changed(); }));
    draw();
    return box;
  }

  function fillPlaylistChoice(choice, value) {
    const names = Object.keys(playlists);
    if (value && !names.includes(value)) names.push(value);
    choice.replaceChildren(...names.map((name) => new Option(name, name)));
    choice.value = value || "";
  }

  function addRow(slot) {
    const row = document.createElement("tr");
    row.slot = slot;
    const source = slot.source || {type: "category", category: ""};
    row.inputs = {
      days: cell(row, field((slot.days || []).join(","), {placeholder: "mon,tue", className: "days"})),
      start: cell(row, field(slot.start, {placeholder: "08:00", className: "time"})),
      end: cell(row, field(slot.end, {placeholder: "10:00", className: "time"})),
      zh: cell(row, field(slot.title && slot.title.zh)),
      mn: cell(row, field(slot.title && slot.title.mn, {className: "mn"})),
    };
    const td = document.createElement("td");
    td.className = "plays";
    row.inputs.kind = select(source.type || "category",
      [["category", texts.category], ["playlist", texts.playlist], ["videos", texts.videos]]);
    row.inputs.kind.className = "kind";
    const categories = choices.categories.map((c) => [c.id, `${c.title[lang]} (${c.ready})`]);
    if (source.category && !categories.some(([id]) => id === source.category)) categories.push([source.category, source.category]);
    row.inputs.category = select(source.type === "category" ? source.category || "" : "", categories);
    row.inputs.category.className = "category-choice";
    row.inputs.playlist = document.createElement("select");
    row.inputs.playlist.className = "playlist-choice";
    fillPlaylistChoice(row.inputs.playlist, source.type === "playlist" ? source.playlist : "");
    row.videos = source.type === "videos" ? [...(source.videos || [])] : [];
    row.inputs.videos = orderedVideos(row.videos, syncJson);
    const showKind = () => {
      row.inputs.category.hidden = row.inputs.kind.value !== "category";
      row.inputs.playlist.hidden = row.inputs.kind.value !== "playlist";
      row.inputs.videos.hidden = row.inputs.kind.value !== "videos";
    };
    row.inputs.kind.addEventListener("change", showKind);
    showKind();
    td.append(row.inputs.kind, row.inputs.category, row.inputs.playlist, row.inputs.videos);
    row.append(td);
    row.inputs.order = cell(row, select(slot.order || "in_order", [["in_order", texts.in_order], ["shuffle", texts.shuffle]]));
    row.inputs.lateness = cell(row, field(slot.lateness || 0, {type: "number", min: 0, max: 120, size: 3}));
    const remove = button(texts.remove, "remove-slot", () => { row.remove(); syncJson(); });
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
      if (i.kind.value === "category") slot.source = {type: "category", category: i.category.value};
      else if (i.kind.value === "playlist") slot.source = {type: "playlist", playlist: i.playlist.value};
      else slot.source = {type: "videos", videos: [...row.videos]};
      return slot;
    });
  }

  // ---- playlists: ordered lists of videos, kept in the schedule's "playlists" ----
  const playlistList = document.getElementById("playlist-list");

  function drawPlaylists() {
    playlistList.replaceChildren(...Object.keys(playlists).map((name) => {
      const box = document.createElement("div");
      box.className = "playlist";
      box.dataset.playlist = name;
      const heading = document.createElement("h4");
      heading.textContent = name;
      box.append(heading, orderedVideos(playlists[name], syncJson),
                 button(texts.remove_playlist, "remove-playlist", () => {
                   delete playlists[name];
                   drawPlaylists();
                   syncJson();
                 }));
      return box;
    }));
    for (const row of tbody.rows) fillPlaylistChoice(row.inputs.playlist, row.inputs.playlist.value);
  }

  document.getElementById("new-playlist").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = event.target.elements.name.value.trim();
    if (!playlists[name]) playlists[name] = [];
    event.target.reset();
    drawPlaylists();
    syncJson();
  });

  function currentSchedule() {
    const schedule = JSON.parse(jsonArea.value);
    schedule.slots = slotsFromTable();
    schedule.playlists = JSON.parse(JSON.stringify(playlists));
    return schedule;
  }

  function syncJson() {
    try { jsonArea.value = JSON.stringify(currentSchedule(), null, 2); } catch (e) { /* keep the editor's text */ }
  }

  function load(schedule) {
    playlists = JSON.parse(JSON.stringify(schedule.playlists || {}));
    tbody.replaceChildren();
    drawPlaylists();
    (schedule.slots || []).forEach(addRow);
    jsonArea.value = JSON.stringify(schedule, null, 2);
  }

  function parsed() {
    clearMessages();
    try {
      return currentSchedule();
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
      drawTimeline(items);
    } catch (err) { showError(err); }
  });

  // ---- the coming day as a timeline: one block per run of a slot, an hour a band ----
  const HOUR_PX = 48, HOUR_MS = 3600 * 1000;

  function part(className, text) {
    const element = document.createElement("div");
    element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function drawTimeline(items) {
    const box = document.getElementById("timeline");
    box.replaceChildren();
    document.getElementById("timeline-section").hidden = items.length === 0;
    if (!items.length) return;
    // from this hour on (the first entry may have begun long before); Beijing hours are whole UTC hours
    const first = Math.max(Date.parse(items[0].start), Date.now()), dayStart = first - (first % HOUR_MS);
    const firstHour = (new Date(dayStart).getUTCHours() + 8) % 24;
    for (let h = 0; h <= 24; h++) {
      const tick = part("hour", String((firstHour + h) % 24).padStart(2, "0") + ":00");
      tick.style.top = h * HOUR_PX + "px";
      box.append(tick);
    }
    const blocks = [];
    for (const item of items) {
      const slot = item.slot_title ? item.slot_title[lang] : "";
      const last = blocks[blocks.length - 1];
      if (last && last.kind === item.kind && last.slot === slot && last.end === item.start) {
        last.end = item.end;
        if (!last.titles.includes(item.title[lang])) last.titles.push(item.title[lang]);
      } else {
        blocks.push({kind: item.kind, slot, start: item.start, end: item.end, titles: [item.title[lang]]});
      }
    }
    for (const block of blocks) {
      const from = Math.max(0, (Date.parse(block.start) - dayStart) / HOUR_MS);
      const to = Math.min(24, (Date.parse(block.end) - dayStart) / HOUR_MS);
      if (from >= 24) break;
      if (to <= 0) continue;
      const element = part("block " + block.kind);
      element.style.top = from * HOUR_PX + "px";
      element.style.height = Math.max(20, (to - from) * HOUR_PX - 2) + "px";
      const when = block.start.slice(11, 16) + "–" + block.end.slice(11, 16);
      element.append(part("when", block.slot ? when + " " + block.slot : when),
                     part("what", block.titles.join(" · ")));
      element.title = when + " " + block.titles.join(" · ");
      box.append(element);
    }
    box.style.height = 24 * HOUR_PX + "px";
  }

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
