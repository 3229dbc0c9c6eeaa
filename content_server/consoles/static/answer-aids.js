// The question page's answer aids: a template (or any button with data-insert-zh / data-insert-mn)
// goes into the answer's fields at the cursor, so staff adapt it rather than retype it.
(function () {
  "use strict";
  function insert(field, text) {
    if (!field || !text) return;
    var start = field.selectionStart, end = field.selectionEnd, value = field.value;
    var before = value.slice(0, start), after = value.slice(end);
    var gap = before && !/\s$/.test(before) ? "\n" : "";
    field.value = before + gap + text + after;
    field.selectionStart = field.selectionEnd = (before + gap + text).length;
    field.dispatchEvent(new Event("input", {bubbles: true}));
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert-zh], [data-insert-mn]");
    if (!button) return;
    var form = document.querySelector("#answer form");
    if (!form) return;
    insert(form.querySelector("textarea[name=summary_zh]"), button.dataset.insertZh);
    insert(form.querySelector("textarea[name=summary_mn]"), button.dataset.insertMn);
    form.querySelector("textarea[name=summary_zh]").focus();
  });
  // the guides and legal words: only those whose text holds what was typed (either script)
  var search = document.getElementById("insert-search");
  if (search) {
    search.addEventListener("input", function () {
      var wanted = search.value.trim().toLowerCase();
      document.querySelectorAll("#insert-picker .insert-entry").forEach(function (entry) {
        entry.parentElement.hidden = wanted !== "" && entry.dataset.search.toLowerCase().indexOf(wanted) < 0;
      });
    });
  }
})();
