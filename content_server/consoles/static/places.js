// Region codes named for reading in the console's language, from the region table the page
// carries (#region-names): "1525" reads 锡林郭勒盟, with the code beside it as a small hint.
"use strict";
window.legaltvPlaces = (function () {
  const data = document.getElementById("region-names");
  const names = data ? JSON.parse(data.textContent) : {};
  // a prefix targets a whole league ("1525") or the region ("15"): its place's code ends in zeros
  const codeOf = (prefix) => (prefix.length === 2 || prefix.length === 4) ? prefix.padEnd(6, "0") : prefix;
  const label = (prefix) => names[codeOf(prefix)] || prefix;

  function element(prefix) {
    const span = document.createElement("span");
    span.className = "place";
    const named = label(prefix);
    span.textContent = named;
    if (named !== prefix) {
      const code = document.createElement("small");
      code.className = "code";
      code.textContent = prefix;
      span.append(" ", code);
    }
    return span;
  }

  // shows under `input` what the codes typed into it name, as the editor types
  function hint(input, split) {
    const line = document.createElement("span");
    line.className = "place-hint";
    const update = () => line.replaceChildren(...(split ? input.value.split(/[\s,，、]+/) : [input.value.trim()])
      .filter(Boolean).flatMap((code, i) => i ? ["；", element(code)] : [element(code)]));
    input.addEventListener("input", update);
    input.after(line);
    update();
    return update;
  }
  return {label, element, hint};
})();
