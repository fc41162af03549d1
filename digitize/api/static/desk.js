// The one-stop desk page: open a dossier by its code (typed, or from a barcode scanner that
// types the code and Enter), send its scans, watch each document being read, check and
// correct its fields. Each file is sent on its own, so one refused file never costs the others.
"use strict";

const CODE_RE = /^[A-Za-z0-9.-]{1,64}$/;
const SCANNED_RE = /^[A-Za-z0-9.-]+-\d{6}-\d{4,}$/;
const DOC_EXT = /\.(pdf|jpe?g|png|tiff?|bmp|webp)$/i;
const POLL_MS = 1000;
const POLL_MAX_MS = 10000;

let dossier = "";
const docs = new Map(); // doc_id (or a temporary id while uploading) -> doc
let tempIds = 0;

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
    if (body.status === "lost") { showLost(doc); return; }
    setState(doc, body.status === "started" ? "started" : "queued");
  } catch (e) {
    if (e.status === 404) { loadRecord(doc); return; }
    if (e.status === 401) { showAlert(e.message); keyForm.ask(); return; }
    say(e.message);
    doc.delay = Math.min(doc.delay * 2, POLL_MAX_MS);
  }
  later(doc, pollJob);
}

function showLost(doc) {
  // No worker will read it: say so and what to do, instead of waiting for ever.
  setState(doc, "lost");
  doc.els.error.textContent = LOST_TEXT;
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
  if (answer.status === 202 && answer.body && answer.body.status === "lost") {
    showLost(doc);
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
