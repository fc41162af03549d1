// Shared by the desk page and the archivist's view: the key, the API calls, the messages.
// Every /v1 call carries the unit's key; every failure becomes one Vietnamese sentence that
// says what to do (the server's own message is kept as the detail).
"use strict";

const KEY_ITEM = "digitize.key";
const CLERK_ITEM = "digitize.clerk";

const Dz = {
  key() { return localStorage.getItem(KEY_ITEM) || ""; },
  clerk() { return localStorage.getItem(CLERK_ITEM) || ""; },
  save(key, clerk) {
    localStorage.setItem(KEY_ITEM, key.trim());
    if (clerk !== undefined) localStorage.setItem(CLERK_ITEM, clerk.trim());
  },
  forgetKey() { localStorage.removeItem(KEY_ITEM); },
  terms: null,
};

class ApiError extends Error {
  constructor(status, message, detail, code) {
    super(message);
    this.status = status;
    this.detail = detail || "";
    this.code = code || "";
  }
}

// What a clerk reads for each answer the server can give.
function messageFor(status, body, what) {
  const err = (body && body.error) || {};
  const detail = [err.message, err.hint].filter(Boolean).join(" ");
  switch (status) {
    case 0:
      return "Mất kết nối tới máy chủ. Kiểm tra mạng (cáp, Wi-Fi) rồi thử lại; " +
        "các tài liệu đã gửi vẫn đang được xử lý.";
    case 401:
      return "Mã khóa không đúng hoặc đã bị thu hồi. Nhập lại mã khóa do quản trị hệ thống cấp.";
    case 404:
      return `Không tìm thấy ${what || "dữ liệu"}. Kiểm tra lại mã hồ sơ: mã phải thuộc đơn vị ` +
        "của bạn và có dạng <mã đơn vị>-<YYMMDD>-<NNNN>.";
    case 413:
      return "Tệp vượt giới hạn của máy chủ (" + (err.message || "quá lớn") + "). Chia tệp " +
        "thành nhiều phần hoặc quét lại với ít trang hơn rồi gửi lại.";
    case 400:
    case 422:
      return "Yêu cầu không hợp lệ: " + (detail || "kiểm tra lại dữ liệu đã nhập") + ".";
    case 503:
      return "Hàng đợi hoặc kho lưu trữ tạm thời không phản hồi. Đợi một lát rồi thử lại; " +
        "nếu lỗi kéo dài, báo quản trị hệ thống.";
    default:
      return `Lỗi máy chủ (${status}${err.code ? ", " + err.code : ""}). Thử lại; nếu vẫn ` +
        "lỗi, báo quản trị hệ thống.";
  }
}

// fetch with the key; returns {status, body} for 2xx, throws ApiError otherwise.
async function api(path, { method = "GET", body, json, what, raw = false } = {}) {
  const headers = { Authorization: "Bearer " + Dz.key() };
  let payload = body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(json);
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload });
  } catch (e) {
    throw new ApiError(0, messageFor(0, null, what));
  }
  if (res.ok) {
    if (raw) return { status: res.status, body: await res.blob(), headers: res.headers };
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  let parsed = null;
  try { parsed = await res.json(); } catch (e) { parsed = null; }
  const err = (parsed && parsed.error) || {};
  throw new ApiError(res.status, messageFor(res.status, parsed, what),
    [err.message, err.hint].filter(Boolean).join(" "), err.code);
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function showAlert(text) {
  const box = document.getElementById("alert");
  box.textContent = text || "";
}

function say(text) {
  // The polite live region: state changes a screen reader user should hear.
  document.getElementById("status").textContent = text;
}

// The key form: shown when no key is kept, or after a 401. `onReady` runs once a key is kept.
function setupKey(onReady, { askClerk = true } = {}) {
  const section = document.getElementById("key-section");
  const form = document.getElementById("key-form");
  const keyInput = document.getElementById("key-input");
  const clerkInput = document.getElementById("clerk-input");
  const who = document.getElementById("who");
  const change = document.getElementById("change-key");
  const showWho = () => {
    who.textContent = Dz.clerk() ? "Cán bộ: " + Dz.clerk() : "";
  };
  const ask = () => {
    section.hidden = false;
    if (clerkInput) clerkInput.value = Dz.clerk();
    keyInput.value = "";
    keyInput.focus();
  };
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!keyInput.value.trim()) { keyInput.focus(); return; }
    if (askClerk && clerkInput && !clerkInput.value.trim()) { clerkInput.focus(); return; }
    Dz.save(keyInput.value, clerkInput ? clerkInput.value : undefined);
    try {
      await loadTerms();
    } catch (e) {
      showAlert(e.message);
      if (e.status === 401) { Dz.forgetKey(); keyInput.focus(); }
      return;
    }
    showAlert("");
    section.hidden = true;
    showWho();
    say("Đã lưu mã khóa.");
    onReady();
  });
  change.addEventListener("click", ask);
  showWho();
  return { ask, ready: async () => {
    if (!Dz.key() || (askClerk && !Dz.clerk())) { ask(); return false; }
    try { await loadTerms(); } catch (e) {
      showAlert(e.message);
      if (e.status === 401) ask();
      return false;
    }
    section.hidden = true;
    onReady();
    return true;
  } };
}

async function loadTerms() {
  const { body } = await api("/v1/desk/terms");
  Dz.terms = body;
  return body;
}

function fieldLabel(name) { return (Dz.terms && Dz.terms.fields[name]) || name; }
function typeLabel(code, label) { return (Dz.terms && Dz.terms.types[code]) || label || code; }
function reasonText(code) { return (Dz.terms && Dz.terms.reasons[code]) || code; }
function errorText(code) { return (Dz.terms && Dz.terms.errors[code]) || ""; }
function percent(x) { return x === null || x === undefined ? "" : Math.round(x * 100) + "%"; }
