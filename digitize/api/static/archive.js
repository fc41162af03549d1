// The archivist's view: the unit's progress (polled) and the quality report drawn as inline
// SVG bar charts, each with its numbers in a table beside it for screen readers and copying.
"use strict";

const PROGRESS_MS = 5000;
const SVG = "http://www.w3.org/2000/svg";
let progressTimer = null;
let lastLine = "";

function svgEl(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

const LABEL_CHARS = 28;

// Horizontal bars, one group per label, one bar per series.
function barChart(id, title, labels, series) {
  const rowH = 16 * series.length + 10;
  const left = 220;  // room for LABEL_CHARS characters of 12 px text
  const width = 520;
  const height = Math.max(labels.length, 1) * rowH + 30;
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const svg = svgEl("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-labelledby": `${id}-t` });
  svg.append(svgEl("title", { id: `${id}-t` }, title));
  labels.forEach((label, i) => {
    const y0 = 10 + i * rowH;
    const shown = label.length > LABEL_CHARS ? label.slice(0, LABEL_CHARS - 1) + "…" : label;
    const text = svgEl("text", { x: left - 8, y: y0 + rowH / 2, "text-anchor": "end",
      "dominant-baseline": "middle" }, shown);
    text.append(svgEl("title", {}, label));  // the whole label on hover
    svg.append(text);
    series.forEach((s, j) => {
      const v = s.values[i] || 0;
      const w = Math.round((width - left - 60) * v / max);
      const y = y0 + j * 16;
      svg.append(svgEl("rect", { x: left, y, width: Math.max(w, v ? 2 : 0), height: 13,
        class: s.cls, "data-label": label, "data-series": s.name, "data-value": v }));
      svg.append(svgEl("text", { x: left + w + 5, y: y + 7, "dominant-baseline": "middle" }, String(v)));
    });
  });
  svg.append(svgEl("line", { x1: left, x2: left, y1: 5, y2: height - 15, class: "axis" }));
  const legend = series.length > 1 && labels.length
    ? el("p", { class: "legend" }, ...series.flatMap((s) => [
      el("span", { class: s.cls, "aria-hidden": "true" }), s.name]))
    : null;
  const table = el("table", { class: "data" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "" }),
      ...series.map((s) => el("th", { scope: "col", text: s.name })))),
    el("tbody", {}, ...labels.map((label, i) => el("tr", {},
      el("th", { scope: "row", text: label }),
      ...series.map((s) => el("td", { text: String(s.values[i] || 0) }))))));
  return el("figure", { class: "chart card", id },
    el("figcaption", {}, el("h3", { text: title })),
    labels.length ? svg : el("p", { class: "hint", text: "Chưa có dữ liệu." }),
    legend,
    el("details", {}, el("summary", { text: "Bảng số liệu" }), table));
}

async function loadProgress() {
  clearTimeout(progressTimer);
  try {
    const { body: p } = await api("/v1/backlog/progress", { what: "tiến độ" });
    const d = p.documents;
    document.getElementById("unit").textContent = p.unit;
    document.getElementById("n-dossiers").textContent = p.dossiers;
    document.getElementById("n-done").textContent = d.done;
    document.getElementById("n-failed").textContent = d.failed;
    document.getElementById("n-queued").textContent = d.queued;
    document.getElementById("n-started").textContent = d.started;
    document.getElementById("n-pages").textContent = p.pages_done;
    document.getElementById("n-rate").textContent = p.pages_per_minute.toLocaleString("vi-VN");
    document.getElementById("window").textContent = p.window_minutes;
    const bar = document.getElementById("progress-bar");
    bar.max = Math.max(d.total, 1);
    bar.value = d.done + d.failed;
    const line = `${d.done + d.failed}/${d.total} tài liệu đã xử lý (${d.failed} lỗi), ` +
      `${d.queued + d.started} đang chờ hoặc đang xử lý.`;
    if (line !== lastLine) {
      document.getElementById("progress-line").textContent = line;
      lastLine = line;
    }
    showAlert("");
  } catch (e) {
    showAlert(e.message);
    if (e.status === 401) { keyForm.ask(); return; }
  }
  progressTimer = setTimeout(loadProgress, PROGRESS_MS);
}

async function loadQuality() {
  const charts = document.getElementById("charts");
  say("Đang lập báo cáo chất lượng…");
  let q;
  try {
    q = (await api("/v1/backlog/quality", { what: "báo cáo" })).body;
  } catch (e) {
    showAlert(e.message);
    if (e.status === 401) keyForm.ask();
    return;
  }
  const c = q.confidence;
  const bins = c.edges.slice(0, -1).map((lo, i) => `${Math.round(lo * 100)}–${Math.round(c.edges[i + 1] * 100)}%`);
  charts.replaceChildren(
    barChart("chart-confidence", "Phân bố độ tin cậy", bins, [
      { name: "Tài liệu (độ tin cậy trung bình của chữ)", values: c.documents, cls: "bar-a" },
      { name: "Thông tin (trường)", values: c.fields, cls: "bar-b" },
    ]),
    barChart("chart-types", "Loại giấy tờ nhận dạng được",
      q.types.map((t) => t.label || t.code), [{ name: "Tài liệu", values: q.types.map((t) => t.count), cls: "bar-a" }]),
    barChart("chart-fields", "Thông tin hay phải kiểm tra hoặc sửa",
      q.fields.map((f) => f.label), [
        { name: "Cần kiểm tra", values: q.fields.map((f) => f.flagged), cls: "bar-b" },
        { name: "Cán bộ đã sửa", values: q.fields.map((f) => f.corrected), cls: "bar-a" },
      ]),
    barChart("chart-reasons", "Lý do cần kiểm tra",
      q.reasons.map((r) => r.text), [{ name: "Lần", values: q.reasons.map((r) => r.count), cls: "bar-b" }]),
    barChart("chart-failures", "Tài liệu lỗi theo mã lỗi",
      q.failures.map((f) => `${f.code}: ${f.text}`), [{ name: "Tài liệu", values: q.failures.map((f) => f.count), cls: "bar-c" }]),
  );
  const at = new Date(q.at).toLocaleString("vi-VN");
  document.getElementById("quality-line").textContent =
    `${q.documents.total} tài liệu (${q.documents.done} xong, ${q.documents.failed} lỗi), lập lúc ${at}.`;
  say("Đã cập nhật báo cáo chất lượng.");
}

async function downloadCsv() {
  try {
    const { body } = await api("/v1/backlog/quality?format=csv", { raw: true, what: "báo cáo" });
    const link = el("a", { href: URL.createObjectURL(body),
      download: `chat-luong-${document.getElementById("unit").textContent || "don-vi"}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    say("Đã tải báo cáo CSV.");
  } catch (e) {
    showAlert(e.message);
  }
}

let keyForm;
document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("refresh").addEventListener("click", loadQuality);
  document.getElementById("csv").addEventListener("click", downloadCsv);
  keyForm = setupKey(() => {
    document.getElementById("archive").hidden = false;
    loadProgress();
    loadQuality();
  }, { askClerk: false });
  keyForm.ready();
});
