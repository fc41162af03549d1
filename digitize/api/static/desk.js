// The one-stop desk page: open a dossier by its code (typed, or from a barcode scanner that
// types the code and Enter), send its scans, watch each document being read, check and
// correct its fields. Each file is sent on its own, so one refused file never costs the others.
"use strict";

const CODE_RE = /^[A-Za-z0-9.-]{1,64}$/;
const SCANNED_RE = /^[A-Za-z0-9.-]+-\d{6}-\d{4,}$/;
const DOC_EXT = /\.(pdf|jpe?g|png|tiff?|bmp|webp)$/i;
const POLL_MS = 1000;
const POLL_MAX_MS = 10000;
const STATES = {
  uploading: "Đang gửi", queued: "Đang chờ", started: "Đang xử lý",
  done: "Xong", failed: "Lỗi",
};

let dossier = "";
const docs = new Map(); // doc_id (or a temporary id while uploading) -> doc
let tempIds = 0;
let cardIds = 0;

function docUrl(doc, tail = "") {
  return `/v1/dossiers/${encodeURIComponent(dossier)}/documents/${doc.docId}${tail}`;
}

// --- the dossier ---------------------------------------------------------------------------

async function openDossier(raw) {
  const code = (raw || "").trim();
  showAlert("");
  if (!CODE_RE.test(code)) {
    showAlert("Mã hồ sơ chỉ gồm chữ, số, dấu chấm và gạch ngang (tối đa 64 ký tự), ví dụ " +
      "000.00.12.H57-231221-0001. Quét lại mã vạch hoặc gõ lại.");
    document.getElementById("dossier-input").focus();
    return;
  }
  dossier = code;
  for (const d of docs.values()) clearTimeout(d.timer);
  docs.clear();
  document.getElementById("dossier-input").value = code;
  document.getElementById("dossier-code").textContent = code;
  document.getElementById("documents").replaceChildren();
  document.getElementById("upload").hidden = false;
  if (location.hash.slice(1) !== code) history.replaceState(null, "", "#" + code);
  let manifest = null;
  try {
    manifest = (await api(`/v1/dossiers/${encodeURIComponent(code)}`, { what: `hồ sơ ${code}` })).body;
  } catch (e) {
    if (e.status !== 404) { showAlert(e.message); if (e.status === 401) keyForm.ask(); return; }
  }
  const entries = (manifest && manifest.documents) || [];
  const waiting = ((manifest && manifest.pending) || []).filter(
    (id) => !entries.some((e) => e.doc_id === id)).length;
  say(entries.length + waiting
    ? `Hồ sơ ${code}: ${entries.length + waiting} tài liệu.`
    : `Hồ sơ ${code} chưa có tài liệu. Thêm tệp để bắt đầu.`);
  for (const entry of entries) {
    const doc = addDoc(entry.source_name || entry.doc_id, entry.doc_id);
    setState(doc, entry.status === "done" || entry.status === "failed" ? entry.status : "queued", true);
    loadRecord(doc);
  }
  // Sent but not read yet (from this desk before a reload, or from another): no name known.
  for (const docId of (manifest && manifest.pending) || []) {
    if (docs.has(docId)) continue;
    const doc = addDoc(`Tài liệu ${docId}`, docId);
    setState(doc, "queued", true);
    loadRecord(doc);
  }
}

// --- sending files -------------------------------------------------------------------------

async function sendFiles(fileList) {
  if (!dossier) {
    showAlert("Nhập hoặc quét mã hồ sơ trước khi thêm tệp.");
    document.getElementById("dossier-input").focus();
    return;
  }
  const all = Array.from(fileList);
  const files = all.filter((f) => DOC_EXT.test(f.name) && !f.name.startsWith("."));
  const skipped = all.length - files.length;
  showAlert("");
  say(`Đang gửi ${files.length} tệp` + (skipped ? `; bỏ qua ${skipped} tệp không phải ảnh hoặc PDF.` : "."));
  const role = document.querySelector('input[name="role"]:checked').value;
  for (const file of files) await sendOne(file, role);
}

async function sendOne(file, role) {
  const doc = addDoc(file.name, null);
  setState(doc, "uploading", true);
  const form = new FormData();
  form.append("files", file, file.name);
  form.append("role", role);
  form.append("priority", "desk");
  let answer;
  try {
    answer = await api(`/v1/dossiers/${encodeURIComponent(dossier)}/documents`,
      { method: "POST", body: form, what: `hồ sơ ${dossier}` });
  } catch (e) {
    setState(doc, "failed");
    doc.els.error.textContent = `${file.name}: ${e.message}`;
    showAlert(`${file.name}: ${e.message}`);
    if (e.status === 401) keyForm.ask();
    return;
  }
  const item = ((answer.body && answer.body.documents) || [])[0];
  if (!item) { setState(doc, "failed"); return; }
  const existing = docs.get(item.doc_id);
  docs.delete(doc.key);
  if (existing && existing !== doc) {
    // The same scan sent again: one document, shown once.
    doc.els.card.remove();
    clearTimeout(existing.timer);
    existing.jobId = item.job_id || existing.jobId;
    watch(existing);
    return;
  }
  doc.docId = item.doc_id;
  doc.key = item.doc_id;
  doc.els.card.dataset.doc = item.doc_id;
  doc.jobId = item.job_id || null;
  docs.set(doc.key, doc);
  setState(doc, "queued");
  watch(doc);
}

