// A document of the dossier on the desk page: its card, its state, its record (type, fields,
// reasons, corrections), its page picture with the boxes where fields were read, its files.
// Loaded before desk.js, which finds and follows the documents and calls these.
"use strict";

const STATES = {
  uploading: "Đang gửi", queued: "Đang chờ", started: "Đang xử lý",
  done: "Xong", failed: "Lỗi", lost: "Mất khỏi hàng đợi",
};
const LOST_TEXT = "Tài liệu không còn trong hàng đợi, sẽ không được đọc: hãy gửi lại tệp.";
let cardIds = 0;

function addDoc(name, docId) {
  const key = docId || `tmp-${++tempIds}`;
  const n = ++cardIds;
  const state = el("span", { class: "state" });
  const heading = el("h3", { id: `doc-h-${n}` }, el("span", { class: "name", text: name }), state);
  const type = el("p", { class: "type" });
  const error = el("p", { class: "error" });
  const thumb = el("div", { class: "thumb", hidden: true });
  const pager = el("div", { class: "pager" });
  const fields = el("div", { class: "fields-box" });
  const actions = el("div", { class: "actions" });
  const card = el("li", { class: "card doc", "aria-labelledby": `doc-h-${n}`, "data-doc": key },
    heading, el("div", { class: "picture" }, thumb, pager),
    el("div", {}, type, error, fields, actions));
  document.getElementById("documents").prepend(card);
  const doc = { key, docId, name, jobId: null, record: null, page: 1, timer: null, delay: POLL_MS,
    els: { card, state, type, error, thumb, pager, fields, actions } };
  docs.set(key, doc);
  return doc;
}

function setState(doc, state, quiet = false) {
  if (doc.state === state) return;
  doc.state = state;
  doc.els.state.textContent = STATES[state] || state;
  doc.els.state.className = "state " + state;
  doc.els.card.dataset.state = state;
  if (!quiet) say(`${doc.name}: ${STATES[state] || state}.`);
}

function currentValue(record, name) {
  const fixes = (record.corrections || []).filter((c) => c.field === name);
  return fixes.length ? fixes[fixes.length - 1] : null;
}

function showRecord(doc, record) {
  doc.record = record;
  if (record.source_name && record.source_name !== doc.name) {
    doc.name = record.source_name;
    doc.els.card.querySelector(".name").textContent = doc.name;
  }
  const t = record.document_type || {};
  doc.els.type.textContent = record.status !== "done" ? "" : "Loại giấy tờ: " +
    typeLabel(t.code, t.label) +
    (t.code && t.code !== "unknown" ? ` (độ tin cậy ${percent(t.confidence)})` : "");
  doc.els.card.dataset.type = t.code || "";
  if (record.status === "failed") {
    // The Vietnamese advice for a known code; else the server's own words, with the code.
    const err = record.error || {};
    doc.els.error.textContent = errorText(err.code) ||
      [err.message || "Không xử lý được tài liệu.", err.hint].filter(Boolean).join(" ") +
      (err.code ? ` (mã lỗi: ${err.code})` : "");
  } else {
    doc.els.error.textContent = "";
  }
  const flagged = showFields(doc, record);
  showActions(doc, record);
  if (record.pages > 0 && record.status === "done") showPage(doc, doc.page);
  const wasDone = doc.state === "done" || doc.state === "failed";
  setState(doc, record.status === "done" ? "done" : "failed", true);
  if (!wasDone) {
    say(record.status === "done"
      ? `${doc.name}: xong. ${typeLabel(t.code, t.label)}` +
        (flagged ? `, ${flagged} thông tin cần kiểm tra.` : ".")
      : `${doc.name}: lỗi. ${doc.els.error.textContent}`);
  }
}

function showFields(doc, record) {
  const names = Object.keys(record.fields || {});
  let flagged = 0;
  if (!names.length) {
    doc.els.fields.replaceChildren(record.status === "done"
      ? el("p", { class: "hint", text: "Không đọc được thông tin nào từ giấy tờ này." }) : "");
    return 0;
  }
  const body = el("tbody");
  for (const name of names) {
    const f = record.fields[name];
    const fix = currentValue(record, name);
    const id = `f-${doc.key}-${name}`;
    const reasonsId = `${id}-why`;
    const reasons = f.needs_review && (f.review_reasons || []).length
      ? el("ul", { class: "reasons", id: reasonsId },
        ...f.review_reasons.map((r) => el("li", { text: reasonText(r) })))
      : null;
    if (f.needs_review) flagged++;
    const input = el("input", {
      id, type: "text", value: fix ? (fix.value ?? "") : (f.value ?? ""),
      "aria-describedby": reasons ? reasonsId : null, "data-field": name,
      "aria-invalid": f.needs_review ? "true" : null,
    });
    const note = el("span", { class: "saved", "aria-live": "off" });
    if (fix) note.textContent = savedNote(fix, f.value);
    input.addEventListener("focus", () => highlight(doc, name, true));
    input.addEventListener("blur", () => highlight(doc, name, false));
    input.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") { ev.preventDefault(); correct(doc, name, input, note); }
      if (ev.key === "Escape") { input.value = input.dataset.saved; }
    });
    input.addEventListener("change", () => correct(doc, name, input, note));
    input.dataset.saved = input.value;
    body.append(el("tr", { class: f.needs_review ? "needs-review" : null, "data-field": name },
      el("th", { scope: "row" }, el("label", { for: id, text: fieldLabel(name) })),
      el("td", {}, input, reasons, note),
      el("td", { class: "conf", title: "Độ tin cậy", text: percent(f.confidence) })));
  }
  const table = el("table", { class: "fields" },
    el("caption", { class: "visually-hidden", text: `Thông tin đọc được từ ${doc.name}` }),
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Thông tin" }),
      el("th", { scope: "col", text: "Giá trị (sửa trực tiếp, Enter để lưu)" }),
      el("th", { scope: "col", text: "Tin cậy" }))),
    body);
  doc.els.fields.replaceChildren(table);
  if (flagged) {
    doc.els.fields.prepend(el("p", { class: "hint",
      text: `${flagged} thông tin tô màu cần cán bộ kiểm tra (lý do ghi dưới mỗi ô).` }));
  }
  return flagged;
}

