// Editor console for the calculators' figures: a table, saved whole through PUT /api/v1/calculators/figures.
"use strict";
(function () {
  const read = (id) => JSON.parse(document.getElementById(id).textContent);
  const figures = read("figures-data"), kinds = read("figure-kinds"), texts = read("figure-texts");
  const tbody = document.querySelector("#figures tbody");
  const status = document.getElementById("status"), errorBox = document.getElementById("error");
  const FIELDS = ["region", "year", "value", "applies_from", "source"];

  function input(name, value, attrs) {
    const element = document.createElement("input");
    Object.assign(element, {name, value: value == null ? "" : value}, attrs || {});
    const td = document.createElement("td");
    td.append(element);
    return td;
  }

  function addRow(figure) {
    const row = document.createElement("tr");
    const kind = document.createElement("select");
    kind.name = "key";
    for (const k of kinds) kind.append(new Option(`${k.label} (${k.unit === "percent" ? "%" : "元"})`, k.key));
    kind.value = figure.key || kinds[0].key;
    const kindCell = document.createElement("td");
    kindCell.append(kind);
    const regionCell = input("region", figure.region || "150000", {size: 6, maxLength: 6, inputMode: "numeric"});
    window.legaltvPlaces.hint(regionCell.firstChild, false);  // the code read as its place
    row.append(kindCell, regionCell,
      input("year", figure.year, {type: "number", min: 1990, max: 2100}),
      input("value", figure.value, {inputMode: "decimal", size: 10}),
      input("applies_from", figure.applies_from, {type: "date"}),
      input("source", figure.source, {size: 40, maxLength: 300}));
    const remove = document.createElement("button");
    remove.type = "button";
    remove.textContent = texts.remove;
    remove.addEventListener("click", () => row.remove());
    const removeCell = document.createElement("td");
    removeCell.append(remove);
    row.append(removeCell);
    tbody.append(row);
    return row;
  }

  function rows() {
    return [...tbody.rows].map((row) => {
      const value = (name) => row.querySelector(`[name=${name}]`).value.trim();
      const figure = {key: value("key")};
      for (const name of FIELDS) figure[name] = value(name);
      figure.year = Number(figure.year) || figure.year;
      return figure;
    });
  }

  figures.forEach(addRow);
  document.getElementById("add-figure").addEventListener("click", () => {
    addRow({}).querySelector("select").focus();
  });
  document.getElementById("save").addEventListener("click", async () => {
    status.textContent = "";
    errorBox.textContent = "";
    errorBox.dataset.field = "";
    try {
      await window.legaltvApi.call("PUT", "/api/v1/calculators/figures", {items: rows()});
      status.textContent = texts.saved;
    } catch (err) {
      window.legaltvApi.showError(errorBox, err);
    }
  });
})();
