// TraceLab collector UI: plain JS over the Zipkin v2 API, /api/tracelab/traces/…/verdict (a
// trace judged with the rest of its request), /api/tracelab/requests/… (one request whole)
// and /api/tracelab/course (the lessons and the last run of each).
"use strict";

const $ = (id) => document.getElementById(id);
const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#393b79", "#637939"];
const colourCache = {};
function serviceColour(name) {
  if (!name) return "#999";
  if (!colourCache[name]) {
    let h = 0;
    for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    colourCache[name] = PALETTE[h % PALETTE.length];
  }
  return colourCache[name];
}
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}
function fmtDuration(us) {
  if (us === undefined || us === null) return "?";
  if (us < 1000) return us + "µs";
  if (us < 1e6) return (us / 1000).toFixed(us < 1e4 ? 2 : 1) + "ms";
  return (us / 1e6).toFixed(2) + "s";
}
function fmtTime(us) { return us ? new Date(us / 1000).toLocaleString() : "?"; }
function traceLink(id, text, cls) {
  return el("a", { href: "#/trace/" + id, class: cls || "trace-link", "data-trace-id": id, text: text || id });
}
function requestHref(request) { return request && request.requestID ? "#/request/" + encodeURIComponent(request.requestID) : null; }
async function getJSON(url) {
  const response = await fetch(url);
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (!response.ok) {
    const message = body && body.error ? body.error : response.status + " " + response.statusText;
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return body;
}

// ---- trace model shared by the list and the waterfall ----
function traceStats(spans) {
  let start = Infinity, end = 0;
  const services = {};
  let errors = 0;
  for (const s of spans) {
    if (s.timestamp) {
      start = Math.min(start, s.timestamp);
      end = Math.max(end, s.timestamp + (s.duration || 0));
    }
    const svc = s.localEndpoint && s.localEndpoint.serviceName;
    if (svc) services[svc] = (services[svc] || 0) + 1;
    if (s.tags && s.tags.error !== undefined) errors++;
  }
  if (start === Infinity) start = 0;
  return { start, end, duration: Math.max(0, end - start), services, errors };
}
// A node per reported span; a shared SERVER hangs under the CLIENT with its id, a child under
// the candidate parent of its own service first (the SERVER side of a shared hop).
function buildTree(spans) {
  const nodes = spans.map((span, index) => ({ span, index, children: [], parent: null, depth: 0 }));
  const byId = {};
  for (const n of nodes) (byId[n.span.id] = byId[n.span.id] || []).push(n);
  const svc = (s) => s.localEndpoint && s.localEndpoint.serviceName;
  for (const n of nodes) {
    const s = n.span;
    let parent = null;
    if (s.kind === "SERVER" && s.shared) {
      parent = (byId[s.id] || []).find((c) => c !== n && c.span.kind === "CLIENT") || null;
    }
    if (!parent && s.parentId) {
      const candidates = (byId[s.parentId] || []).filter((c) => c !== n);
      parent = candidates.find((c) => svc(c.span) === svc(s) && c.span.kind !== "CLIENT")
        || candidates.find((c) => c.span.kind === "SERVER")
        || candidates[0] || null;
      if (!parent) n.missingParent = true;
    }
    n.parent = parent;
  }
  // Break accidental cycles (duplicate ids) by cutting the link that closes one.
  for (const n of nodes) {
    let p = n.parent, steps = 0;
    while (p && steps <= nodes.length) { if (p === n) { n.parent = null; break; } p = p.parent; steps++; }
  }
  const roots = [];
  for (const n of nodes) (n.parent ? n.parent.children : roots).push(n);
  const byStart = (a, b) => (a.span.timestamp || 0) - (b.span.timestamp || 0);
  const order = [];
  const walk = (n, depth) => {
    n.depth = depth;
    order.push(n);
    n.children.sort(byStart).forEach((c) => walk(c, depth + 1));
  };
  roots.sort(byStart).forEach((r) => walk(r, 0));
  // Clock skew: a child starting before or ending after its parent (beyond 1 µs).
  for (const n of nodes) {
    const p = n.parent;
    if (!p || !n.span.timestamp || !p.span.timestamp) continue;
    const cEnd = n.span.timestamp + (n.span.duration || 0), pEnd = p.span.timestamp + (p.span.duration || 0);
    if (n.span.timestamp < p.span.timestamp || (p.span.duration && cEnd > pEnd)) n.skew = true;
  }
  return { roots, order };
}
function localVerdict(spans) {
  const tree = buildTree(spans);
  const broken = tree.order.filter((n) => n.missingParent).length + Math.max(0, tree.roots.length - 1);
  return { complete: broken === 0, findings: [], local: true };
}

// ---- search view ----
async function loadServices() {
  try {
    const services = await getJSON("/api/v2/services");
    const select = $("q-service");
    const current = select.value;
    select.replaceChildren(el("option", { value: "", text: "all" }), ...services.map((s) => el("option", { value: s, text: s })));
    select.value = services.includes(current) ? current : "";
  } catch (e) {
    setStatus("search-status", "Could not load services: " + e.message, true);
  }
}
async function loadSpanNames() {
  const service = $("q-service").value;
  const select = $("q-span");
  select.replaceChildren(el("option", { value: "", text: "all" }));
  if (!service) return;
  try {
    const names = await getJSON("/api/v2/spans?serviceName=" + encodeURIComponent(service));
    select.append(...names.map((n) => el("option", { value: n, text: n })));
  } catch (e) {
    setStatus("search-status", "Could not load span names: " + e.message, true);
  }
}
function setStatus(id, text, isError) {
  const node = $(id);
  node.textContent = text;
  node.classList.toggle("error", !!isError);
}
function searchParams() {
  const p = new URLSearchParams();
  const put = (k, v) => { if (v !== "" && v !== null && v !== undefined) p.set(k, v); };
  put("serviceName", $("q-service").value);
  put("spanName", $("q-span").value);
  put("annotationQuery", $("q-tag").value.trim());
  const ms = (v) => (v === "" ? "" : String(Math.round(parseFloat(v) * 1000)));
  put("minDuration", ms($("q-min").value));
  put("maxDuration", ms($("q-max").value));
  put("lookback", $("q-lookback").value);
  const end = $("q-end").value;
  put("endTs", end ? String(new Date(end).getTime()) : String(Date.now()));
  put("limit", $("q-limit").value || "20");
  return p;
}
async function runSearch(event) {
  if (event) event.preventDefault();
  const list = $("results");
  setStatus("search-status", "Searching…");
  let traces;
  try {
    traces = await getJSON("/api/v2/traces?" + searchParams().toString());
  } catch (e) {
    list.replaceChildren();
    setStatus("search-status", "Search failed: " + e.message, true);
    return;
  }
  const stats = traces.map((t) => traceStats(t));
  const longest = Math.max(1, ...stats.map((s) => s.duration));
  list.replaceChildren(...traces.map((spans, i) => resultItem(spans, stats[i], longest)));
  setStatus("search-status", traces.length === 0 ? "No traces match. Widen the look-back or clear a filter." : traces.length + " trace" + (traces.length === 1 ? "" : "s"));
  traces.forEach((spans, i) => markVerdict(spans, list.children[i]));
}
function rootSpan(spans) {
  const tree = buildTree(spans);
  return tree.roots.length ? tree.roots[0].span : spans[0];
}
function resultItem(spans, stats, longest) {
  const root = rootSpan(spans);
  const rootSvc = (root.localEndpoint && root.localEndpoint.serviceName) || "?";
  const chips = el("span", { class: "chips" }, ...Object.entries(stats.services).map(([svc, n]) =>
    el("span", { class: "chip", style: "background:" + serviceColour(svc), text: svc + " ×" + n })));
  const markers = el("span", { class: "markers" });
  if (stats.errors) markers.append(el("span", { class: "marker error", text: stats.errors + " error" + (stats.errors > 1 ? "s" : "") }));
  const link = el("a", { class: "result", href: "#/trace/" + root.traceId, "data-trace-id": root.traceId },
    el("span", {},
      el("span", { class: "name", text: rootSvc + ": " + (root.name || "(unnamed)") }), markers,
      el("br"), el("span", { class: "tid", text: root.traceId + " · " + fmtTime(stats.start) })),
    el("span", {}, el("div", { class: "bar-track" }, el("div", { class: "bar", style: "width:" + (100 * stats.duration / longest).toFixed(1) + "%" })), chips),
    el("span", { class: "dur", text: fmtDuration(stats.duration) }),
    el("span", { class: "count", text: spans.length + " spans" }));
  return el("li", {}, link);
}
async function fetchVerdict(traceId, spans) {
  try {
    return await getJSON("/api/tracelab/traces/" + traceId + "/verdict");
  } catch (e) {
    return localVerdict(spans);
  }
}
async function markVerdict(spans, item) {
  if (!item || !spans.length) return;
  const verdict = await fetchVerdict(spans[0].traceId, spans);
  const markers = item.querySelector(".markers");
  if (!markers) return;
  if (verdict.complete) markers.append(el("span", { class: "marker ok", text: "complete" }));
  else markers.append(el("span", { class: "marker broken", text: "broken" }));
  // A fragment of a split request says so: its verdict already counts the other traces.
  const request = verdict.request;
  if (request && request.traceIDs && request.traceIDs.length > 1) {
    const position = request.traceIDs.indexOf(verdict.traceID) + 1;
    markers.append(el("span", { class: "marker split", title: request.summary || "", text: "trace " + position + " of " + request.traceIDs.length + " of its request" }));
  }
  if (request && request.ambiguous) markers.append(el("span", { class: "marker ambiguous", title: request.summary || "", text: "ambiguous" }));
}

// ---- trace view ----
async function showTrace(traceId) {
  show("view-trace");
  $("trace-title").textContent = "Trace " + traceId;
  parkDetail("detail", "view-trace");
  $("waterfall").replaceChildren();
  $("reading").replaceChildren();
  $("verdict").replaceChildren();
  $("verdict").className = "verdict";
  $("request-box").replaceChildren();
  $("request-box").hidden = true;
  $("legend").replaceChildren();
  $("trace-summary").textContent = "Loading…";
  let spans;
  try {
    spans = await getJSON("/api/v2/trace/" + encodeURIComponent(traceId));
  } catch (e) {
    $("trace-summary").textContent = "";
    $("verdict").className = "verdict broken";
    $("verdict").append(el("h2", { text: e.status === 404 ? "Trace " + traceId + " is not in the collector" : "Could not load the trace" }),
      el("p", { text: e.message }));
    return;
  }
  const verdict = await fetchVerdict(traceId, spans);
  renderTrace(spans, verdict);
}
function renderVerdict(verdict, tree) {
  const box = $("verdict");
  const findings = verdict.findings || [];
  const skewed = tree.order.filter((n) => n.skew).length;
  box.className = "verdict " + (verdict.complete ? "complete" : "broken");
  box.append(el("h2", { id: "verdict-title", text: verdict.complete ? "✔ Complete trace" + (findings.length ? " (with notes)" : "") : "✘ Broken trace" }));
  if (verdict.local) box.append(el("p", { text: "Verdict computed in the browser (the analysis endpoint did not answer)." }));
  if (findings.length) {
    box.append(el("ul", {}, ...findings.map((f) => findingItem(f))));
  } else if (!verdict.complete && verdict.local) {
    const orphans = tree.order.filter((n) => n.missingParent);
    box.append(el("ul", {}, ...orphans.map((n) => el("li", { text: ((n.span.localEndpoint || {}).serviceName || "?") + " span " + n.span.id + " names parent " + n.span.parentId + ", which is not in the trace" }))));
  }
  if (skewed && !(verdict.clockSkew || []).length) box.append(el("p", { class: "skew-note", text: "Clock skew: " + skewed + " span" + (skewed > 1 ? "s" : "") + " outside the parent's time: clock skew between hosts." }));
}
// A finding in words, with links to the traces it points to (the other half of a split hop,
// every candidate when it is ambiguous).
function findingItem(f) {
  const related = f.relatedTraceIDs || [];
  const links = related.length ? el("span", { class: "related" },
    f.ambiguous ? " Possibly: " : (f.kind === "split-hop" || f.kind === "fragment" ? " Other part: " : " See: "),
    ...related.flatMap((id, i) => [i ? ", " : "", traceLink(id, "trace " + id.slice(0, 12) + "…")])) : null;
  return el("li", { class: "finding" + (f.ambiguous ? " ambiguous" : ""), "data-code": f.code || "" },
    f.hop ? el("span", { class: "hop", text: f.hop + ": " }) : null,
    el("span", { text: f.cause || "" }), " ", el("span", { class: "kind", text: "(" + f.kind + (f.code ? ", " + f.code : "") + ")" }), links);
}
// The request this trace belongs to: its other traces and a link to the request view.
function renderRequestBox(verdict) {
  const box = $("request-box");
  const request = verdict.request;
  if (!request) return;
  const others = (request.fragments || []).filter((f) => f.traceID !== verdict.traceID);
  const href = requestHref(request);
  box.hidden = false;
  box.className = "request-box" + (request.complete ? "" : " broken") + (request.ambiguous ? " ambiguous" : "");
  const count = (request.traceIDs || []).length;
  const possible = others.filter((f) => f.possible).length;
  box.append(el("h2", { text: count > 1 ? "Part of a request that left " + count + " traces"
    : possible ? "Its other side could be any of " + possible + " requests" : "The whole request is this trace" }),
    el("p", { text: request.summary || "" }));
  if (others.length) {
    box.append(el("ul", { class: "fragments" }, ...others.map((f) => el("li", {},
      traceLink(f.traceID, f.traceID, "fragment-link"), " ",
      el("span", { class: "frag-root", text: (f.rootService || "?") + " " + (f.rootKind || "") + (f.entry ? " · where the request began" : "") }),
      f.possible ? el("span", { class: "marker ambiguous", text: "possibly" }) : null,
      el("span", { class: "marker " + (f.complete ? "ok" : "broken"), text: f.complete ? "complete" : "broken" })))));
  }
  if (request.ambiguous) {
    box.append(el("p", { class: "ambiguity", text: "Ambiguous: a call lost every header, x-request-id too, while its service was serving several requests, so only time ties it to one of them. Every candidate is listed as \"possibly\" and marked broken; the spans cannot tell which one made the call." }));
  }
  if (href) box.append(el("p", {}, el("a", { href, id: "request-link", class: "request-link", text: "Show the whole request in one waterfall →" })));
}
function renderTrace(spans, verdict) {
  const tree = buildTree(spans);
  const stats = traceStats(spans);
  renderVerdict(verdict, tree);
  renderRequestBox(verdict);
  $("trace-summary").textContent = spans.length + " spans · " + Object.keys(stats.services).length + " services · " +
    fmtDuration(stats.duration) + " · started " + fmtTime(stats.start);
  $("legend").replaceChildren(...Object.keys(stats.services).sort().map((svc) =>
    el("span", { class: "chip", style: "background:" + serviceColour(svc), text: svc })));
  renderReading(verdict, $("reading"), "waterfall");
  const view = timeWindow(tree.order, verdict);
  const rows = tree.order.map((n, i) => spanRow(n, n.depth, view, verdict, i === 0, { container: "waterfall", detail: "detail" }));
  $("waterfall").replaceChildren(axisRow(view), ...rows);
  $("waterfall").classList.toggle("show-critical", $("critical-toggle").checked);
}
// What the page draws and how to read it: the critical path (with a switch), where the time
// went, and every clock the analysis corrected.
function renderReading(verdict, box, containerId) {
  box.replaceChildren();
  const path = verdict.criticalPath || { segments: [] };
  if (path.segments && path.segments.length) {
    const byService = [];
    for (const s of path.segments) {
      const last = byService[byService.length - 1];
      if (last && last.service === s.service) last.us += s.end - s.start;
      else byService.push({ service: s.service, us: s.end - s.start });
    }
    box.append(el("p", { class: "critical-note", id: containerId + "-critical-note" },
      el("span", { class: "swatch critical", "aria-hidden": "true" }), " ",
      el("strong", { text: "Critical path " + fmtDuration(path.durationMicroseconds) + ": " }),
      byService.map((b) => b.service + " " + fmtDuration(b.us)).join(" → "),
      el("span", { class: "muted", text: " — the work the request waited on; shortening anything else would not make it faster." })));
  }
  for (const c of verdict.clockSkew || []) {
    const ahead = c.offsetMicroseconds < 0;
    box.append(el("p", { class: "skew-note", "data-service": c.service },
      el("span", { class: "skew-mark", text: "clock skew" }), " ",
      c.service + "'s clock runs " + fmtDuration(Math.abs(c.offsetMicroseconds)) + (ahead ? " ahead of" : " behind") + " its caller's (measured at " + c.hop + "): " +
      c.adjustedSpanCount + " span" + (c.adjustedSpanCount === 1 ? "" : "s") + " drawn moved " + (ahead ? "back" : "forward") + " by " + fmtDuration(Math.abs(c.offsetMicroseconds)) +
      "; the dashed outline is where " + (c.adjustedSpanCount === 1 ? "it was" : "they were") + " reported."));
  }
  box.append(el("p", { class: "key" },
    el("label", { class: "toggle" }, el("input", { type: "checkbox", id: containerId === "waterfall" ? "critical-toggle" : containerId + "-critical-toggle", checked: true,
      onchange: (e) => $(containerId).classList.toggle("show-critical", e.target.checked) }), " highlight the critical path"),
    el("span", { class: "key-item" }, el("span", { class: "swatch error", "aria-hidden": "true" }), " failed call (status, Envoy response flags)"),
    el("span", { class: "key-item" }, el("span", { class: "swatch broken", "aria-hidden": "true" }), " broken link"),
    el("span", { class: "key-item muted", text: "Click a span, or move with ↑/↓ and press Enter, for its detail." })));
}
// The time axis of a waterfall: earliest to latest (skew-adjusted) time of the spans drawn.
function timeWindow(nodes, verdict, verdictOf) {
  let start = Infinity, end = 0;
  for (const n of nodes) {
    const s = n.span;
    if (!s.timestamp) continue;
    const v = verdictOf ? verdictOf(n) : verdict;
    const adjusted = adjustmentsOf(v)[spanKey(s)];
    const t = adjusted !== undefined ? adjusted : s.timestamp;
    start = Math.min(start, t, s.timestamp);
    end = Math.max(end, t + (s.duration || 0), s.timestamp + (s.duration || 0));
  }
  if (start === Infinity) { start = 0; end = 1; }
  return { start, total: Math.max(1, end - start) };
}
function axisRow(view) {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => el("span", { class: "tick", style: f === 1 ? "right:0" : "left:" + (f * 100) + "%", text: fmtDuration(Math.round(view.total * f)) }));
  return el("div", { class: "row axis", "aria-hidden": "true" }, el("div", { class: "label muted", text: "span" }), el("div", { class: "timeline" }, ...ticks));
}
const FLAG_TEXT = {
  UF: "upstream connection failure", UT: "upstream request timeout", NR: "no route to the destination",
  FI: "fault injected: request aborted", DI: "fault injected: request delayed", UC: "upstream connection closed",
  DC: "downstream connection closed", UH: "no healthy upstream", URX: "retry limit exceeded", UO: "upstream overflow",
  LR: "connection reset locally", UR: "upstream reset the connection", RL: "rate limited",
};
function flagsOf(s) {
  const flags = (s.tags || {}).response_flags;
  return flags && flags !== "-" ? flags.split(",").map((f) => f.trim()).filter(Boolean) : [];
}
function flagText(flag) { return flag + (FLAG_TEXT[flag] ? " (" + FLAG_TEXT[flag] + ")" : ""); }
function spanKey(s) { return s.id + "/" + (s.kind || "LOCAL"); }
function criticalOf(verdict) {
  if (!verdict.criticalIndex) {
    verdict.criticalIndex = {};
    for (const seg of (verdict.criticalPath || {}).segments || []) (verdict.criticalIndex[seg.spanID + "/" + seg.kind] = verdict.criticalIndex[seg.spanID + "/" + seg.kind] || []).push(seg);
  }
  return verdict.criticalIndex;
}
function nodeName(s) { return (s.tags && s.tags.node_id) || (s.localEndpoint && s.localEndpoint.serviceName) || "?"; }
// One span as a waterfall row; `view` ({start, total}) places the bar on the view's time axis.
function spanRow(n, depth, view, verdict, focusable, ctx) {
  const s = n.span;
  const svc = (s.localEndpoint && s.localEndpoint.serviceName) || "?";
  const tags = s.tags || {};
  const status = tags["http.status_code"];
  const isError = tags.error !== undefined || (status && Number(status) >= 500);
  const flags = flagsOf(s);
  const broken = n.missingParent || (verdict.findings || []).some((f) => f.brokenLink && (f.spanIDs || []).includes(s.id));
  const adjusted = adjustmentsOf(verdict)[spanKey(s)];
  const shownStart = adjusted !== undefined ? adjusted : s.timestamp;
  const pct = (t) => Math.max(0, Math.min(100, 100 * (t - view.start) / view.total));
  const left = shownStart ? pct(shownStart) : 0;
  const width = Math.min(100 - left, Math.max(0.3, 100 * (s.duration || 0) / view.total));
  const segments = criticalOf(verdict)[spanKey(s)] || [];
  const critical = segments.reduce((sum, seg) => sum + (seg.end - seg.start), 0);
  const bar = el("div", { class: "span-bar" + (isError ? " error" : ""), style: "left:" + left.toFixed(2) + "%;width:" + width.toFixed(2) + "%;background-color:" + serviceColour(svc) });
  const overlays = segments.map((seg) => el("div", { class: "crit", style: "left:" + pct(seg.start).toFixed(2) + "%;width:" + Math.max(0.2, pct(seg.end) - pct(seg.start)).toFixed(2) + "%" }));
  const ghost = adjusted !== undefined && adjusted !== s.timestamp
    ? el("div", { class: "ghost", title: "reported here, before the clock-skew correction", style: "left:" + pct(s.timestamp).toFixed(2) + "%;width:" + width.toFixed(2) + "%" }) : null;
  const badges = [el("span", { class: "dur", text: fmtDuration(s.duration) })];
  if (status && (Number(status) >= 400 || isError)) badges.push(el("span", { class: "badge status", title: "HTTP status " + status, text: status }));
  for (const f of flags) badges.push(el("span", { class: "badge flag" + (f === "DI" ? " delay" : ""), title: "response_flags " + flagText(f), "data-flag": f, text: f }));
  if (tags.error !== undefined && tags.error !== "true") badges.push(el("span", { class: "badge error-text-badge", title: "error tag", text: tags.error }));
  if (adjusted !== undefined && adjusted !== s.timestamp) badges.push(el("span", { class: "skew-mark", title: "clock skew: drawn moved by " + fmtDuration(Math.abs(s.timestamp - adjusted)), text: "clock skew " + (adjusted < s.timestamp ? "−" : "+") + fmtDuration(Math.abs(s.timestamp - adjusted)) }));
  else if (n.skew) badges.push(el("span", { class: "skew-mark", title: "outside its parent's time: clock skew", text: "clock skew" }));
  if (broken) badges.push(el("span", { class: "badge broken-badge", text: "⚠ broken link" }));
  // Put the words where they fit: after the bar, before it, or over its end.
  const after = 100 - (left + width), before = left;
  const info = el("span", { class: "info", style: after >= 32 ? "left:" + (left + width).toFixed(2) + "%" : before >= 32 ? "right:" + (100 - left).toFixed(2) + "%;justify-content:flex-end" : "right:0;justify-content:flex-end" }, ...badges);
  if (!(after >= 32) && !(before >= 32)) info.classList.add("inside");
  const label = [s.kind ? el("span", { class: "kind", text: s.kind }) : el("span", { class: "kind local", text: "LOCAL" }),
    el("span", { class: "svc", style: "color:" + serviceColour(svc), text: nodeName(s) }), " "];
  if (s.kind === "CLIENT" && s.remoteEndpoint && s.remoteEndpoint.serviceName) label.push(el("span", { class: "to", text: "→ " + s.remoteEndpoint.serviceName + " " }));
  label.push(el("span", { class: "op", text: s.name || "(unnamed)" }));
  if (s.shared) label.push(el("span", { class: "shared", title: "the SERVER reuses its caller's span id (B3)", text: " ↔ shared" }));
  const row = el("div", {
      class: "row span" + (broken ? " broken" : "") + (isError ? " failed" : "") + (critical ? " critical" : ""), role: "treeitem", tabindex: focusable ? "0" : "-1",
      "aria-level": String(depth + 1), "aria-expanded": "false", "data-span-id": s.id, "data-kind": s.kind || "", "data-critical-us": critical ? String(critical) : null,
      "aria-label": (s.kind || "LOCAL") + " " + nodeName(s) + " " + (s.name || "") + ", " + fmtDuration(s.duration) + (isError ? ", failed" : "") + (broken ? ", broken link" : "") + (critical ? ", on the critical path" : ""),
      onclick: () => toggleDetail(row, n, verdict, view, ctx), onkeydown: (e) => rowKey(e, row, n, verdict, view, ctx) },
    el("div", { class: "label", style: "padding-left:" + (0.4 + depth * 1.0) + "rem" }, ...label),
    el("div", { class: "timeline" }, ghost, bar, ...overlays, info));
  return row;
}
function adjustmentsOf(verdict) {
  if (!verdict.adjustmentIndex) {
    verdict.adjustmentIndex = {};
    for (const a of verdict.adjustedSpans || []) verdict.adjustmentIndex[a.spanID + "/" + a.kind] = a.adjustedTimestamp;
  }
  return verdict.adjustmentIndex;
}
const KIND_TEXT = {
  SERVER: "the callee's sidecar receiving the request (inbound)",
  CLIENT: "the caller's sidecar sending the call (outbound)",
  PRODUCER: "a message sent", CONSUMER: "a message received",
};
function contextText(n) {
  const s = n.span;
  if (s.shared) return "B3: this SERVER reuses its caller's CLIENT span id (shared: true), as Envoy does";
  if (!s.parentId) {
    if (s.kind === "CLIENT") return "none arrived from the app: its sidecar started a new trace for this call (the app did not forward the trace headers it received)";
    if (s.kind === "SERVER") return "none arrived (or none this sidecar reads): it started the trace";
    return "root span";
  }
  if (n.missingParent) return "names parent " + s.parentId + ", which is not in this trace";
  if (s.kind === "SERVER") return "own span id, child of its caller's " + s.parentId + " (W3C traceparent, or a tracer that does not share B3 ids)";
  if (s.kind === "CLIENT") return "child of " + s.parentId + ": its sidecar continued the context the app forwarded";
  return "child of " + s.parentId;
}
function endpointText(e) {
  if (!e) return null;
  const address = e.ipv4 || e.ipv6 ? (e.ipv6 ? "[" + e.ipv6 + "]" : e.ipv4) + (e.port ? ":" + e.port : "") : e.port ? "port " + e.port : "";
  return (e.serviceName || "?") + (address ? " · " + address : "");
}
function selfTime(n) {
  const s = n.span;
  if (!s.timestamp || !s.duration) return null;
  const end = s.timestamp + s.duration;
  const parts = n.children.filter((c) => c.span.timestamp).map((c) => [Math.max(s.timestamp, c.span.timestamp), Math.min(end, c.span.timestamp + (c.span.duration || 0))]).filter(([a, b]) => b > a).sort((a, b) => a[0] - b[0]);
  let covered = 0, run = null;
  for (const p of parts) {
    if (run && p[0] <= run[1]) run[1] = Math.max(run[1], p[1]);
    else { if (run) covered += run[1] - run[0]; run = p.slice(); }
  }
  if (run) covered += run[1] - run[0];
  return s.duration - covered;
}
function toggleDetail(row, node, verdict, view, ctx) {
  const detail = $(ctx.detail);
  if (row.classList.contains("selected") && !detail.hidden) { closeDetail(ctx); row.focus(); return; }
  openDetail(row, node, verdict, view, ctx);
}
function closeDetail(ctx) {
  const detail = $(ctx.detail);
  detail.hidden = true;
  document.querySelectorAll("#" + ctx.container + " .row.selected").forEach((r) => { r.classList.remove("selected"); r.setAttribute("aria-expanded", "false"); });
}
// The span's detail, opened right below its row: what it is, where it ran, how it ended,
// what the analysis says about it, then every tag and annotation.
function openDetail(row, node, verdict, view, ctx) {
  document.querySelectorAll("#" + ctx.container + " .row.selected").forEach((r) => { r.classList.remove("selected"); r.setAttribute("aria-expanded", "false"); });
  row.classList.add("selected");
  row.setAttribute("aria-expanded", "true");
  const rows = [...document.querySelectorAll("#" + ctx.container + " .row[tabindex]")];
  rows.forEach((r) => { r.tabIndex = r === row ? 0 : -1; });
  const s = node.span;
  const tags = s.tags || {};
  const detail = $(ctx.detail);
  const adjusted = adjustmentsOf(verdict)[spanKey(s)];
  const segments = criticalOf(verdict)[spanKey(s)] || [];
  const critical = segments.reduce((sum, seg) => sum + (seg.end - seg.start), 0);
  const own = selfTime(node);
  const flags = flagsOf(s);
  const status = tags["http.status_code"];
  const facts = [];
  facts.push(["kind", (s.kind || "LOCAL") + " — " + (KIND_TEXT[s.kind] || "a span the app reported itself (no kind: not an RPC side)") + (s.kind === "CLIENT" && s.remoteEndpoint && s.remoteEndpoint.serviceName ? " to " + s.remoteEndpoint.serviceName : "")]);
  facts.push(["shared", s.shared ? "yes: the span id is its caller's CLIENT span id" : "no"]);
  facts.push(["trace context", contextText(node)]);
  facts.push(["local endpoint", endpointText(s.localEndpoint) || "(none)"]);
  facts.push(["remote endpoint", endpointText(s.remoteEndpoint) || (s.kind === "CLIENT" ? "(not reported)" : "(none)")]);
  if (tags.node_id) facts.push(["node", tags.node_id]);
  if (tags["peer.address"]) facts.push(["peer address", tags["peer.address"]]);
  facts.push(["start", "+" + fmtDuration(Math.max(0, (adjusted !== undefined ? adjusted : s.timestamp) - view.start)) + " into the " + (ctx.container === "waterfall" ? "trace" : "request") + " · " + fmtTime(s.timestamp)]);
  if (adjusted !== undefined && adjusted !== s.timestamp) facts.push(["clock skew", "reported at " + s.timestamp + "µs, drawn at " + adjusted + "µs: moved " + (adjusted < s.timestamp ? "back" : "forward") + " by " + fmtDuration(Math.abs(s.timestamp - adjusted)) + " to line up with its caller"]);
  facts.push(["duration", fmtDuration(s.duration) + (own !== null && node.children.length ? " (" + fmtDuration(own) + " of it its own work, the rest waiting on its " + node.children.length + " child span" + (node.children.length === 1 ? "" : "s") + ")" : "")]);
  facts.push(["critical path", critical ? fmtDuration(critical) + " of this span is on the critical path" : "not on the critical path"]);
  if (status) facts.push(["HTTP status", status]);
  if (flags.length) facts.push(["response flags", flags.map(flagText).join(", ")]);
  if (tags.error !== undefined) facts.push(["error", tags.error]);
  facts.push(["ids", "trace " + s.traceId + " · span " + s.id + " · parent " + (s.parentId || "(root)")]);
  if (s.debug) facts.push(["debug", "true (sampling forced)"]);
  const findings = (verdict.findings || []).filter((f) => (f.spanIDs || []).includes(s.id));
  const tagRows = Object.entries(tags).sort();
  const annotations = (s.annotations || []).slice().sort((a, b) => a.timestamp - b.timestamp);
  detail.replaceChildren(
    el("div", { class: "detail-head" },
      el("h2", { id: ctx.detail + "-title", text: (s.kind || "LOCAL") + " " + nodeName(s) + (s.kind === "CLIENT" && s.remoteEndpoint && s.remoteEndpoint.serviceName ? " → " + s.remoteEndpoint.serviceName : "") + " · " + (s.name || "(unnamed)") }),
      el("button", { type: "button", class: "close", "aria-label": "Close the span detail", text: "✕ close", onclick: () => { closeDetail(ctx); row.focus(); } })),
    findings.length ? el("ul", { class: "span-findings" }, ...findings.map((f) => el("li", { class: f.severity }, el("strong", { text: f.kind + (f.code ? " (" + f.code + ")" : "") + ": " }), f.cause || ""))) : null,
    el("table", { class: "facts" }, ...facts.map(([k, v]) => el("tr", { "data-fact": k }, el("th", { scope: "row", text: k }), el("td", { text: v })))),
    el("div", { class: "detail-cols" },
      el("section", {}, el("h3", { text: "Tags (" + tagRows.length + ")" }),
        tagRows.length ? el("table", { class: "tags" }, ...tagRows.map(([k, v]) => el("tr", {}, el("th", { scope: "row", text: k }), el("td", { text: v })))) : el("p", { text: "none" })),
      el("section", {}, el("h3", { text: "Annotations (" + annotations.length + ")" }),
        annotations.length ? el("table", { class: "annotations" }, ...annotations.map((a) => el("tr", {}, el("th", { scope: "row", text: "+" + fmtDuration(Math.max(0, a.timestamp - s.timestamp)) }), el("td", { text: a.value }))))
          : el("p", { class: "muted", text: "none (TraceLab's sidecars report none; app spans may)" }))));
  row.after(detail);
  detail.hidden = false;
}
function rowKey(event, row, node, verdict, view, ctx) {
  const rows = [...document.querySelectorAll("#" + ctx.container + " .row[tabindex]")];
  const i = rows.indexOf(row);
  let next = null;
  if (event.key === "ArrowDown" || event.key === "j") next = rows[i + 1];
  else if (event.key === "ArrowUp" || event.key === "k") next = rows[i - 1];
  else if (event.key === "Home") next = rows[0];
  else if (event.key === "End") next = rows[rows.length - 1];
  else if (event.key === "ArrowLeft" && node.parent) next = rows.find((r) => r.dataset.spanId === node.parent.span.id && r.dataset.kind === (node.parent.span.kind || ""));
  else if (event.key === "Escape") { closeDetail(ctx); event.preventDefault(); return; }
  else if (event.key === "Enter" || event.key === " ") { toggleDetail(row, node, verdict, view, ctx); event.preventDefault(); return; }
  else return;
  event.preventDefault();
  if (next) { row.tabIndex = -1; next.tabIndex = 0; next.focus(); }
}

