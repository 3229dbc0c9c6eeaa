// Editor console: upload (tus-upload.js) + new video, progress polling, cancel/retry, categories.
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const texts = document.getElementById("editor-texts").dataset;
  const lang = document.documentElement.classList.contains("lang-mn") ? "mn" : "zh";
  const POLL_BUSY_MS = 2000, POLL_IDLE_MS = 15000;  // fast only while something converts

  function say(element, text, isError) {
    element.textContent = text;
    element.classList.toggle("error", Boolean(isError));
  }

  // The server's bilingual error in the console language, or a generic line.
  async function errorText(resp) {
    try {
      const body = await resp.json();
      return (body.message && body.message[lang]) || texts.failed;
    } catch (e) {
      return texts.failed;
    }
  }

  async function api(method, url, body) {
    const headers = {"X-CSRF-Token": csrf};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const resp = await fetch(url, {method, headers, credentials: "same-origin",
                                   body: body === undefined ? undefined : JSON.stringify(body)});
    if (!resp.ok) throw new Error(await errorText(resp));
    return resp.status === 204 ? null : resp.json();
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

  function row(video) {
    const tr = document.createElement("tr");
    tr.dataset.video = video.id;
    tr.dataset.status = video.status;
    const title = document.createElement("td");
    const mn = document.createElement("span");
    mn.className = "mn";
    mn.textContent = video.title.mn;
    title.append(video.title.zh, document.createElement("br"), mn);
    const category = document.createElement("td");
    category.textContent = video.category;
    const state = document.createElement("td");
    state.className = "status";
    state.textContent = video.status_label +
      (video.status === "processing" ? " " + Math.round(video.progress * 100) + "%" : "");
    if (video.publish_from || video.publish_until) {
      const window_ = document.createElement("span");
      window_.className = "muted publish-window";
      window_.textContent = [video.publish_from && texts.from + " " + beijing(video.publish_from),
                             video.publish_until && texts.until + " " + beijing(video.publish_until)]
        .filter(Boolean).join(" ");
      state.append(document.createElement("br"), window_);
    }
    if (video.error) {
      const err = document.createElement("span");
      err.className = "error";
      err.textContent = video.error;
      state.append(document.createElement("br"), err);
    }
    const actions = document.createElement("td");
    actions.className = "actions";
    const action = video.status === "processing" ? "cancel"
      : (video.status === "failed" || video.status === "cancelled") ? "retry" : null;
    if (action) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary " + action;
      button.textContent = texts[action];
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          await api("POST", `/api/v1/videos/${encodeURIComponent(video.id)}/${action}`);
        } catch (err) {
          say(status, err.message, true);
        }
        refresh();
      });
      actions.append(button);
    }
    tr.append(title, category, state, actions);
    return tr;
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
        busy = body.videos.some((video) => video.status === "processing");
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
