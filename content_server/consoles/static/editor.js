// Editor console: upload (tus-upload.js) + new video, the video table (polled; cancel, retry, edit,
// withdraw, restore, delete through the API), categories.
"use strict";

(function () {
  const texts = document.getElementById("editor-texts").dataset;
  const lang = document.documentElement.classList.contains("lang-mn") ? "mn" : "zh";
  const POLL_BUSY_MS = 2000, POLL_IDLE_MS = 15000;  // fast only while something converts

  function say(element, text, isError) {
    element.textContent = text;
    element.classList.toggle("error", Boolean(isError));
  }

  // The API's answer; a refusal becomes an Error carrying its message in the console language.
  async function api(method, url, body) {
    try {
      return await window.legaltvApi.call(method, url, body);
    } catch (err) {
      throw new Error(err.message[lang]);
    }
  }

  // ---- upload: the consoles' one tus client (static/tus-upload.js) ----
  function upload(file, onProgress) {
    return window.tusUpload(file, {onProgress, retryingText: texts.retrying});
  }

  // A stored UTC instant shown as Beijing time, e.g. 2026-12-01 08:00.
  function beijing(instant) {
    const shifted = new Date(Date.parse(instant) + 8 * 3600 * 1000);
    return shifted.toISOString().slice(0, 16).replace("T", " ");
  }

  function publishInstant(value) {
    return value ? value + (value.length === 16 ? ":00" : "") + "+08:00" : null;  // Beijing time
  }

  const form = document.getElementById("new-video");
  const progress = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    progress.hidden = false;
    try {
      const showProgress = (fraction, note) => {
        progress.value = fraction;
        say(status, note || texts.uploading + " " + Math.floor(fraction * 100) + " %");
      };
      const uploadId = await upload(data.get("file"), showProgress);
      const subtitles = {};
      for (const code of ["zh", "mn"]) {
        const subFile = data.get("subtitles_" + code);
        if (subFile && subFile.size) subtitles[code] = await upload(subFile, () => {});
      }
      say(status, texts.creating);
      const audio = [data.get("audio_1"), data.get("audio_2")].filter(Boolean);
      const body = {upload_id: uploadId, category: data.get("category"),
                    title: {zh: data.get("title_zh"), mn: data.get("title_mn")},
                    summary: {zh: data.get("summary_zh"), mn: data.get("summary_mn")},
                    audio_languages: audio, subtitles};
      const poster = data.get("poster");
      if (poster && poster.size) body.poster = await upload(poster, () => {});
      const from = publishInstant(data.get("publish_from")), until = publishInstant(data.get("publish_until"));
      if (from) body.publish_from = from;
      if (until) body.publish_until = until;
      await api("POST", "/api/v1/videos", body);
      say(status, texts.created);
      form.reset();
      refresh();
    } catch (err) {
      say(status, err.message || texts.failed, true);
    } finally {
      button.disabled = false;
      progress.hidden = true;
    }
  });

  // ---- the list of videos, polled ----
  const tbody = document.querySelector("#videos tbody");
  const videosStatus = document.getElementById("videos-status");

  function cell(...parts) {
    const td = document.createElement("td");
    td.append(...parts);
    return td;
  }

  function line(text, className) {
    const span = document.createElement("span");
    span.className = className || "";
    span.textContent = text;
    return span;
  }

  function minutes(seconds) {
    if (!seconds) return "";
    const whole = Math.round(seconds);
    return Math.floor(whole / 60) + ":" + String(whole % 60).padStart(2, "0");
  }

  function languages(codes) {
    return codes.map((code) => texts["lang" + code.charAt(0).toUpperCase() + code.slice(1)] || code).join(" · ");
  }

  function button(action, label, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "secondary " + action;
    b.textContent = label;
    b.addEventListener("click", async () => {
      b.disabled = true;
      try {
        await onClick();
      } catch (err) {
        say(videosStatus, err.message, true);
      }
      b.disabled = false;
    });
    return b;
  }

  function row(video) {
    const tr = document.createElement("tr");
    tr.dataset.video = video.id;
    tr.dataset.status = video.status;
    tr.dataset.replacing = video.replacing ? "yes" : "no";
    const picture = cell();
    if (video.thumb) {
      const img = document.createElement("img");
      img.className = "thumb";
      img.src = video.thumb;
      img.alt = "";
      img.width = 96;
      img.height = 54;
      picture.append(img);
    }
    const title = cell(video.title.zh, document.createElement("br"), line(video.title.mn, "mn title-mn"),
                       document.createElement("br"), line(video.id, "video-id"));
    const category = cell(video.category, document.createElement("br"), line(video.category_id, "video-id"));
    const state = cell(video.status_label +
      (video.status === "processing" ? " " + Math.round(video.progress * 100) + "%" : ""));
    state.className = "status";
    if (video.replacing) {
      state.append(document.createElement("br"), line(texts.replacing + " " + Math.round(video.progress * 100) + "%",
                                                      "replacing"));
    }
    if (video.status === "processing" || video.replacing) {
      const bar = document.createElement("progress");
      bar.max = 1;
      bar.value = video.progress;
      state.append(document.createElement("br"), bar);
    }
    if (video.publish_from || video.publish_until) {
      state.append(document.createElement("br"), line(
        [video.publish_from && texts.from + " " + beijing(video.publish_from),
         video.publish_until && texts.until + " " + beijing(video.publish_until)].filter(Boolean).join(" "),
        "muted publish-window"));
    }
    if (video.error) state.append(document.createElement("br"), line(video.error, "error"));
    const length = cell(minutes(video.duration));
    const langs = cell(line(texts.audio + " " + languages(video.audio), "audio-languages"));
    if (video.subtitles.length) {
      langs.append(document.createElement("br"), line(texts.subtitles + " " + languages(video.subtitles),
                                                      "subtitle-languages"));
    }
    const actions = cell();
    actions.className = "actions";
    const path = "/api/v1/videos/" + encodeURIComponent(video.id);
    if (video.status === "processing") {
      actions.append(button("cancel", texts.cancel, async () => { await api("POST", path + "/cancel"); refresh(); }));
    } else if (video.status === "failed" || video.status === "cancelled") {
      actions.append(button("retry", texts.retry, async () => { await api("POST", path + "/retry"); refresh(); }));
    }
    if (video.hls) actions.append(button("preview", texts.preview, async () => window.openVideoPreview(video)));
    actions.append(button("edit", texts.edit, async () => openEdit(video)));
    actions.append(button("history", texts.history, async () => openHistory(video)));
    if ((video.status === "ready" || video.status === "withdrawn") && !video.replacing) {
      actions.append(button("replace", texts.replace, async () => openReplace(video)));
    }
    if (video.status === "ready") {
      actions.append(button("withdraw", texts.withdraw, async () => openReason(video, "withdraw")));
    } else if (video.status === "withdrawn") {
      actions.append(button("restore", texts.restore, async () => openReason(video, "restore")));
    }
    actions.append(button("delete", texts.delete, async () => {
      if (!window.confirm(texts.confirmDelete)) return;
      await api("DELETE", path);
      refresh();
    }));
    tr.append(picture, title, category, state, length, langs, actions);
    return tr;
  }

  // A stored UTC instant as the value of a datetime-local field in Beijing time.
  function localValue(instant) {
    return instant ? beijing(instant).replace(" ", "T") : "";
  }

  // ---- correcting a video: a form in a dialog, sending only what changed ----
  const editDialog = document.getElementById("edit-video");
  const editForm = editDialog.querySelector("form");
  let editing = null;

  function openEdit(video) {
    editing = video;
    editForm.reset();
    editDialog.querySelector(".video-id").textContent = video.id;
    const fields = editForm.elements;
    fields.title_zh.value = video.title.zh;
    fields.title_mn.value = video.title.mn;
    fields.summary_zh.value = video.summary.zh;
    fields.summary_mn.value = video.summary.mn;
    fields.category.value = video.category_id;
    fields.publish_from.value = localValue(video.publish_from);
    fields.publish_until.value = localValue(video.publish_until);
    fields.poster_time.max = Math.max(0, Math.floor(video.duration || 0) - 1);
    const labels = editDialog.querySelector(".sound-labels");
    labels.querySelectorAll("label").forEach((old) => old.remove());
    video.audio.forEach((code, n) => {
      const label = document.createElement("label");
      const select = document.createElement("select");
      select.name = "audio_" + n;
      for (const option of ["zh", "mn"]) {
        select.append(new Option(texts["lang" + option.charAt(0).toUpperCase() + option.slice(1)], option,
                                 option === code, option === code));
      }
      label.append(texts.track + " " + (n + 1), select);
      labels.append(label);
    });
    labels.hidden = video.audio.length === 0;
    const ready = video.status === "ready" || video.status === "withdrawn";
    fields.poster.disabled = fields.poster_time.disabled = !ready;
    say(editForm.querySelector(".form-status"), "");
    editDialog.showModal();
  }

  editForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = editForm.elements, note = editForm.querySelector(".form-status");
    const body = {title: {zh: fields.title_zh.value, mn: fields.title_mn.value},
                  summary: {zh: fields.summary_zh.value, mn: fields.summary_mn.value},
                  category: fields.category.value};
    for (const name of ["publish_from", "publish_until"]) {
      if (fields[name].value !== localValue(editing[name])) body[name] = publishInstant(fields[name].value);
    }
    const audio = editing.audio.map((_, n) => fields["audio_" + n].value);
    if (audio.join() !== editing.audio.join()) body.audio_languages = audio;
    const save = editForm.querySelector("button[type=submit]");
    save.disabled = true;
    try {
      const picture = fields.poster.files && fields.poster.files[0];
      if (picture) body.poster = await upload(picture, () => {});
      else if (fields.poster_time.value !== "") body.poster_time = Number(fields.poster_time.value);
      await api("PATCH", "/api/v1/videos/" + encodeURIComponent(editing.id), body);
      editDialog.close();
      say(videosStatus, texts.saved);
      refresh();
    } catch (err) {
      say(note, err.message || texts.failed, true);
    } finally {
      save.disabled = false;
    }
  });

  // ---- withdrawing and restoring: a reason in both languages, kept in the audit log ----
  const reasonDialog = document.getElementById("reason-video");
  const reasonForm = reasonDialog.querySelector("form");
  let reasonFor = null;

  function openReason(video, action) {
    reasonFor = {video, action};
    reasonForm.reset();
    reasonDialog.querySelector(".withdraw-heading").hidden = action !== "withdraw";
    reasonDialog.querySelector(".restore-heading").hidden = action !== "restore";
    reasonDialog.querySelector(".video-title").textContent = video.title.zh + " / " + video.title.mn;
    say(reasonForm.querySelector(".form-status"), "");
    reasonDialog.showModal();
  }

  reasonForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = reasonForm.elements;
    try {
      await api("POST", "/api/v1/videos/" + encodeURIComponent(reasonFor.video.id) + "/" + reasonFor.action,
                {reason: {zh: fields.reason_zh.value, mn: fields.reason_mn.value}});
      reasonDialog.close();
      refresh();
    } catch (err) {
      say(reasonForm.querySelector(".form-status"), err.message || texts.failed, true);
    }
  });

  // ---- replacing a video with a new cut: uploaded, then made while the old one plays on ----
  const replaceDialog = document.getElementById("replace-video");
  const replaceForm = replaceDialog.querySelector("form");
  let replacing = null;

  function openReplace(video) {
    replacing = video;
    replaceForm.reset();
    replaceDialog.querySelector(".video-title").textContent = video.title.zh + " / " + video.title.mn;
    say(replaceForm.querySelector(".form-status"), "");
    replaceDialog.showModal();
  }

  replaceForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(replaceForm), note = replaceForm.querySelector(".form-status");
    const bar = replaceForm.querySelector("progress"), send = replaceForm.querySelector("button[type=submit]");
    send.disabled = true;
    bar.hidden = false;
    try {
      const uploadId = await upload(data.get("file"), (fraction, text) => {
        bar.value = fraction;
        say(note, text || texts.uploading + " " + Math.floor(fraction * 100) + " %");
      });
      const subtitles = {};
      for (const code of ["zh", "mn"]) {
        const subFile = data.get("subtitles_" + code);
        if (subFile && subFile.size) subtitles[code] = await upload(subFile, () => {});
      }
      await api("POST", "/api/v1/videos/" + encodeURIComponent(replacing.id) + "/replace",
                {upload_id: uploadId, subtitles});
      replaceDialog.close();
      say(videosStatus, texts.replaceStarted);
      refresh();
    } catch (err) {
      say(note, err.message || texts.failed, true);
    } finally {
      send.disabled = false;
      bar.hidden = true;
    }
  });

  // ---- a video's history: who changed what, when (its audit log) ----
  const historyDialog = document.getElementById("video-history");

  function describe(values) {
    return Object.entries(values).map(([key, value]) => key + ": " + (value === null ? "—" : value)).join(", ");
  }

  async function openHistory(video) {
    const entries = await api("GET", "/api/v1/videos/" + encodeURIComponent(video.id) + "/audit");
    historyDialog.querySelector(".video-title").textContent = video.title.zh + " / " + video.title.mn;
    const list = historyDialog.querySelector(".history");
    list.replaceChildren(...entries.map((entry) => {
      const item = document.createElement("li");
      item.dataset.change = entry.change;
      item.append(line(entry.at.slice(0, 16).replace("T", " ") + " · " + entry.who + " · " +
                       (texts["change" + entry.change.charAt(0).toUpperCase() + entry.change.slice(1)] || entry.change),
                       "history-head"));
      if (entry.reason) item.append(document.createElement("br"), line(entry.reason[lang], lang === "mn" ? "mn" : ""));
      if (entry.change === "edit" || entry.change === "replace") {  // the others say it in their name
        item.append(document.createElement("br"), line(describe(entry.before) + " → " + describe(entry.after), "muted"));
      }
      return item;
    }));
    historyDialog.showModal();
  }

  for (const dialog of [editDialog, reasonDialog, replaceDialog, historyDialog]) {
    dialog.querySelector(".close").addEventListener("click", () => dialog.close());
  }

  let timer = null;
  async function refresh() {
    clearTimeout(timer);
    let busy = true;
    try {
      const resp = await fetch("/console/editor/videos.json" + location.search, {credentials: "same-origin"});
      if (resp.ok) {
        const body = await resp.json();
        tbody.replaceChildren(...body.videos.map(row));
        busy = body.videos.some((video) => video.status === "processing" || video.replacing);
      }
    } catch (e) {
      // offline for a moment: the next poll tries again
    }
    timer = setTimeout(refresh, busy ? POLL_BUSY_MS : POLL_IDLE_MS);
  }
  refresh();

  // ---- categories ----
  const categoryStatus = document.getElementById("category-status");
  const list = document.getElementById("categories");

  async function categoryChange(work) {
    try {
      await work();
      location.reload();
    } catch (err) {
      say(categoryStatus, err.message, true);
    }
  }

  document.getElementById("new-category").addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    categoryChange(() => api("POST", "/api/v1/categories",
                             {id: data.get("id"), title: {zh: data.get("zh"), mn: data.get("mn")}}));
  });

  list.querySelectorAll("li").forEach((item) => {
    const renameForm = item.querySelector("form");
    renameForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const data = new FormData(renameForm);
      categoryChange(() => api("PATCH", "/api/v1/categories/" + encodeURIComponent(item.dataset.category),
                               {title: {zh: data.get("zh"), mn: data.get("mn")}}));
    });
    item.querySelector(".move-up").addEventListener("click", () => {
      const order = [...list.querySelectorAll("li")].map((li) => li.dataset.category);
      const at = order.indexOf(item.dataset.category);
      if (at <= 0) return;
      [order[at - 1], order[at]] = [order[at], order[at - 1]];
      categoryChange(() => api("PUT", "/api/v1/categories/order", {order}));
    });
  });
})();