// The span detail is moved below the selected row; before a waterfall is redrawn it goes back
// to its view, hidden, so redrawing never loses it.
function parkDetail(id, viewId) {
  const detail = $(id);
  detail.hidden = true;
  $(viewId).append(detail);
}

// ---- request view: every trace of one request in one waterfall ----
async function showRequest(requestId) {
  show("view-request");
  $("request-title").textContent = "Request " + requestId;
  parkDetail("request-detail", "view-request");
  for (const id of ["request-verdict", "request-fragments", "request-legend", "request-reading", "request-waterfall"]) $(id).replaceChildren();
  $("request-verdict").className = "verdict";
  $("request-summary").textContent = "Loading…";
  let body, traces;
  try {
    body = await getJSON("/api/tracelab/requests/" + encodeURIComponent(requestId));
    const ids = body.request.fragments.map((f) => f.traceID);
    traces = ids.length === 1 ? [await getJSON("/api/v2/trace/" + ids[0])] : await getJSON("/api/v2/traceMany?traceIds=" + ids.join(","));
  } catch (e) {
    $("request-summary").textContent = "";
    $("request-verdict").className = "verdict broken";
    $("request-verdict").append(el("h2", { text: e.status === 404 ? "No trace in the collector carries x-request-id " + requestId : "Could not load the request" }),
      el("p", { text: e.message }));
    return;
  }
  renderRequest(body, traces);
}
function renderRequest(body, traces) {
  const request = body.request;
  const verdicts = {};
  for (const v of body.traces || []) verdicts[v.traceID] = v;
  const box = $("request-verdict");
  box.className = "verdict " + (request.complete ? "complete" : "broken");
  box.append(el("h2", { id: "request-verdict-title", text: request.complete ? "✔ Complete request: one trace" : "✘ Broken request: " + request.traceIDs.length + " trace" + (request.traceIDs.length === 1 ? "" : "s") }),
    el("p", { text: request.summary || "" }));
  if (request.breaks.length) {
    box.append(el("ul", {}, ...request.breaks.map((b) => el("li", { class: "finding" + (b.ambiguous ? " ambiguous" : "") },
      el("span", { class: "hop", text: b.hop + ": " }), el("span", { text: b.cause || "" }), " ",
      el("span", { class: "kind", text: "(" + b.code + ", matched by " + b.matchedBy + ")" })))));
  }
  if (request.ambiguous) box.append(el("p", { class: "ambiguity", text: "Ambiguous: a call that lost every header was matched by time only, and several requests were running then. The candidates are drawn below as \"possibly\" part of this request; each of them is marked broken." }));
  $("request-fragments").replaceChildren(...request.fragments.map((f) => el("li", { class: f.possible ? "possible" : "" },
    traceLink(f.traceID, f.traceID, "fragment-link"), " ",
    el("span", { class: "frag-root", text: (f.rootService || "?") + " " + (f.rootKind || "") + " · " + f.spanCount + " spans · " + fmtDuration(f.durationMicroseconds) }),
    f.entry ? el("span", { class: "marker ok", text: "entry" }) : null,
    f.possible ? el("span", { class: "marker ambiguous", text: "possibly" }) : null,
    el("span", { class: "marker " + (f.complete ? "ok" : "broken"), text: f.complete ? "complete" : "broken" }))));

  const trees = {};
  let start = Infinity, end = 0, spanCount = 0;
  const services = new Set();
  for (const spans of traces) {
    if (!spans.length) continue;
    trees[spans[0].traceId] = buildTree(spans);
    const stats = traceStats(spans);
    if (stats.start) { start = Math.min(start, stats.start); end = Math.max(end, stats.end); }
    Object.keys(stats.services).forEach((svc) => services.add(svc));
    spanCount += spans.length;
  }
  if (start === Infinity) start = 0;
  $("request-summary").textContent = spanCount + " spans in " + traces.length + " trace" + (traces.length === 1 ? "" : "s") + " · " + services.size + " services · " + fmtDuration(end - start) + " · started " + fmtTime(start);
  $("request-legend").replaceChildren(...[...services].sort().map((svc) => el("span", { class: "chip", style: "background:" + serviceColour(svc), text: svc })));
  const items = stitch(request, trees);
  const spanItems = items.filter((item) => item.type === "span");
  const view = timeWindow(spanItems.map((item) => item.node), null, (n) => verdicts[n.span.traceId] || {});
  renderReading({ clockSkew: (body.traces || []).flatMap((v) => v.clockSkew || []) }, $("request-reading"), "request-waterfall");
  let first = true;
  const rows = items.map((item) => {
    if (item.type === "fragment") return fragmentRow(item, verdicts[item.fragment.traceID]);
    if (item.type === "break") return breakRow(item);
    const row = spanRow(item.node, item.depth, view, verdicts[item.traceId] || {}, first, { container: "request-waterfall", detail: "request-detail" });
    row.dataset.traceId = item.traceId;
    first = false;
    return row;
  });
  $("request-waterfall").replaceChildren(axisRow(view), ...rows);
  $("request-waterfall").classList.toggle("show-critical", $("request-waterfall-critical-toggle").checked);
}
// Orders the fragments' spans as one tree: each fragment hangs below the span its request
// lost the context at (a break row in between), entry fragments first; fragments tied only by
// an ambiguous break come last, under a "possibly" header.
function stitch(request, trees) {
  const items = [];
  const placed = new Set();
  const hanging = new Map();
  for (const b of request.breaks) {
    if (b.ambiguous || !b.fromTraceID || !trees[b.fromTraceID] || !trees[b.toTraceID]) continue;
    const caller = b.hop.split(" -> ")[0];
    const nodes = trees[b.fromTraceID].order.filter((n) => n.span.id === b.fromSpanID);
    const at = nodes.find((n) => (n.span.tags || {}).node_id === caller) || nodes.find((n) => (n.span.localEndpoint || {}).serviceName === caller) || nodes[nodes.length - 1];
    if (!at) continue;
    if (!hanging.has(at)) hanging.set(at, []);
    hanging.get(at).push(b);
  }
  const emit = (traceId, depth) => {
    placed.add(traceId);
    for (const n of trees[traceId].order) {
      items.push({ type: "span", node: n, depth: depth + n.depth, traceId });
      for (const b of hanging.get(n) || []) {
        if (placed.has(b.toTraceID)) continue;
        items.push({ type: "break", brk: b, depth: depth + n.depth + 1 });
        emit(b.toTraceID, depth + n.depth + 1);
      }
    }
  };
  const fragments = request.fragments.filter((f) => trees[f.traceID]);
  for (const f of fragments.filter((f) => !f.possible && f.entry)) {
    items.push({ type: "fragment", fragment: f, depth: 0 });
    emit(f.traceID, 0);
  }
  for (const f of fragments.filter((f) => !placed.has(f.traceID))) {
    items.push({ type: "fragment", fragment: f, depth: 0, possible: f.possible });
    emit(f.traceID, 0);
  }
  return items;
}
function fragmentRow(item, verdict) {
  const f = item.fragment;
  const why = f.possible ? "possibly part of this request (matched by time only)" : f.entry ? "where the request began" : "its caller's trace is not in the collector";
  return el("div", { class: "row fragment-row" + (f.possible ? " possible" : ""), "data-trace-id": f.traceID },
    el("div", { class: "label" }, el("span", { class: "frag-title", text: "Trace " }), traceLink(f.traceID, f.traceID.slice(0, 16) + (f.traceID.length > 16 ? "…" : "")),
      el("span", { class: "frag-why", text: " · " + why })),
    el("div", { class: "frag-state", text: (verdict && verdict.complete) || f.complete ? "complete" : "broken" }));
}
function breakRow(item) {
  const b = item.brk;
  return el("div", { class: "row break-row", role: "note", "data-hop": b.hop, "data-code": b.code, "data-to-trace-id": b.toTraceID },
    el("div", { class: "label", style: "padding-left:" + (0.4 + item.depth * 1.1) + "rem" },
      el("span", { class: "cut", text: "✂ context lost: " + b.hop.replace(" -> ", " → ") + " (" + b.code + ")" })),
    el("div", { class: "break-text" }, "the call started trace ", traceLink(b.toTraceID, b.toTraceID.slice(0, 16) + (b.toTraceID.length > 16 ? "…" : "")),
      " (matched by " + b.matchedBy + ")"));
}

