"use strict";
// The live view's page: it reads frames from the view's WebSocket
// (ui/hub.go says what they hold) and shows the processes' sockets and
// tasks, the sequence diagram, and the events. Everything a script or a
// peer could have written (addresses, data) goes into the page as text,
// never as HTML; the diagram's SVG comes from package diagram, which
// escapes it.

const $ = (sel) => document.querySelector(sel);
const token = new URLSearchParams(location.search).get("token") || "";
const MAX_LOG = 500;

let steps = [];          // the diagram's steps, by data-step
let selected = -1;       // the step whose details are open
const history = new Map(); // "proc:sock" -> [{state, at}]
let procNames = new Map();
let logDropped = 0;

// The page's words in the run's language: the view sends them in the
// page (ui/pagetext.go), each English text with its translation, where
// {0}, {1} are what T fills in. Kernel states, socket calls and
// addresses are the same in every language.
const TEXTS = JSON.parse($("#texts").textContent || "{}");

function T(text, ...args) {
  let i = 0;
  const t = TEXTS[text] || text.replace(/%s/g, () => `{${i++}}`);
  return t.replace(/\{(\d+)\}/g, (_, n) => String(args[Number(n)]));
}

for (const e of document.querySelectorAll("[data-t]")) e.textContent = T(e.textContent);
for (const e of document.querySelectorAll("[data-t-title]")) e.title = T(e.title);
document.title = "sockplay · " + T("live view");

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "title") e.title = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function setStatus(cls, text) {
  const s = $("#status");
  s.className = "status " + cls;
  s.textContent = text;
}

