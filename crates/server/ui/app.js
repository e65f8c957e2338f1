// tern's web page: the live topology (polled change counter), a plan preview and a CDMI
// browser. Plain JavaScript, no dependency. Every text from the server is inserted with
// textContent or as an attribute value, never parsed as markup.
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const CDMI_VERSION = "1.1.1";
  const POLL_MS = 1000;
  const params = new URLSearchParams(window.location.search);
  const deployment = params.get("deployment") || "";
  const scopeQuery = deployment ? "?deployment=" + encodeURIComponent(deployment) : "";

  const state = {
    version: null,
    topology: null, // the last /ui/api/topology answer
    overlay: null, // the last plan preview's overlay
    selected: null, // graph key
    model: null, // nodes and edges as drawn
  };

  const $ = (id) => document.getElementById(id);

  // An HTML element; strings become text nodes.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    setAttrs(e, attrs);
    for (const c of children) {
      e.append(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return e;
  }

  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    setAttrs(e, attrs);
    return e;
  }

  function setAttrs(e, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) e.setAttribute(k, String(v));
    }
  }

  function clear(e) {
    while (e.firstChild) e.removeChild(e.firstChild);
  }

  // ---- talking to the server -------------------------------------------------------------

  function token() {
    return window.sessionStorage.getItem("tern.token") || "";
  }

  async function call(path, options) {
    const o = Object.assign({ headers: {} }, options || {});
    const t = token();
    if (t) o.headers["Authorization"] = "Bearer " + t;
    const response = await fetch(path, o);
    if (response.status === 401) {
      askToken();
      throw new Error("a token is needed");
    }
    return response;
  }

  function askToken() {
    const form = $("token-form");
    if (form.hidden) {
      form.hidden = false;
      $("token").focus();
    }
    status("error", "this server needs a token");
  }

  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    window.sessionStorage.setItem("tern.token", $("token").value);
    $("token").value = "";
    $("token-form").hidden = true;
    state.version = null;
    listDeployments();
    poll();
  });

  function status(kind, text) {
    const s = $("status");
    s.dataset.state = kind;
    s.textContent = text;
  }

  // ---- live topology ------------------------------------------------------------------------

  let polling = false;

  async function poll() {
    if (polling) return;
    polling = true;
    try {
      const r = await call("/ui/api/version" + scopeQuery);
      if (!r.ok) throw new Error("version: HTTP " + r.status);
      const v = (await r.json()).version;
      if (v !== state.version) await load();
      status("live", "live");
    } catch (e) {
      if ($("token-form").hidden) status("error", String(e.message || e));
    } finally {
      polling = false;
    }
  }

  async function load() {
    const r = await call("/ui/api/topology" + scopeQuery);
    const body = await r.json();
    if (!r.ok) throw new Error(body.error || "topology: HTTP " + r.status);
    state.topology = body;
    state.version = body.version;
    $("scope").textContent = body.deployment ? "deployment " + body.deployment : "whole server";
    const note = [body.note, body.truncated ? "only the first " + body.limit + " resources are shown" : null]
      .filter(Boolean)
      .join("; ");
    $("note").hidden = !note;
    $("note").textContent = note;
    draw();
  }

  function term(kind) {
    const i = String(kind || "").lastIndexOf("#");
    return i >= 0 ? kind.slice(i + 1) : String(kind || "");
  }

  function attr(entity, name) {
    const a = entity.attributes || {};
    return a[name] === undefined ? undefined : a[name];
  }

  // active / inactive / error / other, from the kind's state attribute.
  function stateOf(entity) {
    const t = term(entity.kind);
    let s = attr(entity, "occi." + t + ".state");
    if (s === undefined) {
      const key = Object.keys(entity.attributes || {}).find((k) => /^occi\.[a-z]+\.state$/.test(k));
      s = key ? entity.attributes[key] : undefined;
    }
    s = String(s === undefined ? "" : s).toLowerCase();
    if (s === "active" || s === "online") return "active";
    if (s === "inactive" || s === "offline") return "inactive";
    if (s === "error" || s === "degraded") return "error";
    return "other";
  }

  // The drawn model: runtime entities by location, with the preview's overlay merged in.
  function buildModel() {
    const nodes = new Map();
    const edges = new Map();
    const topo = state.topology ? state.topology.collection : { resources: [], links: [] };
    const addEdge = (l) => {
      const source = l.source && l.source.location;
      const target = l.target && l.target.location;
      edges.set(l.location, { key: l.location, entity: l, source, target, mark: "" });
    };
    for (const r of topo.resources || []) {
      nodes.set(r.location, { key: r.location, entity: r, mark: "" });
      for (const l of r.links || []) addEdge(l);
    }
    for (const l of topo.links || []) addEdge(l);
    const overlay = state.overlay;
    if (overlay) {
      for (const n of overlay.nodes) {
        const known = nodes.get(n.key);
        if (known) known.mark = n.mark;
        else if (n.mark === "new") {
          nodes.set(n.key, { key: n.key, entity: n, mark: "new" });
        }
        const shown = nodes.get(n.key);
        if (shown) shown.changes = n.changes;
      }
      for (const e of overlay.edges) {
        const known = edges.get(e.key);
        if (known) {
          known.mark = e.mark;
          known.changes = e.changes;
        } else if (e.mark === "new") {
          edges.set(e.key, { key: e.key, entity: e, source: e.source, target: e.target, mark: "new" });
        }
      }
    }
    // Ends outside the scope (a deployment's link to a shared network) are drawn too.
    for (const e of edges.values()) {
      for (const end of [e.source, e.target]) {
        if (end && !nodes.has(end)) {
          nodes.set(end, {
            key: end,
            entity: { kind: "", title: end, attributes: {} },
            mark: "",
            outside: true,
          });
        }
      }
    }
    return { nodes, edges };
  }

  const COLUMNS = { network: 0, compute: 1, storage: 2 };
  const COLUMN_WIDTH = 260;
  const ROW_HEIGHT = 72;
  const MARGIN = 40;

  // Layered layout: networks, computes, storage in columns (other kinds in a fourth),
  // each column sorted by title, computes ordered near the networks they use.
  function layout(model) {
    const columns = [[], [], [], []];
    for (const n of model.nodes.values()) {
      const t = term(n.entity.kind);
      columns[t in COLUMNS ? COLUMNS[t] : 3].push(n);
    }
    const name = (n) => String(n.entity.title || n.key);
    for (const c of columns) c.sort((a, b) => name(a).localeCompare(name(b)) || a.key.localeCompare(b.key));
    const used = columns.filter((c) => c.length > 0);
    let x = MARGIN;
    let height = 0;
    for (const c of used) {
      c.forEach((n, i) => {
        n.x = x + 60;
        n.y = MARGIN + i * ROW_HEIGHT + 20;
      });
      height = Math.max(height, c.length);
      x += COLUMN_WIDTH;
    }
    return { width: Math.max(x + MARGIN, 400), height: MARGIN * 2 + Math.max(height, 1) * ROW_HEIGHT };
  }

  function draw() {
    const model = buildModel();
    state.model = model;
    const size = layout(model);
    const g = $("graph");
    clear(g);
    setAttrs(g, {
      width: size.width,
      height: size.height,
      viewBox: "0 0 " + size.width + " " + size.height,
      "data-version": state.version || "",
      "data-nodes": model.nodes.size,
      "data-edges": model.edges.size,
      "data-preview": state.overlay ? "yes" : "no",
    });
    const edgeLayer = svg("g", { class: "edges" });
    const nodeLayer = svg("g", { class: "nodes" });
    g.append(edgeLayer, nodeLayer);
    for (const e of model.edges.values()) {
      const a = model.nodes.get(e.source);
      const b = model.nodes.get(e.target);
      if (!a || !b) continue;
      const group = svg("g", {
        class: "edge" + (state.selected === e.key ? " selected" : ""),
        "data-key": e.key,
        "data-kind": term(e.entity.kind),
        "data-source": e.source,
        "data-target": e.target,
        "data-state": stateOf(e.entity),
        "data-mark": e.mark,
      });
      const ends = { x1: a.x, y1: a.y, x2: b.x, y2: b.y };
      const title = svg("title", {});
      title.textContent = (e.entity.title || e.entity.id || e.key) + " (" + term(e.entity.kind) + ")";
      group.append(title, svg("line", Object.assign({ class: "line" }, ends)), svg("line", Object.assign({ class: "hit" }, ends)));
      group.addEventListener("click", () => select(e.key));
      edgeLayer.append(group);
    }
    for (const n of model.nodes.values()) {
      const t = term(n.entity.kind);
      const group = svg("g", {
        class: "node" + (state.selected === n.key ? " selected" : ""),
        "data-key": n.key,
        "data-kind": t || "outside",
        "data-state": n.outside ? "other" : stateOf(n.entity),
        "data-mark": n.mark,
        transform: "translate(" + n.x + "," + n.y + ")",
      });
      let shape;
      if (t === "network") shape = svg("rect", { class: "shape", x: -18, y: -12, width: 36, height: 24, rx: 12 });
      else if (t === "storage") shape = svg("rect", { class: "shape", x: -14, y: -16, width: 28, height: 32, rx: 4 });
      else shape = svg("rect", { class: "shape", x: -16, y: -16, width: 32, height: 32, rx: 2 });
      const ring = svg("rect", { class: "ring", x: -22, y: -22, width: 44, height: 44, rx: 6 });
      const label = svg("text", { class: "label", x: 26, y: -2 });
      label.textContent = n.entity.title || n.entity.id || n.key;
      const sub = svg("text", { class: "sub", x: 26, y: 12 });
      sub.textContent = n.outside ? "outside this view" : t + " " + n.key;
      group.append(ring, shape, label, sub);
      group.addEventListener("click", () => select(n.key));
      nodeLayer.append(group);
    }
    if (state.selected) showDetails(state.selected);
  }

  function select(key) {
    state.selected = key;
    for (const e of document.querySelectorAll("#graph .selected")) e.classList.remove("selected");
    for (const e of document.querySelectorAll("#graph [data-key]")) {
      if (e.getAttribute("data-key") === key) e.classList.add("selected");
    }
    showDetails(key);
    showTab("details");
  }

  function showDetails(key) {
    const model = state.model;
    if (!model) return;
    const item = model.nodes.get(key) || model.edges.get(key);
    const list = $("details-list");
    clear(list);
    if (!item) {
      $("details-title").textContent = "";
      return;
    }
    const e = item.entity;
    $("details-hint").hidden = true;
    $("details-title").textContent = e.title || e.id || key;
    const row = (name, value) => list.append(el("dt", {}, name), el("dd", {}, String(value)));
    row("location", key.startsWith("new:") ? key.slice(4) + " (to be created)" : key);
    if (e.id) row("id", e.id);
    if (e.kind) row("kind", e.kind);
    if (e.summary) row("summary", e.summary);
    if (item.mark) row("preview", item.mark);
    for (const c of item.changes || []) row("change", c);
    for (const m of e.mixins || []) row("mixin", m);
    if (e.source && e.source.location) row("source", e.source.location);
    if (e.target && e.target.location) row("target", e.target.location);
    if (typeof e.source === "string") row("source", e.source);
    if (typeof e.target === "string") row("target", e.target);
    for (const [name, value] of Object.entries(e.attributes || {})) {
      row(name, typeof value === "object" ? JSON.stringify(value) : value);
    }
    const device = attr(e, "occi.storagelink.deviceid");
    if (device) {
      const b = el("button", { type: "button", class: "link" }, "open its CDMI data object");
      b.addEventListener("click", () => cdmiOpen("/cdmi_objectid/" + encodeURIComponent(device)));
      list.append(el("dt", {}, "CDMI"), el("dd", {}, b));
    }
  }

  // ---- tabs ---------------------------------------------------------------------------------

  function showTab(name) {
    for (const b of document.querySelectorAll("#tabs button")) {
      b.classList.toggle("current", b.dataset.tab === name);
    }
    for (const p of document.querySelectorAll("[data-pane]")) p.hidden = p.dataset.pane !== name;
    if (name === "cdmi" && !cdmiShown) cdmiOpen("/");
  }

  for (const b of document.querySelectorAll("#tabs button")) {
    b.addEventListener("click", () => showTab(b.dataset.tab));
  }

  // ---- plan preview -------------------------------------------------------------------------

  let fileType = "";
  $("plan-file").addEventListener("change", async () => {
    const f = $("plan-file").files[0];
    if (!f) return;
    fileType = /\.(ovf|xml)$/i.test(f.name) ? "application/ovf+xml" : "";
    $("plan-target").value = await f.text();
  });

  $("plan-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const errors = $("plan-errors");
    clear(errors);
    const form = $("plan");
    form.dataset.state = "running";
    try {
      const headers = { "Content-Type": fileType || "text/plain; charset=utf-8" };
      const r = await call("/ui/api/plan" + scopeQuery, { method: "POST", headers, body: $("plan-target").value });
      const body = await r.json();
      if (!r.ok) {
        errors.append(el("li", {}, body.error || "HTTP " + r.status));
        for (const f of body.findings || []) errors.append(el("li", { "data-rule": f.rule || "" }, finding(f)));
        form.dataset.state = "refused";
        return;
      }
      state.overlay = body.overlay;
      showPlan(body);
      form.dataset.state = "shown";
      draw();
    } catch (e) {
      errors.append(el("li", {}, String(e.message || e)));
      form.dataset.state = "failed";
    }
  });

  $("plan-target").addEventListener("input", () => {
    fileType = "";
  });

  $("plan-clear").addEventListener("click", () => {
    state.overlay = null;
    clear($("plan-stages"));
    clear($("plan-errors"));
    $("plan-warnings").hidden = true;
    $("plan-diff").textContent = "";
    $("plan").dataset.state = "";
    draw();
  });

  function finding(f) {
    const where = [f.file, f.line, f.column].filter((x) => x !== undefined && x !== null).join(":");
    return (where ? where + ": " : "") + (f.severity || "error") + "[" + (f.rule || "") + "]: " + (f.message || "");
  }

  function showPlan(body) {
    const list = $("plan-stages");
    clear(list);
    body.stages.forEach((stage, i) => {
      const ops = el("ul", {});
      for (const op of stage) {
        const action = op.action ? "?action=" + term(op.action) : "";
        ops.append(el("li", { "data-op": op.op }, op.method + " " + op.location + action + " — " + op.reason));
      }
      list.append(el("li", { "data-stage": i + 1 }, "stage " + (i + 1), ops));
    });
    if (body.stages.length === 0) list.append(el("li", {}, "nothing to do"));
    $("plan-diff").textContent = body.diffText || "";
    const warnings = body.warnings || [];
    const box = $("plan-warnings");
    const list2 = box.querySelector("ul");
    clear(list2);
    for (const w of warnings) list2.append(el("li", { "data-rule": w.rule || "" }, finding(w)));
    box.querySelector("summary").textContent = warnings.length + (warnings.length === 1 ? " note" : " notes") + " on the target";
    box.hidden = warnings.length === 0;
    if (body.note) $("plan-errors").append(el("li", {}, body.note));
  }

  // ---- CDMI browser -------------------------------------------------------------------------

  let cdmiShown = false;

  async function cdmiOpen(path) {
    cdmiShown = true;
    showTab("cdmi");
    $("cdmi-error").textContent = "";
    const container = path.endsWith("/");
    const fields = container ? "" : "?objectType;objectID;objectName;parentURI;parentID;metadata;mimetype";
    try {
      const r = await call(path + fields, {
        headers: {
          "X-CDMI-Specification-Version": CDMI_VERSION,
          Accept: container ? "application/cdmi-container" : "application/cdmi-object",
        },
      });
      const body = await r.json();
      if (!r.ok) throw new Error(body.error || "HTTP " + r.status);
      showCdmi(path, body);
    } catch (e) {
      $("cdmi-error").textContent = path + ": " + String(e.message || e);
    }
  }

  function showCdmi(path, body) {
    const where = body.parentURI && body.objectName ? body.parentURI + body.objectName : path;
    $("cdmi-path").textContent = where;
    $("cdmi-path").dataset.path = where;
    const children = $("cdmi-children");
    clear(children);
    if (body.parentURI) {
      const up = el("button", { type: "button", class: "link" }, "↑ " + body.parentURI);
      up.addEventListener("click", () => cdmiOpen(body.parentURI));
      children.append(el("li", {}, up));
    }
    for (const child of body.children || []) {
      const b = el("button", { type: "button", class: "link", "data-child": child }, child);
      b.addEventListener("click", () => cdmiOpen(where + child));
      children.append(el("li", {}, b));
    }
    $("cdmi-object-title").textContent = body.objectType || "";
    const list = $("cdmi-object");
    clear(list);
    const row = (name, value) => list.append(el("dt", {}, name), el("dd", {}, String(value)));
    row("objectID", body.objectID || "");
    if (body.mimetype) row("mimetype", body.mimetype);
    for (const [name, value] of Object.entries(body.metadata || {})) {
      row(name, typeof value === "object" ? JSON.stringify(value) : value);
    }
    // The OCCI resources using the object (the reverse links the bridge keeps).
    const users = $("cdmi-users");
    clear(users);
    const meta = body.metadata || {};
    const using = [].concat(meta.tern_occi_storage || [], meta.tern_occi_computes || []);
    for (const location of using) {
      const b = el("button", { type: "button", class: "link", "data-location": location }, "used by " + location);
      b.addEventListener("click", () => select(String(location)));
      users.append(el("li", {}, b));
    }
  }

  // ---- deployments ----------------------------------------------------------------------------

  // The mixin collections under /deployments/ (the query interface lists them).
  async function listDeployments() {
    try {
      const r = await call("/-/", { headers: { Accept: "application/occi+json" } });
      if (!r.ok) return;
      const body = await r.json();
      const select = $("deployment");
      const names = (body.mixins || [])
        .map((m) => /^\/deployments\/([^/]+)\/$/.exec(String(m.location || "")))
        .filter(Boolean)
        .map((m) => decodeURIComponent(m[1]))
        .sort();
      if (deployment && !names.includes(deployment)) names.push(deployment);
      while (select.options.length > 1) select.remove(1);
      for (const name of names) select.append(el("option", { value: name }, name));
      select.value = deployment;
    } catch (e) {
      // The selector stays with the whole server; the status line says what failed.
    }
  }

  $("deployment").addEventListener("change", () => {
    const name = $("deployment").value;
    window.location.search = name ? "?deployment=" + encodeURIComponent(name) : "";
  });

  // ---- start --------------------------------------------------------------------------------

  listDeployments();
  poll();
  window.setInterval(poll, POLL_MS);
})();