// ---- dependency graph: calls, errors and broken propagation per edge ----
async function showDependencies(event) {
  if (event) event.preventDefault();
  show("view-deps");
  setStatus("deps-status", "Loading…");
  const endTs = Date.now(), lookback = $("d-lookback").value;
  let body, fallback = false;
  try {
    body = await getJSON("/api/tracelab/dependencies?endTs=" + endTs + "&lookback=" + lookback);
  } catch (e) {
    // An older collector, or one behind a proxy that only passes the Zipkin API: counts only.
    try {
      body = { links: await getJSON("/api/v2/dependencies?endTs=" + endTs + "&lookback=" + lookback) };
      fallback = true;
    } catch (e2) {
      setStatus("deps-status", "Could not load dependencies: " + e2.message, true);
      return;
    }
  }
  const links = body.links || [];
  const broken = links.filter((l) => l.brokenCount).length;
  setStatus("deps-status", !links.length ? "No calls between services in this window."
    : links.length + " links" + (fallback ? " (call and error counts only: the collector did not answer /api/tracelab/dependencies)"
      : " · " + (broken ? broken + " with broken propagation" : "no broken propagation") + " · breaks judged over the newest " + body.tracesAnalysed + " traces" +
        (body.tracesAnalysed >= body.traceLimit ? " (the window holds more; older ones are not counted)" : "")));
  $("deps-graph").replaceChildren(links.length ? dependencySVG(links) : "");
  $("deps-key").hidden = !links.length;
  $("deps-table").replaceChildren(el("caption", { class: "sr", text: "Calls between services" }),
    el("tr", {}, ...["caller", "callee", "calls", "errors", "broken propagation", "example traces"].map((h) => el("th", { scope: "col", text: h }))),
    ...links.map((l) => linkRow(l, fallback)));
}
function shortID(id) { return id.length > 12 ? id.slice(0, 6) + "…" + id.slice(-4) : id; }
function rate(link) { return link.callCount ? (100 * (link.errorCount || 0) / link.callCount).toFixed(1) + "%" : "0%"; }
function edgeId(l) { return "edge-" + l.parent + "--" + l.child; }
function linkRow(l, fallback) {
  const brokenCell = fallback ? el("td", { class: "muted", text: "?" })
    : el("td", { class: "broken-cell" }, l.brokenCount ? el("strong", { class: "error-text", text: String(l.brokenCount) }) : "0",
      l.brokenCount ? " — " + Object.entries(l.causes || {}).map(([code, n]) => code + (n > 1 || Object.keys(l.causes).length > 1 ? " ×" + n : "")).join(", ") + " at " + (l.hops || []).join(", ") : "",
      l.ambiguousCount ? " (" + l.ambiguousCount + " ambiguous)" : "");
  const examples = [];
  for (const b of l.brokenExamples || []) {
    examples.push(el("span", { class: "example broken" }, traceLink(b.traceID, (b.ambiguous ? "? " : "✂ ") + shortID(b.traceID), "example-link broken-example"),
      b.otherTraceID ? el("span", { class: "muted", text: " → " }) : null, b.otherTraceID ? traceLink(b.otherTraceID, shortID(b.otherTraceID), "example-link") : null));
  }
  for (const id of (l.errorExamples || []).slice(0, 3)) examples.push(traceLink(id, "✘ " + shortID(id), "example-link error-example"));
  if (!examples.length) for (const id of (l.exampleTraceIDs || []).slice(0, 2)) examples.push(traceLink(id, shortID(id), "example-link"));
  return el("tr", { class: "link" + (l.brokenCount ? " broken" : "") + (l.errorCount ? " failing" : ""), id: edgeId(l) + "-row", "data-parent": l.parent, "data-child": l.child },
    el("td", { text: l.parent }), el("td", { text: l.child }), el("td", { text: String(l.callCount) }),
    el("td", { text: (l.errorCount || 0) + " (" + rate(l) + ")" }), brokenCell,
    el("td", { class: "examples" }, ...examples.flatMap((x, i) => (i ? [" ", x] : [x]))));
}
// Layers by longest call depth, each connected group of services (a lab) in its own band, so
// bookinfo and the chain do not interleave; within a column callers' order decides.
function graphLayout(links) {
  const names = [...new Set(links.flatMap((l) => [l.parent, l.child]))].sort();
  const callees = {}, callers = {};
  for (const l of links) {
    (callees[l.parent] = callees[l.parent] || []).push(l.child);
    (callers[l.child] = callers[l.child] || []).push(l.parent);
  }
  const depth = {};
  const visit = (n, d, path) => {
    if (path.has(n) || (depth[n] !== undefined && depth[n] >= d)) return;
    depth[n] = d;
    path.add(n);
    for (const c of callees[n] || []) visit(c, d + 1, path);
    path.delete(n);
  };
  names.filter((n) => !(callers[n] || []).length).forEach((n) => visit(n, 0, new Set()));
  names.forEach((n) => { if (depth[n] === undefined) visit(n, 0, new Set()); });
  // Connected groups, the biggest first.
  const group = {};
  let groups = [];
  for (const n of names) {
    if (group[n] !== undefined) continue;
    const members = [], stack = [n];
    group[n] = groups.length;
    while (stack.length) {
      const m = stack.pop();
      members.push(m);
      for (const o of [...(callees[m] || []), ...(callers[m] || [])]) if (group[o] === undefined) { group[o] = groups.length; stack.push(o); }
    }
    groups.push(members);
  }
  groups = groups.map((g, i) => ({ i, members: g })).sort((a, b) => b.members.length - a.members.length || a.members[0].localeCompare(b.members[0]));
  const colCount = Math.max(1, ...names.map((n) => depth[n] + 1));
  const W = Math.max(760, Math.min(1200, colCount * 380)), colW = (W - 180) / Math.max(1, colCount - 1);
  const pos = {};
  let y = 20;
  for (const g of groups) {
    const columns = {};
    for (const n of g.members) (columns[depth[n]] = columns[depth[n]] || []).push(n);
    const rows = Math.max(...Object.values(columns).map((c) => c.length));
    const bandH = rows * 96;
    for (const [d, col] of Object.entries(columns)) {
      // Order a column by the mean position of its callers (fewer crossings), then by name.
      col.sort((a, b) => mean(callers[a], pos) - mean(callers[b], pos) || a.localeCompare(b));
      col.forEach((n, i) => { pos[n] = { x: 90 + Number(d) * colW, y: y + (bandH / col.length) * (i + 0.5) }; });
    }
    y += bandH + 24;
  }
  return { names, pos, W, H: y };
}
function mean(list, pos) {
  const ys = (list || []).filter((n) => pos[n]).map((n) => pos[n].y);
  return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : 0;
}
function dependencySVG(links) {
  const NS = "http://www.w3.org/2000/svg";
  const svg = (tag, attrs, text) => {
    const n = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) n.setAttribute(k, v);
    if (text !== undefined) n.textContent = text;
    return n;
  };
  const { names, pos, W, H } = graphLayout(links);
  const root = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "group", "aria-label": "Service dependency graph: arrows from caller to callee; dashed red arrows lost the trace context" });
  const defs = svg("defs", {});
  for (const [id, colour] of [["arrow", "#444"], ["arrow-error", "#b00020"], ["arrow-broken", "#b00020"]]) {
    const marker = svg("marker", { id, viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "14", markerHeight: "14", markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" });
    marker.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: colour }));
    defs.append(marker);
  }
  root.append(defs);
  const maxCalls = Math.max(1, ...links.map((l) => l.callCount));
  for (const l of links) {
    const a = pos[l.parent], b = pos[l.child];
    if (!a || !b) continue;
    const errors = l.errorCount || 0, broken = l.brokenCount || 0;
    const colour = broken || errors ? "#b00020" : "#444";
    const dx = b.x - a.x, dy = b.y - a.y, len = Math.max(1, Math.hypot(dx, dy));
    const x1 = a.x + (dx / len) * 70, y1 = a.y + (dy / len) * 26, x2 = b.x - (dx / len) * 72, y2 = b.y - (dy / len) * 28;
    const words = [l.callCount + " call" + (l.callCount === 1 ? "" : "s")];
    if (errors) words.push(errors + " failed");
    if (broken) words.push(broken + " lost context");
    const g = svg("g", { class: "edge" + (broken ? " broken" : "") + (errors ? " failing" : ""), "data-parent": l.parent, "data-child": l.child, "data-broken": String(broken) });
    g.append(svg("title", {}, l.parent + " → " + l.child + ": " + words.join(", ") + (broken ? " (" + (l.hops || []).join(", ") + ")" : "")));
    g.append(svg("line", { x1, y1, x2, y2, stroke: colour, "stroke-width": String(2 + 4 * l.callCount / maxCalls),
      "stroke-dasharray": broken ? "10 6" : null, "marker-end": "url(#" + (broken ? "arrow-broken" : errors ? "arrow-error" : "arrow") + ")" }));
    // The label above the line (offset along its normal), the lost context on a line of its
    // own; a broken edge's label links to its first example.
    const nx = dy / len, ny = -dx / len;
    const mx = (x1 + x2) / 2 + nx * (broken ? 30 : 14), my = (y1 + y2) / 2 + ny * (broken ? 30 : 14);
    const label = svg("text", { x: String(mx), y: String(my), "text-anchor": "middle", fill: colour, class: "edge-label" });
    const counts = words.slice(0, errors ? 2 : 1).join(" · ");
    if (broken) {
      label.append(svg("tspan", { x: String(mx), dy: "-0.6em" }, counts));
      label.append(svg("tspan", { x: String(mx), dy: "1.2em", class: "lost" }, "✂ " + words[words.length - 1]));
    } else {
      label.textContent = counts;
    }
    const first = (l.brokenExamples || [])[0];
    if (first) {
      const a = svg("a", { href: "#/trace/" + first.traceID, class: "edge-link" });
      a.append(svg("title", {}, "open an example: trace " + first.traceID), label);
      g.append(a);
    } else {
      g.append(label);
    }
    root.append(g);
  }
  for (const n of names) {
    const p = pos[n];
    const g = svg("g", { class: "node", "data-service": n });
    const w = Math.max(120, n.length * 10 + 24);
    g.append(svg("rect", { x: String(p.x - w / 2), y: String(p.y - 22), width: String(w), height: "44", rx: "10", fill: serviceColour(n) }));
    g.append(svg("text", { x: String(p.x), y: String(p.y + 6), "text-anchor": "middle", fill: "#fff", "font-weight": "700" }, n));
    root.append(g);
  }
  return root;
}