function savedNote(fix, readValue) {
  const at = fix.at ? new Date(fix.at).toLocaleTimeString("vi-VN") : "";
  return `Đã sửa bởi ${fix.clerk || "cán bộ"} ${at}; giá trị đọc được: ${readValue ?? "(trống)"}`;
}

async function correct(doc, name, input, note) {
  const value = input.value.trim();
  if (value === (input.dataset.saved || "").trim() || input.dataset.busy) return;
  input.dataset.busy = "1";
  try {
    const { body } = await api(docUrl(doc, `/fields/${encodeURIComponent(name)}`), {
      method: "PATCH", json: { value: value === "" ? null : value, clerk: Dz.clerk() },
      what: "tài liệu",
    });
    input.dataset.saved = input.value;
    const fix = (body && body.correction) || { clerk: Dz.clerk(), at: new Date().toISOString() };
    note.textContent = savedNote(fix, doc.record.fields[name].value);
    input.closest("tr").classList.add("corrected");
    say(`Đã lưu ${fieldLabel(name)}: ${value || "(trống)"}.`);
    showAlert("");
  } catch (e) {
    showAlert(`Chưa lưu được ${fieldLabel(name)}: ${e.message}`);
    if (e.status === 401) keyForm.ask();
  } finally {
    delete input.dataset.busy;
  }
}

function showActions(doc, record) {
  const buttons = [];
  if (record.status === "done" && record.links && record.links.searchable_pdf) {
    buttons.push(el("button", { type: "button", class: "secondary", text: "Mở bản PDF tìm kiếm được",
      onclick: () => openBlob(docUrl(doc, "/searchable.pdf"), true) }));
  }
  buttons.push(el("button", { type: "button", class: "secondary", text: "Xem tệp gốc",
    onclick: () => openBlob(docUrl(doc, "/original"), false) }));
  doc.els.actions.replaceChildren(...buttons);
}

async function openBlob(url, pdf) {
  // A new tab cannot send the key, so the file is fetched here and opened from memory.
  const tab = window.open("", "_blank");
  try {
    const { body } = await api(url, { raw: true, what: "tệp" });
    const blob = pdf ? new Blob([body], { type: "application/pdf" }) : body;
    const link = URL.createObjectURL(blob);
    if (tab) tab.location.href = link; else location.assign(link);
  } catch (e) {
    if (tab) tab.close();
    showAlert(e.message);
  }
}

// --- the page picture and where each field was read ----------------------------------------

async function showPage(doc, n) {
  doc.page = n;
  const pages = doc.record.pages;
  let img;
  let layout;
  try {
    const [png, json] = await Promise.all([
      api(docUrl(doc, `/pages/${n}.png`), { raw: true, what: "trang" }),
      api(docUrl(doc, `/pages/${n}.json`), { what: "trang" }),
    ]);
    img = el("img", { src: URL.createObjectURL(png.body),
      alt: `Trang ${n}/${pages} của ${doc.name}` });
    layout = json.body;
  } catch (e) {
    doc.els.thumb.replaceChildren(el("p", { class: "hint", text: "Không tải được ảnh trang: " + e.message }));
    doc.els.thumb.hidden = false;
    return;
  }
  const svgNs = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(svgNs, "svg");
  svg.setAttribute("viewBox", `0 0 ${layout.width || 1} ${layout.height || 1}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("aria-hidden", "true");
  for (const [name, f] of Object.entries(layout.fields || {})) {
    for (const b of f.boxes || []) {
      const r = document.createElementNS(svgNs, "rect");
      r.setAttribute("x", b[0]); r.setAttribute("y", b[1]);
      r.setAttribute("width", b[2]); r.setAttribute("height", b[3]);
      r.setAttribute("data-field", name);
      if (f.needs_review) r.setAttribute("class", "review");
      const title = document.createElementNS(svgNs, "title");
      title.textContent = fieldLabel(name);
      r.append(title);
      svg.append(r);
    }
  }
  doc.els.thumb.replaceChildren(img, svg);
  doc.els.thumb.hidden = false;
  if (pages > 1) {
    doc.els.pager.replaceChildren(
      el("button", { type: "button", class: "secondary", text: "‹ Trang trước", disabled: n <= 1,
        onclick: () => showPage(doc, n - 1) }),
      el("span", { text: `Trang ${n}/${pages}` }),
      el("button", { type: "button", class: "secondary", text: "Trang sau ›", disabled: n >= pages,
        onclick: () => showPage(doc, n + 1) }));
  }
}

function highlight(doc, name, on) {
  for (const r of doc.els.thumb.querySelectorAll("rect")) {
    if (r.getAttribute("data-field") === name) r.classList.toggle("active", on);
  }
}