function connect() {
  const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`);
  ws.onopen = () => setStatus("live", T("live"));
  // A view that turns the page away says why, in the page's language
  // (too many pages); one that ends closes without a reason.
  ws.onclose = (e) => setStatus("closed", e.reason || T("the view has closed (its process ended): this page keeps what it last showed"));
  ws.onmessage = (m) => {
    const f = JSON.parse(m.data);
    if (f.procs) showProcs(f.procs);
    if (f.diagram) showDiagram(f.diagram);
    if (f.events) showEvents(f.events);
    logDropped = f.dropped || 0;
    showDropped();
  };
}

let lastProcs = [];

function showDropped() {
  const parts = [];
  const lost = lastProcs.reduce((n, p) => n + p.dropped, 0);
  if (lost > 0) parts.push(T("%s events lost: the run made them faster than the view took them", lost));
  if (logDropped > 0) parts.push(T("%s events not shown in the log: this page fell behind", logDropped));
  const d = $("#dropped");
  d.hidden = parts.length === 0;
  d.textContent = parts.join("; ");
}

function kind(s) {
  const fam = { AF_INET: "IPv4", AF_INET6: "IPv6", AF_UNIX: "Unix" }[s.family] || s.family;
  const typ = { SOCK_STREAM: s.family === "AF_UNIX" ? T("stream") : "TCP", SOCK_DGRAM: s.family === "AF_UNIX" ? T("datagram") : "UDP" }[s.type] || s.type;
  return `${fam} ${typ}`;
}

// bytes writes a byte count, its number and unit kept on one line: an
// exact count in the page's words ("5 B", in Chinese "5 字节", as the
// trace's lines say it), a rounded one with its unit's symbol, kB or MB,
// which Chinese UIs write so too.
function bytes(n) {
  if (n < 10000) return T("%s B", n).replace(" ", "\u00a0");
  if (n < 10e6) return `${(n / 1e3).toFixed(1)}\u00a0kB`;
  return `${(n / 1e6).toFixed(1)}\u00a0MB`;
}

// track records a socket's state and returns its history and how long
// ago it changed.
function track(key, state) {
  let h = history.get(key);
  const now = Date.now();
  if (!h) { h = []; history.set(key, h); }
  if (h.length === 0 || h[h.length - 1].state !== state) h.push({ state, at: now });
  if (h.length > 6) h.splice(0, h.length - 6);
  return { states: h.map((x) => x.state), since: now - h[h.length - 1].at, changes: h.length };
}

function socketRow(p, s) {
  const key = `${p.id}:${s.sock}`;
  const t = track(key, s.state);
  const tr = el("tr", { class: "sock" + (s.closed ? " closed" : ""), "data-proc": p.id, "data-sock": s.sock, "data-state": s.state });
  // A state that changed lights up, fading out over two seconds.
  if (t.changes > 1 && t.since < 2000) tr.style.background = `rgba(255, 232, 115, ${(1 - t.since / 2000).toFixed(2)})`;
  const ends = s.remote ? `${s.local || T("(unnamed)")} → ${s.remote}` : (s.local || T("(unbound)"));
  const stateCell = el("td", {}, el("span", { class: "state " + s.state, title: s.kernel ? T("the kernel's TCP state (TCP_INFO)") : "" }, s.state));
  if (t.states.length > 1) stateCell.append(el("div", { class: "history" }, t.states.join(" → ")));
  let queued = "";
  if (s.state === "LISTEN" && s.kernel) queued = T("%s to accept (backlog %s)", s.acceptq, s.backlog);
  else if (!s.closed) queued = T("in %s / out %s", s.recvq, s.sendq);
  const waits = s.waiters.map((w) => T("task %s in %s", w.task, w.call)).join(", ");
  tr.append(
    el("td", { class: "mono" }, s.sock, s.fd >= 0 ? el("div", { class: "history" }, `fd ${s.fd}`) : null),
    el("td", {}, kind(s)),
    el("td", { class: "mono" }, ends),
    stateCell,
    el("td", { class: "mono", title: s.bytes_from === "kernel" ? T("counted by the kernel") : T("counted from the trace") }, `${bytes(s.in)} / ${bytes(s.out)}`),
    el("td", { class: "mono" }, queued),
    el("td", { class: "mono num" }, s.kernel && !s.closed && s.state !== "LISTEN" ? `${s.rtt_ms.toFixed(3)} ms` : ""),
    el("td", { class: "wait" }, waits),
  );
  return tr;
}

function procTitle(p) {
  let t = `${p.name} — pid ${p.pid}`;
  if (p.host) t += " " + T("(serves this view)");
  // ended_why is one of a few texts of the view (ui/join.go), translated
  // as the rest.
  if (p.ended) t += " — " + (p.ended_why ? T("ended: %s", T(p.ended_why)) : T("ended"));
  if (p.busy) t += " — " + T("a task holds the runtime (a loop that does not block)");
  if (p.trimmed) t += " — " + T("%s old events left out of the diagram", p.trimmed);
  if (p.unrecorded) t += " — " + T("%s sends and receives (send, recv, sendto, recvfrom) made while no page was open are not drawn (their bytes are counted)", p.unrecorded);
  return t;
}

function showProcs(procs) {
  lastProcs = procs;
  procNames = new Map(procs.map((p) => [p.id, `${p.name} ${p.pid}`]));
  const chips = $("#procs");
  chips.replaceChildren(...procs.map((p) => el("span", { class: "proc" + (p.ended ? " ended" : ""), "data-proc": p.id, title: procTitle(p) }, `${p.name} · ${p.pid}`)));

  const socks = $("#sockets");
  socks.replaceChildren();
  for (const p of procs) {
    const table = el("table", { class: "sockets", "data-proc": p.id },
      el("caption", {}, procTitle(p)),
      el("tr", {}, ...[T("sock"), T("kind"), T("local → remote"), T("state"), T("in / out"), T("queued"), "RTT", T("waiting")].map((h) => el("th", {}, h))));
    for (const s of p.sockets) table.append(socketRow(p, s));
    for (const s of p.closed) table.append(socketRow(p, s));
    if (p.sockets.length + p.closed.length === 0) table.append(el("tr", {}, el("td", { colspan: 8, class: "hint" }, T("no socket yet"))));
    socks.append(table);
  }

  const tasks = $("#tasks");
  tasks.replaceChildren();
  for (const p of procs) {
    if (p.ended) continue;
    const table = el("table", { class: "tasks", "data-proc": p.id },
      el("caption", {}, `${p.name} — pid ${p.pid}`),
      el("tr", {}, ...[T("task"), T("what"), T("waits in"), T("at")].map((h) => el("th", {}, h))));
    for (const t of p.tasks) {
      const waits = t.call ? (t.sock ? T("%s on sock %s", t.call, t.sock) : t.call) : (p.busy ? "" : T("running"));
      table.append(el("tr", { class: "task", "data-task": t.id }, el("td", { class: "mono" }, t.id), el("td", {}, t.name), el("td", { class: "wait" }, waits), el("td", { class: "mono" }, t.where)));
    }
    if (p.tasks.length === 0) table.append(el("tr", {}, el("td", { colspan: 4, class: "hint" }, T("no task"))));
    tasks.append(table);
  }
  showDropped();
}

function showDiagram(d) {
  const box = $("#diagram");
  const atEnd = box.scrollTop + box.clientHeight >= box.scrollHeight - 40;
  box.innerHTML = d.svg.replace(/^<\?xml[^>]*>\s*/, "");
  steps = d.steps;
  if (atEnd) box.scrollTop = box.scrollHeight;
  if (selected >= 0) markSelected();
}

function markSelected() {
  for (const g of document.querySelectorAll("#diagram g.step.selected")) g.classList.remove("selected");
  const g = document.querySelector(`#diagram g.step[data-step="${selected}"]`);
  if (g) g.classList.add("selected");
}

function showDetails(i) {
  const st = steps[i];
  if (!st) return;
  selected = i;
  markSelected();
  $("#details").hidden = false;
  $("#dtitle").textContent = st.title;
  const hasBytes = st.bytes !== undefined && st.bytes !== null;
  $("#dbytes").hidden = !hasBytes;
  if (hasBytes) {
    let note = "";
    if (st.shown < st.bytes) note = "\n" + T("(the first %s of %s bytes: --trace-bytes N keeps more)", st.shown, st.bytes);
    $("#dhex").textContent = (st.hex || T("(no bytes)")) + note;
    $("#dtext").textContent = st.text || '""';
  }
}

$("#diagram").addEventListener("click", (e) => {
  const g = e.target.closest("g.step");
  if (g) showDetails(Number(g.getAttribute("data-step")));
});
$("#closedetails").addEventListener("click", () => {
  $("#details").hidden = true;
  selected = -1;
  markSelected();
});

let logCount = 0;
function showEvents(lines) {
  const log = $("#events");
  const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 20;
  for (const l of lines) {
    const who = l.who || procNames.get(l.proc) || T("process %s", l.proc);
    log.append(el("span", { class: l.error ? "err" : "" }, `[${who}] ${l.text}`));
    logCount++;
  }
  while (log.childNodes.length > MAX_LOG) log.firstChild.remove();
  $("#eventcount").textContent = T("(%s in all, the last %s shown)", logCount, Math.min(logCount, MAX_LOG));
  if (atEnd) log.scrollTop = log.scrollHeight;
}

connect();
