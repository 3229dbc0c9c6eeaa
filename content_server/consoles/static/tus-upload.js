// A small resumable tus 1.0.0 client for the consoles (no dependencies, CSP-safe).
//
//   const uploadId = await window.tusUpload(file, {
//     onProgress(fraction, note) {},   // 0..1; `note` is options.retryingText while waiting to retry
//     onRetry(attempt, delayMs, reason) {},
//     retryingText: "Connection lost. Trying again…",
//     signal,                          // an AbortSignal: stops sending; the upload can be resumed later
//     chunkSize: 8 * 1024 * 1024, checksum: false, headers: {}, metadata: {filename, filetype},
//   });
//   await window.tusUpload.terminate(uploadId);   // cancels an upload and removes its bytes
//
// After a dropped connection it waits (growing delays), asks the server with HEAD how much arrived
// and continues from there. The upload address is remembered in localStorage, so choosing the
// same file again after a reload continues the earlier upload. Refusals that retrying cannot fix
// (sign-in, permissions, size, bad file) reject with a TusError whose message is the server's
// bilingual message in the page language. Every request sends X-CSRF-Token from the meta tag.
"use strict";

(function () {
  const TUS = {"Tus-Resumable": "1.0.0"};
  const DEFAULTS = {
    endpoint: "/api/v1/uploads",
    chunkSize: 8 * 1024 * 1024,
    retryDelays: [500, 1000, 2000, 4000, 8000, 15000, 30000],  // the last one repeats
    maxRetries: 40,          // consecutive failures without progress before giving up
    stallSeconds: 45,        // a request that sends nothing for this long is dropped and retried
    resume: true,
    // a SHA-1 per piece (secure contexts only); an interrupted piece is then kept by the server
    // only whole, so on links that drop often, leave it off: TCP and TLS already guard the bytes
    checksum: false,
    headers: {},
    metadata: null,          // default: {filename, filetype} of the file
    retryingText: "",
    onProgress: () => {},
    onRetry: () => {},
    signal: null,
    lang: null,              // "zh" | "mn"; default: the page language
  };
  const RETRY_STATUSES = new Set([0, 408, 409, 423, 429, 460, 500, 502, 503, 504]);

  class TusError extends Error {
    constructor(message, status, body) {
      super(message);
      this.name = "TusError";
      this.status = status;
      this.body = body;
    }
  }

  function pageLanguage() {
    const root = document.documentElement;
    return root.classList.contains("lang-mn") || (root.lang || "").startsWith("mn") ? "mn" : "zh";
  }

  function csrfHeaders() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta && meta.content ? {"X-CSRF-Token": meta.content} : {};
  }

  function b64(text) {
    let binary = "";
    for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
    return btoa(binary);
  }

  function metadataHeader(pairs) {
    return Object.entries(pairs).filter(([, v]) => v !== undefined && v !== null && v !== "")
      .map(([k, v]) => k + " " + b64(String(v))).join(",");
  }

  function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal && signal.aborted) return reject(abortError());
      const timer = setTimeout(resolve, ms);
      if (signal) signal.addEventListener("abort", () => { clearTimeout(timer); reject(abortError()); }, {once: true});
    });
  }

  function abortError() {
    return new DOMException("The upload was stopped.", "AbortError");
  }

  // One HTTP request with XMLHttpRequest (for upload progress). Resolves {status, headers, body};
  // status 0 means the connection failed or stalled.
  function send(method, url, headers, body, opts, onSent) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      let lastActivity = Date.now();
      const watchdog = setInterval(() => {
        if (Date.now() - lastActivity > opts.stallSeconds * 1000) xhr.abort();
      }, 1000);
      const stopWatching = () => { clearInterval(watchdog); if (opts.signal) opts.signal.removeEventListener("abort", onAbort); };
      const onAbort = () => xhr.abort();
      xhr.open(method, url);
      for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => { lastActivity = Date.now(); if (onSent) onSent(event.loaded); };
      xhr.onprogress = () => { lastActivity = Date.now(); };
      xhr.onload = () => {
        stopWatching();
        let parsed = null;
        try { parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (e) { parsed = null; }
        resolve({status: xhr.status, headers: (name) => xhr.getResponseHeader(name), body: parsed});
      };
      xhr.onerror = xhr.onabort = xhr.ontimeout = () => {
        stopWatching();
        if (opts.signal && opts.signal.aborted) reject(abortError());
        else resolve({status: 0, headers: () => null, body: null});
      };
      if (opts.signal) opts.signal.addEventListener("abort", onAbort, {once: true});
      xhr.send(body === undefined ? null : body);
    });
  }

  async function sha1Header(blob) {
    if (!(window.crypto && crypto.subtle)) return {};  // only in secure contexts (https, localhost)
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", await blob.arrayBuffer()));
    let binary = "";
    for (const byte of digest) binary += String.fromCharCode(byte);
    return {"Upload-Checksum": "sha1 " + btoa(binary)};
  }

  function refusal(resp, opts) {
    const lang = opts.lang || pageLanguage();
    const message = resp.body && resp.body.message ? resp.body.message[lang] : "HTTP " + resp.status;
    return new TusError(message, resp.status, resp.body);
  }

  class Retry extends Error {}  // a failure that waiting and asking again can fix

  function check(resp, opts, expected) {
    if (resp.status === expected) return resp;
    if (RETRY_STATUSES.has(resp.status)) throw new Retry("HTTP " + resp.status);
    throw refusal(resp, opts);
  }

  async function tusUpload(file, options) {
    const opts = {...DEFAULTS, ...(options || {})};
    const base = () => ({...TUS, ...csrfHeaders(), ...opts.headers});
    const key = "tus-upload:" + opts.endpoint + ":" + [file.name, file.size, file.type, file.lastModified].join(":");
    let url = opts.resume ? localStorage.getItem(key) : null;
    let offset = null;  // null: ask the server before sending
    let failures = 0;
    let shown = 0;  // the last fraction reported
    const progress = (fraction, note) => { shown = fraction; opts.onProgress(fraction, note); };

    const remember = (value) => {
      if (!opts.resume) return;
      if (value) localStorage.setItem(key, value); else localStorage.removeItem(key);
    };

    for (;;) {
      if (opts.signal && opts.signal.aborted) throw abortError();
      try {
        if (!url) {
          const meta = opts.metadata || {filename: file.name, filetype: file.type || "application/octet-stream"};
          const resp = check(await send("POST", opts.endpoint, {
            ...base(), "Upload-Length": String(file.size), "Upload-Metadata": metadataHeader(meta)},
            undefined, opts), opts, 201);
          url = new URL(resp.headers("Location"), new URL(opts.endpoint, location.href)).href;
          offset = Number(resp.headers("Upload-Offset") || 0);
          remember(url);
        }
        if (offset === null) {
          const resp = await send("HEAD", url, base(), undefined, opts);
          if ([403, 404, 410].includes(resp.status) ||
              (resp.status === 200 && Number(resp.headers("Upload-Length")) !== file.size)) {
            url = null;  // gone or not this file: start again from the beginning
            remember(null);
            continue;
          }
          offset = Number(check(resp, opts, 200).headers("Upload-Offset"));
        }
        progress(file.size ? offset / file.size : 1);
        if (offset >= file.size) break;
        const piece = file.slice(offset, Math.min(offset + opts.chunkSize, file.size));
        const start = offset;
        const resp = await send("PATCH", url, {
          ...base(), "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset),
          ...(opts.checksum ? await sha1Header(piece) : {})}, piece, opts,
          (sent) => progress(Math.min(1, (start + sent) / file.size)));
        if (resp.status === 404 || resp.status === 410) {
          url = null;
          remember(null);
          throw new Retry("upload gone");
        }
        offset = Number(check(resp, opts, 204).headers("Upload-Offset"));
        failures = 0;
      } catch (err) {
        if (!(err instanceof Retry)) throw err;
        failures += 1;
        if (failures > opts.maxRetries) {
          throw new TusError(opts.retryingText || "The upload keeps failing.", 0, null);
        }
        const delay = opts.retryDelays[Math.min(failures - 1, opts.retryDelays.length - 1)] * (0.75 + Math.random() / 2);
        opts.onRetry(failures, delay, err.message);
        progress(shown, opts.retryingText || undefined);
        await sleep(delay, opts.signal);
        offset = null;  // the server says where to continue
      }
    }
    remember(null);
    return url.split("/").pop();
  }

  tusUpload.terminate = async function (uploadIdOrUrl, options) {
    const opts = {...DEFAULTS, ...(options || {})};
    const url = uploadIdOrUrl.includes("/") ? uploadIdOrUrl : opts.endpoint + "/" + uploadIdOrUrl;
    const resp = await send("DELETE", url, {...TUS, ...csrfHeaders(), ...opts.headers}, undefined, opts);
    if (resp.status !== 204 && resp.status !== 404) throw refusal(resp, opts);
  };
  tusUpload.TusError = TusError;

  window.tusUpload = tusUpload;
})();
