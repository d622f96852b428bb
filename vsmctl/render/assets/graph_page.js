/* vsmctl's interactive graph page. Data: the JSON in #vsm-data (vsmctl/render/graph_page.py);
   layout: dagre (vendored). User text is only ever set as text, never parsed as markup. */
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const DATA = JSON.parse(document.getElementById("vsm-data").textContent);
  const $ = (id) => document.getElementById(id);
  const svg = $("graph");
  const viewport = $("viewport");
  const state = {pkg: null, selected: null, matches: [], matchIndex: -1, transform: {x: 0, y: 0, k: 1}};
  const layerIndex = new Map(DATA.layers.map((l, i) => [l, i]));
  const FILLS = ["#eef5ff", "#eefaf0", "#fff6e8", "#f5efff", "#fdeef0", "#eefafa"];

  function el(name, attrs, parent) {
    const node = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (parent) parent.appendChild(node);
    return node;
  }

  function option(select, value, label) {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    select.appendChild(o);
  }

  // ---- what to draw -------------------------------------------------------------------------
  function edgeClasses(e) {
    const breakers = $("show-breakers").checked;
    let status = e.status;
    if (status === "breaker" && !breakers) status = e.violation ? "violation" : "ok";
    const cls = ["edge", status];
    if (e.kind === DATA.type_checking) cls.push("typing");
    else if (e.kind === "function") cls.push("function");
    return cls.join(" ");
  }

  function keepEdge(e) {
    if (!$("show-typing").checked && e.kind === DATA.type_checking) return false;
    if (!$("show-function").checked && e.kind === "function") return false;
    const kind = $("filter-kind").value;
    if (kind && !(kind in (e.kinds || {[e.kind]: 1}))) return false;
    if ($("only-violations").checked && !(e.violation || e.status === "breaker")) return false;
    if ($("only-cycles").checked && !e.cyclic) return false;
    return true;
  }

  function packageGraph() {
    const layer = $("filter-layer").value;
    const focus = $("filter-package").value;
    let nodes = DATA.packages.filter((p) => !layer || p.layer === layer);
    let ids = new Set(nodes.map((p) => p.name));
    let edges = DATA.edges.filter((e) => ids.has(e.source) && ids.has(e.target) && keepEdge(e));
    if (focus) {
      edges = edges.filter((e) => e.source === focus || e.target === focus);
      const near = new Set([focus]);
      edges.forEach((e) => { near.add(e.source); near.add(e.target); });
      nodes = nodes.filter((p) => near.has(p.name));
      ids = near;
    }
    if ($("only-violations").checked || $("only-cycles").checked) {
      const touched = new Set();
      edges.forEach((e) => { touched.add(e.source); touched.add(e.target); });
      nodes = nodes.filter((p) => touched.has(p.name));
    }
    return {
      nodes: nodes.map((p) => ({id: p.name, label: p.name, layer: p.layer,
                                meta: `${p.layer} · ${p.modules} modules`, title: `${p.name} (${p.layer}): ` +
                                `${p.modules} modules, ${p.lines} lines, instability ${p.instability}`})),
      edges: edges.map((e) => ({...e, id: `${e.source}\u0000${e.target}`})),
    };
  }

  function moduleGraph(pkg) {
    const inside = new Map(DATA.modules.filter((m) => m.package === pkg).map((m) => [m.name, m]));
    const packageOf = new Map(DATA.modules.map((m) => [m.name, m.package]));
    const pkgEdge = new Map(DATA.edges.map((e) => [`${e.source}\u0000${e.target}`, e]));
    const nodes = [...inside.values()].map((m) => ({id: m.name, label: m.name, layer: pkg,
      meta: `${m.lines} lines`, title: `${m.name}: ${m.path}, ${m.lines} lines`}));
    const external = new Map();
    const edges = new Map();
    for (const e of DATA.module_edges) {
      const a = inside.has(e.source), b = inside.has(e.target);
      if (!a && !b) continue;
      // a module outside the package stands for its package: one node per other package
      const source = a ? e.source : `package ${packageOf.get(e.source) || "(none)"}`;
      const target = b ? e.target : `package ${packageOf.get(e.target) || "(none)"}`;
      if (!a) external.set(source, packageOf.get(e.source));
      if (!b) external.set(target, packageOf.get(e.target));
      const key = `${source}\u0000${target}`;
      const outer = pkgEdge.get(`${a ? pkg : packageOf.get(e.source)}\u0000${b ? pkg : packageOf.get(e.target)}`);
      const edge = edges.get(key) || {id: key, source, target, imports: 0, sites: [], kinds: {},
                                      status: a && b ? "ok" : (outer ? outer.status : "ok"),
                                      violation: !(a && b) && !!(outer && outer.violation),
                                      cyclic: !(a && b) && !!(outer && outer.cyclic)};
      edge.imports += e.imports;
      edge.sites.push(...e.sites);
      for (const s of e.sites) edge.kinds[s[3]] = (edge.kinds[s[3]] || 0) + 1;
      edges.set(key, edge);
    }
    for (const edge of edges.values()) {
      const order = ["plain", "function", DATA.type_checking, "compile", "export", "runtime"];
      edge.kind = order.find((k) => k in edge.kinds) || "plain";
    }
    for (const [id, p] of external) {
      nodes.push({id, label: p || "(no package)", layer: null, external: true, meta: "other package", title: id});
    }
    return {nodes, edges: [...edges.values()].filter(keepEdge)};
  }

  // ---- drawing ----------------------------------------------------------------------------------
  function nodeSize(n) {
    const showMeta = $("show-modules").checked;
    return {width: Math.max(110, Math.round(n.label.length * 7.3) + 26), height: showMeta ? 42 : 28};
  }

  function layout(graph) {
    const g = new dagre.graphlib.Graph();
    g.setGraph({rankdir: "TB", nodesep: 26, ranksep: 70, edgesep: 14, marginx: 20, marginy: 20});
    g.setDefaultEdgeLabel(() => ({}));
    for (const n of graph.nodes) g.setNode(n.id, nodeSize(n));
    for (const e of graph.edges) g.setEdge(e.source, e.target, {});
    dagre.layout(g);
    return g;
  }

  function drawNode(n, box, parent) {
    const cls = ["node"];
    if (n.external) cls.push("external");
    const g = el("g", {class: cls.join(" "), "data-id": n.id}, parent);
    el("title", {}, g).textContent = n.title;
    const rect = el("rect", {x: box.x - box.width / 2, y: box.y - box.height / 2, width: box.width,
                             height: box.height, rx: 8}, g);
    if (!n.external && n.layer !== null) rect.style.fill = FILLS[(layerIndex.get(n.layer) || 0) % FILLS.length];
    const showMeta = $("show-modules").checked;
    const name = el("text", {x: box.x, y: box.y + (showMeta ? -3 : 4)}, g);
    name.textContent = n.label;
    if (showMeta) {
      const meta = el("text", {x: box.x, y: box.y + 13, class: "meta"}, g);
      meta.textContent = n.meta;
    }
    g.addEventListener("dblclick", (ev) => { ev.stopPropagation(); if (!state.pkg && !n.external) drill(n.id); });
    g.addEventListener("click", (ev) => { ev.stopPropagation(); showNode(n); });
  }

  function drawEdge(e, points, parent) {
    const g = el("g", {class: "edge-group", "data-source": e.source, "data-target": e.target}, parent);
    const d = points.map((p, i) => `${i ? "L" : "M"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
    const cls = edgeClasses(e);
    const status = cls.split(" ")[1];
    el("path", {d, class: cls, "marker-end": `url(#arrow-${status})`}, g);
    const hit = el("path", {d, class: "edge-hit"}, g);
    el("title", {}, hit).textContent = `${e.source} → ${e.target}: ${e.imports} import(s) (${status}` +
      `${e.kind !== "plain" ? ", " + e.kind.replace("_", "-") : ""})`;
    if ($("show-counts").checked) {
      const mid = points[Math.floor(points.length / 2)];
      el("text", {x: mid.x, y: mid.y - 3, class: "edge-label"}, g).textContent = String(e.imports);
    }
    g.addEventListener("click", (ev) => { ev.stopPropagation(); showEdge(e, g); });
  }

  function render(keepView) {
    const graph = state.pkg ? moduleGraph(state.pkg) : packageGraph();
    state.graph = graph;
    const g = layout(graph);
    const edgesLayer = $("edges"), nodesLayer = $("nodes");
    edgesLayer.replaceChildren();
    nodesLayer.replaceChildren();
    for (const e of graph.edges) {
      const laid = g.edge(e.source, e.target);
      if (laid && laid.points) drawEdge(e, laid.points, edgesLayer);
    }
    for (const n of graph.nodes) drawNode(n, g.node(n.id), nodesLayer);
    $("back").hidden = !state.pkg;
    $("title").textContent = state.pkg ? `${state.pkg}: modules` : DATA.title;
    applySearch(false);
    if (!keepView) fit();
  }

  // ---- details panel ----------------------------------------------------------------------------
  function showEdge(e, group) {
    document.querySelectorAll(".edge-group.selected").forEach((x) => x.classList.remove("selected"));
    group.classList.add("selected");
    const status = edgeClasses(e).split(" ")[1];
    $("details-title").textContent = `${e.source} → ${e.target}`;
    const kinds = Object.entries(e.kinds || {}).map(([k, n]) => `${n} ${k.replace("_", "-")}`).join(", ");
    $("details-note").textContent = `${e.imports} import(s), ${status}${e.cyclic ? ", in a cycle" : ""}` +
      (kinds ? ` (${kinds})` : "");
    const list = $("sites");
    list.replaceChildren();
    for (const [file, line, text, kind, importer, imported] of e.sites) {
      const li = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = `${file}:${line}`;
      li.appendChild(code);
      li.appendChild(document.createTextNode(` ${importer} → ${imported}${kind !== "plain" ? " (" + kind + ")" : ""}`));
      const statement = document.createElement("span");
      statement.className = "statement";
      statement.textContent = text;
      li.appendChild(statement);
      list.appendChild(li);
    }
  }

  function showNode(n) {
    $("details-title").textContent = n.label;
    $("details-note").textContent = n.title + (state.pkg || n.external ? "" : " — double-click for its modules");
    $("sites").replaceChildren();
  }

  // ---- navigation: drill, search, zoom and pan ---------------------------------------------------
  function drill(pkg) {
    state.pkg = pkg;
    render(false);
  }

  function applySearch(center) {
    const q = $("search").value.trim().toLowerCase();
    const nodes = [...document.querySelectorAll("#nodes .node")];
    state.matches = q ? nodes.filter((n) => n.getAttribute("data-id").toLowerCase().includes(q)) : [];
    for (const n of nodes) {
      n.classList.toggle("match", state.matches.includes(n));
      n.classList.toggle("dim", !!q && !state.matches.includes(n));
    }
    if (center && state.matches.length) {
      state.matchIndex = (state.matchIndex + 1) % state.matches.length;
      centerOn(state.matches[state.matchIndex]);
    }
  }

  function setTransform(t) {
    state.transform = t;
    viewport.setAttribute("transform", `translate(${t.x},${t.y}) scale(${t.k})`);
  }

  function fit() {
    const box = viewport.getBBox();
    const w = svg.clientWidth || 800, h = svg.clientHeight || 600;
    if (!box.width || !box.height) return setTransform({x: 0, y: 0, k: 1});
    const k = Math.min(w / (box.width + 40), h / (box.height + 40), 1.5);
    setTransform({x: (w - box.width * k) / 2 - box.x * k, y: (h - box.height * k) / 2 - box.y * k, k});
  }

  function zoomAt(factor, px, py) {
    const t = state.transform;
    const k = Math.min(Math.max(t.k * factor, 0.05), 8);
    setTransform({x: px - (px - t.x) * (k / t.k), y: py - (py - t.y) * (k / t.k), k});
  }

  function centerOn(node) {
    const box = node.getBBox();
    const t = state.transform;
    const w = svg.clientWidth, h = svg.clientHeight;
    const k = Math.max(t.k, 1);
    setTransform({x: w / 2 - (box.x + box.width / 2) * k, y: h / 2 - (box.y + box.height / 2) * k, k});
  }

  function wirePanZoom() {
    svg.addEventListener("wheel", (ev) => {
      ev.preventDefault();
      const r = svg.getBoundingClientRect();
      zoomAt(Math.exp(-ev.deltaY * 0.0015), ev.clientX - r.left, ev.clientY - r.top);
    }, {passive: false});
    let drag = null;
    svg.addEventListener("pointerdown", (ev) => {
      if (ev.target.closest(".node, .edge-group")) return;
      drag = {x: ev.clientX, y: ev.clientY, t: state.transform};
      svg.classList.add("panning");
    });
    window.addEventListener("pointermove", (ev) => {
      if (!drag) return;
      setTransform({x: drag.t.x + ev.clientX - drag.x, y: drag.t.y + ev.clientY - drag.y, k: drag.t.k});
    });
    window.addEventListener("pointerup", () => { drag = null; svg.classList.remove("panning"); });
    const mid = () => [svg.clientWidth / 2, svg.clientHeight / 2];
    $("zoom-in").addEventListener("click", () => zoomAt(1.25, ...mid()));
    $("zoom-out").addEventListener("click", () => zoomAt(0.8, ...mid()));
    $("zoom-fit").addEventListener("click", fit);
  }

  // ---- set-up ------------------------------------------------------------------------------------
  function legend() {
    const samples = [["edge ok", "allowed"], ["edge violation", "breaks the roadmap"],
                     ["edge breaker", "cycle breaker (one of the fewest edges to cut)"],
                     ["edge ok typing", "TYPE_CHECKING only"], ["edge ok function", "function-level only"]];
    const p = $("legend");
    for (const [cls, label] of samples) {
      const item = document.createElement("span");
      item.className = "item";
      const s = el("svg", {width: 40, height: 10}, item);
      el("line", {x1: 2, y1: 5, x2: 38, y2: 5, class: cls}, s);
      item.appendChild(document.createTextNode(label));
      p.appendChild(item);
    }
  }

  function markers() {
    const defs = $("markers");
    for (const status of DATA.statuses) {
      // in user space: the arrowhead keeps its size whatever the stroke width of its edge
      const m = el("marker", {id: `arrow-${status}`, viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 9,
                              markerHeight: 9, markerUnits: "userSpaceOnUse", orient: "auto"}, defs);
      el("path", {d: "M0,0 L10,5 L0,10 z", fill: DATA.colours[status]}, m);
    }
  }

  function init() {
    const s = DATA.summary;
    $("summary").textContent = `${DATA.root}: ${s.modules} modules, ${s.imports} import statements, ` +
      `${s.cycles} import cycles, ${s.violations} roadmap violations; ${DATA.packages.length} packages`;
    DATA.layers.forEach((l) => option($("filter-layer"), l, l));
    DATA.packages.map((p) => p.name).sort().forEach((p) => option($("filter-package"), p, p));
    const kinds = new Set();
    DATA.edges.forEach((e) => Object.keys(e.kinds).forEach((k) => kinds.add(k)));
    [...kinds].forEach((k) => option($("filter-kind"), k, k.replace("_", "-")));
    legend();
    markers();
    for (const id of ["filter-layer", "filter-package", "filter-kind", "only-violations", "only-cycles",
                      "show-counts", "show-modules", "show-typing", "show-function", "show-breakers"]) {
      $(id).addEventListener("change", () => render(id.startsWith("show-") && id !== "show-typing" &&
                                                    id !== "show-function"));
    }
    $("search").addEventListener("input", () => applySearch(false));
    $("search").addEventListener("keydown", (ev) => { if (ev.key === "Enter") applySearch(true); });
    $("back").addEventListener("click", () => { state.pkg = null; render(false); });
    wirePanZoom();
    render(false);
    window.addEventListener("resize", fit);
  }

  init();
})();