// ---- course view: the lessons and the last run of each (GET /api/tracelab/course) ----
async function showCourse() {
  show("view-course");
  setStatus("course-status", "Loading the course…");
  let body;
  try {
    body = await getJSON("/api/tracelab/course");
  } catch (e) {
    setStatus("course-status", "Could not load the course: " + e.message, true);
    return;
  }
  renderCourse(body);
}
function renderCourse(body) {
  const list = $("lessons");
  list.replaceChildren();
  if (!body.courseDirectory) {
    setStatus("course-status", "This collector has no course: start the lab with `tracelab up` in the directory that holds scenarios/ (or run the collector with --course-dir DIR --course-results FILE).");
    return;
  }
  const lessons = body.lessons || [];
  const ran = lessons.filter((l) => l.result);
  const passed = ran.filter((l) => l.result.passed).length;
  let status = lessons.length + " lessons in " + body.courseDirectory + ". ";
  if (body.resultsError) status += body.resultsError;
  else if (!body.resultsFile) status += "No results file is configured (--course-results).";
  else if (!ran.length) status += "None has run on this lab yet: tracelab run scenarios/ --check-ui-verdicts";
  else status += ran.length + " ran on this lab, " + passed + " passed, " + (ran.length - passed) + " failed.";
  setStatus("course-status", status, !!body.resultsError);
  for (const lesson of lessons) list.append(lessonItem(lesson));
  for (const other of body.otherResults || []) {
    list.append(lessonItem({ file: other.file, name: other.name, lab: other.lab, title: other.lesson ? other.lesson.title : other.name,
      shows: null, lookAt: null, tryNext: null, result: other, outside: true }));
  }
}
function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }
function lessonState(lesson) {
  if (lesson.error) return { cls: "error", text: "file error" };
  if (!lesson.result) return { cls: "none", text: "not run" };
  if (lesson.result.error) return { cls: "error", text: "could not run" };
  return lesson.result.passed ? { cls: "ok", text: "PASS" } : { cls: "fail", text: "FAIL" };
}
function lessonItem(lesson) {
  const state = lessonState(lesson);
  const key = lesson.name || lesson.file;
  const item = el("li", { class: "lesson " + state.cls, id: "lesson-" + key, "data-lesson": key });
  const head = el("div", { class: "lesson-head" },
    el("span", { class: "lesson-state " + state.cls, text: state.text }),
    el("h2", { text: lesson.title }),
    el("span", { class: "lesson-file muted", text: lesson.file + (lesson.lab ? " · " + lesson.lab : "") + (lesson.outside ? " · not in the course directory" : "") }));
  item.append(head);
  if (lesson.error) item.append(el("p", { class: "error-text lesson-error", text: lesson.error }));
  const text = el("dl", { class: "lesson-text" });
  const put = (term, value) => { if (value) text.append(el("dt", { text: term }), el("dd", { text: value })); };
  put("What it shows", lesson.shows);
  put("What to look at", lesson.lookAt);
  put("Try next", lesson.tryNext);
  if (text.children.length) item.append(text);
  if (lesson.result) item.append(lessonResult(lesson.result));
  return item;
}
function lessonResult(result) {
  const box = el("div", { class: "lesson-result" });
  const when = result.finishedAt ? new Date(result.finishedAt).toLocaleString() : "at an unknown time";
  box.append(el("p", { class: "lesson-when" },
    el("strong", { text: "Last run: " }), when + " · " + (result.durationMillis / 1000).toFixed(1) + " s · "
      + (result.traffic ? plural(result.traffic.sent, "request") + " · " : "") + plural(result.traceCount, "trace")));
  if (result.error) box.append(el("p", { class: "error-text", text: "Could not run: " + result.error }));
  const results = (result.results || []).slice().sort((a, b) => (a.passed === b.passed ? 0 : a.passed ? 1 : -1));
  if (results.length) {
    const checks = el("ul", { class: "checks" });
    for (const r of results) {
      const li = el("li", { class: r.passed ? "pass" : "fail" },
        el("span", { class: "check-mark", text: r.passed ? "✔" : "✘", "aria-label": r.passed ? "passed" : "failed" }),
        " ", el("code", { text: r.field }), " — expected " + r.expected + "; seen " + r.seen);
      if (!r.passed && r.failures && r.failures.length) {
        const failures = el("ul", { class: "check-failures" });
        for (const f of r.failures) {
          failures.append(el("li", {}, f.traceID ? traceLink(f.traceID, shortID(f.traceID)) : "", f.traceID ? " " : "",
            f.hop ? el("span", { class: "hop", text: f.hop + ": " }) : "", "expected " + f.expected + ", seen " + f.seen));
        }
        if (r.failureCount > r.failures.length) failures.append(el("li", { class: "muted", text: "… " + (r.failureCount - r.failures.length) + " more" }));
        li.append(failures);
      }
      checks.append(li);
    }
    box.append(checks);
  }
  const examples = [["failingTrace", "an offending trace"], ["brokenTrace", "a broken trace"], ["goodTrace", "a complete trace"]]
    .filter(([k]) => result[k]).map(([k, label]) => el("li", {}, traceLink(result[k].traceID, label, "trace-link example-trace"), " — " + result[k].why));
  if (examples.length) box.append(el("ul", { class: "examples" }, ...examples));
  const traces = result.traces || [];
  if (traces.length) {
    const broken = traces.filter((t) => !t.complete);
    const details = el("details", { class: "lesson-traces" });
    details.append(el("summary", { text: "Traces the run verified: " + traces.length + " (" + (traces.length - broken.length) + " complete, " + broken.length + " broken)" }));
    const ordered = broken.concat(traces.filter((t) => t.complete));
    const links = el("ul", { class: "trace-list" });
    for (const t of ordered) {
      links.append(el("li", { class: t.complete ? "complete" : "broken" },
        el("span", { class: "marker " + (t.complete ? "ok" : "broken"), text: t.complete ? "complete" : "broken" }), " ",
        traceLink(t.traceID, t.traceID, "trace-link verified-trace"),
        t.breaks && t.breaks.length ? el("span", { class: "muted", text: " " + t.breaks.join("; ") }) : ""));
    }
    details.append(links);
    box.append(details);
  }
  return box;
}

