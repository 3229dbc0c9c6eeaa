// Editor console: a video's preview as households get it (its HLS ladder through hls.js, vendored
// in static/vendor/), with a switch for the sound language and one for the subtitle language.
"use strict";

(function () {
  const dialog = document.getElementById("preview-video");
  const texts = document.getElementById("editor-texts").dataset;
  const video = dialog.querySelector("video");
  const audioChoice = dialog.querySelector("select[name=audio]");
  const subtitleChoice = dialog.querySelector("select[name=subtitles]");
  const note = dialog.querySelector(".form-status");
  let hls = null;

  function languageName(code) {
    return texts["lang" + code.charAt(0).toUpperCase() + code.slice(1)] || code;
  }

  function fill(select, tracks, keep) {
    select.querySelectorAll("option").forEach((option) => { if (!keep.includes(option)) option.remove(); });
    tracks.forEach((track, index) => select.append(new Option(languageName(track.lang || ""), String(index))));
  }

  function stop() {
    if (hls) hls.destroy();
    hls = null;
    video.removeAttribute("src");
    video.load();
    delete dialog.dataset.audio;
    delete dialog.dataset.subtitles;
  }

  function open(item) {
    stop();
    dialog.querySelector(".video-title").textContent = item.title.zh + " / " + item.title.mn;
    note.textContent = "";
    note.classList.remove("error");
    fill(audioChoice, [], []);
    fill(subtitleChoice, [], [subtitleChoice.options[0]]);
    dialog.showModal();
    if (!window.Hls || !window.Hls.isSupported()) {
      note.textContent = texts.previewFailed;
      note.classList.add("error");
      return;
    }
    // no worker: the consoles' CSP allows scripts from this server only, and the preview is small
    hls = new window.Hls({enableWorker: false, renderTextTracksNatively: true});
    hls.on(window.Hls.Events.MANIFEST_PARSED, () => {
      video.play().catch(() => {});  // a browser that refuses autoplay leaves the play button to the editor
    });
    // the tracks are known once the first rung's playlist is read, not with the master
    hls.on(window.Hls.Events.AUDIO_TRACKS_UPDATED, (event, data) => {
      fill(audioChoice, data.audioTracks, []);
      audioChoice.value = String(hls.audioTrack);
    });
    hls.on(window.Hls.Events.SUBTITLE_TRACKS_UPDATED, (event, data) => {
      fill(subtitleChoice, data.subtitleTracks, [subtitleChoice.options[0]]);
      subtitleChoice.value = String(hls.subtitleTrack);
    });
    hls.on(window.Hls.Events.AUDIO_TRACK_SWITCHED, (event, data) => {
      dialog.dataset.audio = hls.audioTracks[data.id].lang;
      audioChoice.value = String(data.id);
    });
    hls.on(window.Hls.Events.SUBTITLE_TRACK_SWITCH, (event, data) => {
      dialog.dataset.subtitles = data.id >= 0 ? hls.subtitleTracks[data.id].lang : "";
    });
    hls.on(window.Hls.Events.ERROR, (event, data) => {
      if (!data.fatal) return;
      note.textContent = texts.previewFailed;
      note.classList.add("error");
    });
    hls.loadSource(item.hls);
    hls.attachMedia(video);
  }

  audioChoice.addEventListener("change", () => {
    if (hls) hls.audioTrack = Number(audioChoice.value);
  });
  subtitleChoice.addEventListener("change", () => {
    if (!hls) return;
    hls.subtitleDisplay = subtitleChoice.value !== "-1";
    hls.subtitleTrack = Number(subtitleChoice.value);
  });
  dialog.querySelector(".close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", stop);

  window.openVideoPreview = open;
})();
