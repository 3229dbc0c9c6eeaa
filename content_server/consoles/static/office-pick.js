// The referral's office list: every word typed must appear in an office's name, address, phone or
// services (either script); the first office left is chosen, so Enter in the box picks it.
(function () {
  const search = document.getElementById("office-search");
  const list = document.getElementById("office");
  if (!search || !list) return;
  const none = document.getElementById("office-none");
  search.addEventListener("input", () => {
    // words part at ordinary spaces only: U+202F joins a Mongolian word to its suffix
    const words = search.value.toLowerCase().split(/[ \t\u3000]+/).filter(Boolean);
    let first = null;
    for (const option of list.options) {
      const text = option.dataset.search.toLowerCase();
      const shown = words.every((w) => text.includes(w));
      option.hidden = !shown;
      if (shown && first === null) first = option;
    }
    if (list.selectedOptions.length === 0 || list.selectedOptions[0].hidden) {
      list.value = first ? first.value : "";
    }
    none.hidden = first !== null;
  });
  search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();  // Enter picks the first office, it does not send
  });
})();