// --- following a document ------------------------------------------------------------------

function watch(doc) {
  doc.delay = POLL_MS;
  if (doc.jobId) pollJob(doc); else loadRecord(doc);
}

function later(doc, fn) {
  clearTimeout(doc.timer);
  doc.timer = setTimeout(() => fn(doc), doc.delay);
}

async function pollJob(doc) {
  if (!docs.has(doc.key)) return;
  try {
    const { body } = await api(`/v1/jobs/${encodeURIComponent(doc.jobId)}`, { what: "công việc" });
    doc.delay = POLL_MS;
    if (body.status === "done" || body.status === "failed") { loadRecord(doc); return; }
    setState(doc, body.status === "started" ? "started" : "queued");
  } catch (e) {
    if (e.status === 404) { loadRecord(doc); return; }
    if (e.status === 401) { showAlert(e.message); keyForm.ask(); return; }
    say(e.message);
    doc.delay = Math.min(doc.delay * 2, POLL_MAX_MS);
  }
  later(doc, pollJob);
}

async function loadRecord(doc) {
  if (!docs.has(doc.key)) return;
  let answer;
  try {
    answer = await api(docUrl(doc), { what: "tài liệu" });
  } catch (e) {
    if (e.status === 401) { showAlert(e.message); keyForm.ask(); return; }
    doc.delay = Math.min((doc.delay || POLL_MS) * 2, POLL_MAX_MS);
    if (e.status === 0 || e.status >= 500) { say(e.message); later(doc, loadRecord); return; }
    setState(doc, "failed");
    doc.els.error.textContent = e.message;
    return;
  }
  if (answer.status === 202) {
    setState(doc, answer.body && answer.body.status === "started" ? "started" : "queued");
    doc.delay = POLL_MS;
    later(doc, loadRecord);
    return;
  }
  showRecord(doc, answer.body);
}

// --- the document's card -------------------------------------------------------------------

function addDoc(name, docId) {
  const key = docId || `tmp-${++tempIds}`;
  const n = ++cardIds;
  const state = el("span", { class: "state" });
  const heading = el("h3", { id: `doc-h-${n}` }, el("span", { class: "name", text: name }), state);
  const type = el("p", { class: "type" });
  const error = el("p", { class: "error" });
  const thumb = el("div", { class: "thumb" });
  const pager = el("div", { class: "pager" });
  const fields = el("div", { class: "fields-box" });
  const actions = el("div", { class: "actions" });
  const card = el("li", { class: "card doc", "aria-labelledby": `doc-h-${n}`, "data-doc": key },
    heading, el("div", {}, thumb, pager), el("div", {}, type, error, fields, actions));
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
  doc.els.type.textContent = "Loại giấy tờ: " + typeLabel(t.code, t.label) +
    (t.code && t.code !== "unknown" ? ` (độ tin cậy ${percent(t.confidence)})` : "");
  doc.els.card.dataset.type = t.code || "";
  if (record.status === "failed") {
    const err = record.error || {};
    doc.els.error.textContent = (errorText(err.code) || err.message || "Không xử lý được tài liệu.") +
      (err.hint ? " " + err.hint : "");
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

// --- wiring: forms, drop zone, barcode scanner ---------------------------------------------

function setupDesk() {
  const input = document.getElementById("dossier-input");
  document.getElementById("dossier-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    openDossier(input.value);
  });
  const files = document.getElementById("file-input");
  const folder = document.getElementById("folder-input");
  for (const picker of [files, folder]) {
    picker.addEventListener("change", () => { sendFiles(picker.files); picker.value = ""; });
  }
  const drop = document.getElementById("drop");
  drop.addEventListener("dragover", (ev) => { ev.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    drop.classList.remove("over");
    sendFiles(ev.dataTransfer.files);
  });
  // A barcode scanner types the code and Enter, wherever the focus is. Outside a text box,
  // keys that end in Enter and spell a whole dossier code (<unit>-<YYMMDD>-<NNNN>) open it;
  // keys more than a second apart start over, so stray presses never pile up into a code.
  let burst = "";
  let last = 0;
  document.addEventListener("keydown", (ev) => {
    const t = ev.target;
    if (t instanceof HTMLInputElement && t.type !== "radio" && t.type !== "file") return;
    if (t instanceof HTMLTextAreaElement) return;
    const now = performance.now();
    if (now - last > 1000) burst = "";
    last = now;
    if (ev.key === "Enter") {
      if (SCANNED_RE.test(burst) && CODE_RE.test(burst)) { ev.preventDefault(); openDossier(burst); }
      burst = "";
    } else if (ev.key.length === 1 && !ev.ctrlKey && !ev.altKey && !ev.metaKey) {
      burst += ev.key;
    }
  });
}

let keyForm;
document.addEventListener("DOMContentLoaded", () => {
  setupDesk();
  keyForm = setupKey(() => {
    document.getElementById("desk").hidden = false;
    const code = decodeURIComponent(location.hash.slice(1));
    if (code && !dossier) openDossier(code);
    else document.getElementById("dossier-input").focus();
  });
  keyForm.ready();
});