// ---- routing ----
function show(id) {
  for (const v of ["view-search", "view-trace", "view-request", "view-deps", "view-course"]) $(v).hidden = v !== id;
  for (const [nav, view] of [["nav-search", "view-search"], ["nav-deps", "view-deps"], ["nav-course", "view-course"]]) {
    if (id === view) $(nav).setAttribute("aria-current", "page");
    else $(nav).removeAttribute("aria-current");
  }
}
function route() {
  let hash = location.hash.replace(/^#/, "");
  if (!hash && location.pathname.startsWith("/trace/")) hash = location.pathname;
  if (!hash && location.pathname.startsWith("/request/")) hash = location.pathname;
  if (!hash && location.pathname === "/dependencies") hash = "/dependencies";
  if (!hash && location.pathname === "/course") hash = "/course";
  const m = hash.match(/^\/trace\/([0-9a-fA-F]{1,32})/);
  if (m) return showTrace(m[1].toLowerCase());
  const r = hash.match(/^\/request\/([^/?#]+)/);
  if (r) return showRequest(decodeURIComponent(r[1]));
  if (hash.startsWith("/dependencies")) return showDependencies();
  if (hash.startsWith("/course")) return showCourse();
  show("view-search");
  loadServices().then(() => { if (!$("results").children.length) runSearch(); });
}
$("search").addEventListener("submit", runSearch);
$("q-service").addEventListener("change", loadSpanNames);
$("deps-form").addEventListener("submit", showDependencies);
$("goto").addEventListener("submit", (e) => {
  e.preventDefault();
  const id = $("goto-id").value.trim().toLowerCase();
  if (id) location.hash = "#/trace/" + id;
});
document.addEventListener("keydown", (e) => {
  if (e.key === "/" && !["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName)) {
    e.preventDefault();
    ($("view-search").hidden ? $("goto-id") : $("q-tag")).focus();
  }
});
window.addEventListener("hashchange", route);
route();
