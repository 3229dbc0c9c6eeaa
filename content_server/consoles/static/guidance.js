// Editor console: question topics with their sentences, situation guides and the glossary as forms.
// Saved through the same API as a JSON import, so a refusal is the same bilingual error; it is shown
// beside the field it names. Every Mongolian field shows its text as the TV draws it (vertical).
"use strict";
(function () {
  const {call, lang} = window.legaltvApi;
  const texts = JSON.parse(document.getElementById("guidance-texts").textContent);
  const categories = JSON.parse(document.getElementById("guidance-categories").textContent);
  const LANGUAGE_NAMES = {zh: "中文", mn: "ᠮᠣᠩᠭᠣᠯ"};

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(label, className, onClick) {
    const b = el("button", "secondary " + className, label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  // ---- fields: each input carries the API's name for it (data-field), so an error finds it ----
  function textBox(value, path, language, multiline) {
    const label = el("label", "field lang-" + language);
    label.append(el("span", language === "mn" ? "mn" : "", LANGUAGE_NAMES[language]));
    const input = el(multiline ? "textarea" : "input", language === "mn" ? "mn" : "");
    if (multiline) input.rows = 2;
    input.value = value || "";
    input.dataset.field = path;
    input.lang = language === "mn" ? "mn-Mong" : "zh-Hans";
    label.append(input);
    if (language === "mn") {  // as the box shows it: vertical columns, left to right
      const preview = el("div", "mn-preview mn-block mn");
      preview.lang = "mn-Mong";
      const draw = () => { preview.textContent = input.value; };
      input.addEventListener("input", draw);
      draw();
      label.append(preview);
    }
    return {node: label, input};
  }

  function bilingualField(caption, value, path, multiline) {
    const box = el("fieldset", "bilingual");
    box.dataset.field = path;
    box.append(el("legend", "", caption));
    const zh = textBox(value && value.zh, path + ".zh", "zh", multiline);
    const mn = textBox(value && value.mn, path + ".mn", "mn", multiline);
    box.append(zh.node, mn.node);
    return {node: box, read: () => ({zh: zh.input.value, mn: mn.input.value})};
  }

  function textField(caption, value, path, attrs) {
    const label = el("label", "field");
    label.append(caption);
    const input = el("input");
    Object.assign(input, attrs || {});
    input.value = value || "";
    input.dataset.field = path;
    label.append(input);
    return {node: label, input, read: () => input.value.trim()};
  }

  function choiceField(caption, value, path, options) {
    const label = el("label", "field");
    label.append(caption);
    const select = el("select");
    for (const [key, name] of options) select.append(new Option(name, key));
    if (value && !options.some(([key]) => key === value)) select.append(new Option(value, value));
    select.value = value || "";
    select.dataset.field = path;
    label.append(select);
    return {node: label, read: () => select.value};
  }

  // One entry folded under its name, so a long list stays readable; a new (empty) entry opens.
  function folded(className, name, open, ...parts) {
    const details = el("details", className);
    details.open = open;
    details.append(el("summary", "", name), ...parts);
    return details;
  }

  function bothTitles(value) {
    return value ? [value.zh, value.mn].filter(Boolean).join(" · ") : "";
  }

  // An ordered list (add, move up or down, remove): make(value, path) -> {node, read}.
  function orderedList(values, make, prefix, addLabel) {
    const box = el("div", "ordered");
    box.dataset.field = prefix;
    const list = el("ol");
    let entries = [];
    function draw(current) {
      entries = current.map((value, at) => make(value, `${prefix}[${at}]`));
      list.replaceChildren(...entries.map((entry, at) => {
        const item = el("li", "entry");
        item.append(entry.node, el("div", "entry-actions"));
        item.lastChild.append(button(texts.move_up, "move-up", () => move(at, -1)),
                              button(texts.move_down, "move-down", () => move(at, 1)),
                              button(texts.remove, "remove", () => { const now = read(); now.splice(at, 1); draw(now); }));
        return item;
      }));
    }
    function read() { return entries.map((entry) => entry.read()); }
    function move(at, by) {
      const now = read(), to = at + by;
      if (to < 0 || to >= now.length) return;
      [now[at], now[to]] = [now[to], now[at]];
      draw(now);
    }
    box.append(list);
    if (addLabel) box.append(button(addLabel, "add-entry", () => { draw([...read(), null]); }));
    draw(values);
    return {node: box, read, add: (value) => draw([...read(), value]), load: draw};
  }

  // ---- errors beside the field the server names (e.g. items[2].term.mn), else under the section ----
  function clearErrors(root) {
    root.querySelectorAll(".field-error").forEach((node) => node.remove());
    root.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
  }

  function showError(root, status, err) {
    const message = (err && err.message && err.message[lang]) || texts.failed;
    let path = (err && err.field) || "";
    let target = null;
    while (path && !target) {
      target = root.querySelector(`[data-field="${CSS.escape(path)}"]`);
      path = path.replace(/(\.[^.[\]]*|\[\d+\])$/, "");  // items[1].term.mn -> items[1].term -> items[1]
    }
    if (!target) { say(status, message, true); return; }
    for (let fold = target.closest("details"); fold; fold = fold.parentElement.closest("details")) fold.open = true;
    target.setAttribute("aria-invalid", "true");
    const note = el("span", "field-error error", message);
    note.setAttribute("role", "alert");
    (target.closest("label") || target).after(note);
    target.scrollIntoView({block: "center"});
    say(status, "");
  }

  function say(status, text, isError) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  async function save(root, status, work) {
    clearErrors(root);
    say(status, "");
    try {
      await work();
      say(status, texts.saved);
    } catch (err) {
      showError(root, status, err);
    }
  }

  function importInto(input, status, list) {
    input.addEventListener("change", async () => {
      const file = input.files[0];
      if (!file) return;
      try {
        const data = JSON.parse(await file.text());
        list.load(Array.isArray(data) ? data : data.items || []);
        say(status, "");
      } catch (e) {
        say(status, texts.bad_json, true);
      }
      input.value = "";
    });
  }

  // ---- glossary: one list, saved whole (PUT /api/v1/glossary) ----
  const glossarySection = document.getElementById("glossary-section");
  const glossaryStatus = glossarySection.querySelector(".section-status");
  let glossaryTerms = [];
  function termForm(value, path) {
    value = value || {};
    const id = textField(texts.id, value.id, path + ".id", {maxLength: 64});
    const term = bilingualField(texts.term, value.term, path + ".term");
    const definition = bilingualField(texts.definition, value.definition, path + ".definition", true);
    const node = folded("term", [value.id, bothTitles(value.term)].filter(Boolean).join(" — "), !value.id,
                        id.node, term.node, definition.node);
    return {node, read: () => ({id: id.read(), term: term.read(), definition: definition.read()})};
  }
  const terms = orderedList([], termForm, "items");
  document.getElementById("term-list").append(terms.node);
  document.getElementById("add-term").addEventListener("click", () => terms.add(null));
  document.getElementById("save-glossary").addEventListener("click", () => save(glossarySection, glossaryStatus, async () => {
    glossaryTerms = await call("PUT", "/api/v1/glossary", {items: terms.read()});
    terms.load(glossaryTerms);
    guides.load(guides.read());  // the guides' term choices follow the saved glossary
  }));
  importInto(document.getElementById("import-glossary"), glossaryStatus, terms);

  // ---- guides: one list, saved whole (PUT /api/v1/guides) ----
  const guidesSection = document.getElementById("guides-section");
  const guidesStatus = guidesSection.querySelector(".section-status");
  let topicChoices = [];
  function stepForm(value, path) { return bilingualField("", value, path, true); }
  function documentForm(value, path) { return bilingualField("", value, path, false); }
  function guideForm(value, path) {
    value = value || {};
    const topic = choiceField(texts.topic, value.topic, path + ".topic", topicChoices);
    const title = bilingualField(texts.title, value.title, path + ".title");
    const stepsBox = el("fieldset", "steps");
    stepsBox.append(el("legend", "", texts.steps));
    const steps = orderedList(value.steps || [null], stepForm, path + ".steps", texts.add_step);
    stepsBox.append(steps.node);
    const documentsBox = el("fieldset", "documents");
    documentsBox.append(el("legend", "", texts.documents));
    const documents = orderedList(value.documents || [], documentForm, path + ".documents", texts.add_document);
    documentsBox.append(documents.node);
    const termsBox = el("fieldset", "guide-terms");
    termsBox.dataset.field = path + ".glossary";
    termsBox.append(el("legend", "", texts.guide_terms));
    const chosen = new Set(value.glossary || []);
    const boxes = glossaryTerms.map((term) => {
      const label = el("label", "inline");
      const box = el("input");
      box.type = "checkbox";
      box.value = term.id;
      box.checked = chosen.has(term.id);
      label.append(box, term.term[lang]);
      termsBox.append(label);
      return box;
    });
    const category = choiceField(texts.category, value.category || "", path + ".category",
                                 [["", texts.none], ...categories.map((c) => [c.id, c.title[lang]])]);
    const node = folded("guide", bothTitles(value.title), !value.topic,
                        topic.node, title.node, stepsBox, documentsBox, termsBox, category.node);
    return {node, read: () => ({topic: topic.read(), title: title.read(), steps: steps.read(),
                                documents: documents.read(),
                                glossary: boxes.filter((b) => b.checked).map((b) => b.value)
                                  .concat([...chosen].filter((id) => !glossaryTerms.some((t) => t.id === id))),
                                category: category.read() || null})};
  }
  const guides = orderedList([], guideForm, "items");
  document.getElementById("guide-list").append(guides.node);
  document.getElementById("add-guide").addEventListener("click", () => guides.add(null));
  document.getElementById("save-guides").addEventListener("click", () => save(guidesSection, guidesStatus, async () => {
    guides.load(await call("PUT", "/api/v1/guides", {items: guides.read()}));
  }));
  importInto(document.getElementById("import-guides"), guidesStatus, guides);

  // ---- topics: each saved on its own (PUT /api/v1/topics/{id}, POST for a new one) ----
  const topicList = document.getElementById("topic-list");
  function phraseForm(value, path) {
    const text = bilingualField("", value && value.text, path + ".text");
    return {node: text.node, read: () => Object.assign(value && value.id ? {id: value.id} : {}, {text: text.read()})};
  }
  function topicCard(topic) {
    let isNew = !topic;
    topic = topic || {id: "", title: {zh: "", mn: ""}, phrases: [null], active: true};
    const card = el("article", "topic card-inner");
    card.dataset.topic = topic.id;
    const fold = folded("topic-fields", bothTitles(topic.title) || "…", isNew);
    const id = textField(texts.id, topic.id, "id", {maxLength: 32, readOnly: !isNew});
    const title = bilingualField(texts.title, topic.title, "title");
    const activeLabel = el("label", "inline");
    const active = el("input");
    active.type = "checkbox";
    active.checked = topic.active !== false;
    activeLabel.append(active, texts.active);
    const phrasesBox = el("fieldset", "phrases");
    phrasesBox.dataset.field = "phrases";
    phrasesBox.append(el("legend", "", texts.phrases));
    const phrases = orderedList(topic.phrases.filter((p) => !p || p.active !== false), phraseForm, "phrases",
                                texts.add_phrase);
    phrasesBox.append(phrases.node);
    const status = el("p", "section-status");
    status.setAttribute("role", "status");
    const saveButton = el("button", "save-topic", texts.save);
    saveButton.type = "button";
    saveButton.addEventListener("click", () => save(card, status, async () => {
      const body = {id: id.read(), title: title.read(), phrases: phrases.read(), active: active.checked};
      const saved = isNew ? await call("POST", "/api/v1/topics", body)
                          : await call("PUT", "/api/v1/topics/" + encodeURIComponent(topic.id), body);
      isNew = false;  // from now on the topic is replaced under its id, which stays
      topic = saved;
      card.dataset.topic = saved.id;
      id.input.readOnly = true;
      phrases.load(saved.phrases.filter((p) => p.active !== false));  // with the ids the server gave
      fold.querySelector("summary").textContent = bothTitles(saved.title);
      refreshTopicChoices();
    }));
    fold.append(id.node, title.node, activeLabel, phrasesBox, saveButton);
    const moves = el("div", "entry-actions");
    moves.append(button(texts.move_up, "move-topic-up", () => moveTopic(card, -1, status)),
                 button(texts.move_down, "move-topic-down", () => moveTopic(card, 1, status)));
    card.append(fold, moves, status);
    return card;
  }
  // The order households see the topics in: saved at once (PUT /api/v1/topics/order).
  async function moveTopic(card, by, status) {
    const cards = [...topicList.querySelectorAll("article.topic")].filter((c) => c.dataset.topic);
    const at = cards.indexOf(card), to = at + by;
    if (at < 0 || to < 0 || to >= cards.length) return;
    const order = cards.map((c) => c.dataset.topic);
    [order[at], order[to]] = [order[to], order[at]];
    await save(card, status, async () => {
      await call("PUT", "/api/v1/topics/order", {order});
      if (by < 0) cards[to].before(card); else cards[to].after(card);
    });
  }

  document.getElementById("add-topic").addEventListener("click", () => {
    const card = topicCard(null);
    topicList.append(card);
    card.querySelector("input").focus();
  });

  function refreshTopicChoices() {
    topicChoices = [...topicList.querySelectorAll("article.topic")].filter((card) => card.dataset.topic)
      .map((card) => [card.dataset.topic, card.querySelector('[data-field="title.' + lang + '"]').value]);
  }

  async function start() {
    const [topics, glossary, guideList] = await Promise.all([
      call("GET", "/api/v1/topics?all=1"), call("GET", "/api/v1/glossary"), call("GET", "/api/v1/guides")]);
    topicList.replaceChildren(...topics.map(topicCard));
    refreshTopicChoices();
    glossaryTerms = glossary;
    terms.load(glossary);
    guides.load(guideList);
    document.body.dataset.loaded = "yes";
  }
  start().catch((err) => say(glossaryStatus, (err && err.message && err.message[lang]) || texts.failed, true));
})();
