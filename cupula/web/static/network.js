// The network explorer: draws /api/graph with cytoscape.js; a double click (or the
// "Expand" button) adds a node's neighbours. Everything it shows comes from the API,
// so from the viewer's view. A node is a person of the viewer's fused network (unless
// the page was asked for records apart): drawn larger, with a thicker ring, the more
// partners hold a record of it; its records listed on demand (/api/entities/ID/members).
(function () {
  "use strict";
  const root = document.getElementById("graph");
  if (!root || typeof cytoscape === "undefined") return;
  const form = document.getElementById("filters");
  const status = document.getElementById("status");
  const details = document.getElementById("details");
  const text = JSON.parse(root.dataset.text);
  const COLOURS = { Person: "#3b6fb6", Company: "#e08a1e", Organization: "#8e44ad",
    LegalEntity: "#7f8c8d", BankAccount: "#2e7d32", Vessel: "#00838f" };
  const KIND_COLOURS = { communication: "#90a4ae", copresence: "#ab47bc", money: "#2e7d32",
    ownership: "#e08a1e", family: "#d81b60", membership: "#5d4037", associate: "#546e7a" };
  const cy = cytoscape({
    container: root,
    style: [
      { selector: "node", style: {
        "label": "data(label)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 3,
        "background-color": "data(colour)", "width": "data(size)", "height": "data(size)" } },
      { selector: "node[ring > 0]", style: { "border-width": "data(ring)", "border-color": "#1a4f9c" } },
      { selector: "node[?key_player]", style: { "border-width": 4, "border-color": "#c62828" } },
      { selector: "node[?seed]", style: { "font-weight": "bold", "font-size": 12 } },
      { selector: "node:selected", style: { "label": "data(name)", "overlay-opacity": 0.25,
        "overlay-color": "#1d2330" } },
      { selector: "edge", style: {
        "width": "data(width)", "line-color": "data(colour)", "curve-style": "bezier",
        "opacity": 0.75 } },
      { selector: "edge[?directed]", style: {
        "target-arrow-shape": "triangle", "target-arrow-color": "data(colour)" } },
    ],
  });
  window.cupulaGraph = cy; // for the browser tests and the curious
  const expanded = new Set();

  function params(entities, hops) {
    const p = new URLSearchParams();
    entities.forEach((e) => p.append("entity", e));
    p.set("hops", String(hops));
    const data = new FormData(form);
    for (const name of ["kind", "schema", "dataset"]) {
      data.getAll(name).forEach((v) => p.append(name, v));
    }
    for (const name of ["since", "until", "phase", "max_nodes"]) {
      if (data.get(name)) p.set(name, data.get(name));
    }
    if (root.dataset.purpose) p.set("purpose", root.dataset.purpose);
    if (root.dataset.unmerged) p.set("unmerged", "true");
    return p;
  }

  // Sizes and labels relative to the best drawn: the top of this picture stands out even
  // where every score is high; only the top LABELLED (and seeds, key players and the
  // selected node) carry their names, so that names stay readable. People are sized by
  // leader score; parties without one (companies, accounts) by the money through them,
  // so that a company at the hub of the payments is not a dot.
  const LABELLED = 15;
  const money = JSON.parse(root.dataset.money || "{}");
  function weightOf(n, best, bestMoney) {
    const score = (n.data("score") || 0) / best;
    const amount = Math.sqrt((money[n.id()] || 0) / bestMoney);
    return n.data("score") != null ? score : amount;
  }
  function restyle() {
    const nodes = cy.nodes();
    const best = Math.max(1e-9, ...nodes.map((n) => n.data("score") || 0));
    const bestMoney = Math.max(1e-9, ...nodes.map((n) => money[n.id()] || 0));
    const ranked = nodes.sort((a, b) => weightOf(b, best, bestMoney) - weightOf(a, best, bestMoney));
    const named = new Set(ranked.slice(0, LABELLED).map((n) => n.id()));
    nodes.forEach((n) => {
      const share = weightOf(n, best, bestMoney);
      // one step larger, and a thicker ring, for each partner beyond the first holding
      // a record of the person
      const partners = (n.data("partners") || []).length;
      const extra = Math.max(0, partners - 1);
      n.data("size", 12 + 48 * share * share + 10 * extra);
      n.data("ring", extra ? 2 + 2 * extra : 0);
      if (money[n.id()]) n.data("money", money[n.id()]);
      const show = named.has(n.id()) || n.data("seed") || n.data("key_player");
      n.data("label", show ? n.data("name") : "");
    });
  }

  function addAll(body) {
    const seeds = new Set(body.seeds);
    const fresh = [];
    for (const n of body.nodes) {
      if (cy.getElementById(n.id).length) continue;
      fresh.push({ group: "nodes", data: { ...n, seed: seeds.has(n.id),
        colour: COLOURS[n.schema] || "#7f8c8d", size: 20, label: n.name } });
    }
    for (const e of body.edges) {
      if (cy.getElementById(e.id).length) continue;
      fresh.push({ group: "edges", data: { ...e, colour: KIND_COLOURS[e.kind] || "#90a4ae",
        width: Math.min(1 + Math.log2(1 + e.count), 8) } });
    }
    cy.add(fresh);
    restyle();
    return fresh.length;
  }

  function report(body) {
    const left = body.truncated ? ` · ${body.truncated} ${text.left_out}` : "";
    status.className = "";
    const count = cy.nodes().length;
    const shown = (count === 1 ? text.shown_one : text.shown_other).replace(/^\S+/, String(count));
    status.textContent = `${shown}${left}`;
    root.dataset.nodes = String(cy.nodes().length);
    listNodes();
  }

  async function load(entities, hops, replace) {
    status.textContent = "…";
    const response = await fetch("/api/graph?" + params(entities, hops), { credentials: "same-origin" });
    const body = await response.json();
    if (!response.ok) {
      status.className = "error";
      status.textContent = body.detail || response.statusText;
      return;
    }
    if (replace) { cy.elements().remove(); expanded.clear(); }
    entities.forEach((e) => expanded.add(e));
    addAll(body);
    cy.layout({ name: "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 80 }).run();
    report(body);
  }

  function link(href, label, id) {
    const a = document.createElement("a");
    a.href = href; a.textContent = label; if (id) a.id = id;
    return a;
  }

  function show(node) {
    const d = node.data();
    const purpose = root.dataset.purpose ? "?purpose=" + encodeURIComponent(root.dataset.purpose) : "";
    const box = document.createElement("div");
    box.id = "selected";
    const h = document.createElement("h3");
    h.textContent = d.name;
    box.append(h);
    const p = document.createElement("p");
    p.className = "muted";
    const lang = document.documentElement.lang || "en";
    const decimals = { minimumFractionDigits: 2, maximumFractionDigits: 2 };
    const schema = (text.schemata && text.schemata[d.schema]) || d.schema;
    p.textContent = `${schema} · ${d.id} · ${text.ties}: ${d.ties}` +
      (d.score != null ? ` · ${text.score}: ${d.score.toLocaleString(lang, decimals)}` : "") +
      (d.money ? ` · ${text.money_through}: ${Math.round(d.money).toLocaleString(lang)}` : "") +
      (d.key_player ? ` · ${text.key}` : "") +
      (d.countries.length ? ` · ${d.countries.join(", ")}` : "");
    box.append(p);
    box.append(link("/entity/" + encodeURIComponent(d.id) + purpose, text.open, "open-selected"), " · ");
    const money = new URLSearchParams({ entity: d.id });
    if (root.dataset.purpose) money.set("purpose", root.dataset.purpose);
    box.append(link("/money?" + money, text.money), " ");
    const button = document.createElement("button");
    button.id = "expand";
    button.type = "button";
    button.textContent = text.expand;
    button.disabled = expanded.has(d.id);
    button.addEventListener("click", () => load([d.id], 1, false));
    box.append(button);
    if ((d.members || []).length > 1) box.append(recordsOf(d, purpose));
    const old = document.getElementById("selected");
    if (old) old.remove();
    details.prepend(box);
  }

  // The records fused into a person, asked for when wanted: each with its dataset and
  // marking, as the viewer may see them.
  function recordsOf(d, purpose) {
    const part = document.createElement("div");
    part.id = "records";
    const partners = d.partners.length;
    const label = (partners === 1 ? text.partners_one : text.partners_other)
      .replace(/^\S+/, String(partners));
    const button = document.createElement("button");
    button.id = "members";
    button.type = "button";
    button.textContent = `${text.records}: ${d.members.length} · ${label}`;
    button.addEventListener("click", async () => {
      button.disabled = true;
      const response = await fetch("/api/entities/" + encodeURIComponent(d.id) + "/members" +
        purpose, { credentials: "same-origin" });
      const body = await response.json();
      const list = document.createElement("ul");
      list.id = "member-list";
      if (!response.ok) {
        const li = document.createElement("li");
        li.className = "error"; li.textContent = body.detail || response.statusText;
        list.append(li);
      }
      for (const m of body.members || []) {
        const li = document.createElement("li");
        li.className = "member";
        li.dataset.id = m.id;
        li.append(link("/entity/" + encodeURIComponent(m.id) + purpose, m.caption));
        const info = document.createElement("div");
        info.className = "muted";
        info.textContent = `${m.id} · ${m.datasets.join(", ")}`;
        const marking = document.createElement("div");
        marking.className = "marking";
        marking.textContent = m.markings.join("; ");
        li.append(info, marking);
        list.append(li);
      }
      part.append(list);
    });
    part.append(button);
    return part;
  }

  function listNodes() {
    const list = document.getElementById("node-list");
    list.replaceChildren();
    const nodes = cy.nodes().sort((a, b) => (b.data("score") || 0) - (a.data("score") || 0));
    nodes.slice(0, 30).forEach((n) => {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button"; b.className = "node-pick"; b.dataset.id = n.id();
      b.textContent = n.data("name");
      if (n.data("key_player")) {
        const mark = document.createElement("span");
        mark.className = "flag"; mark.title = text.key; mark.textContent = " ●";
        b.append(mark);
      }
      b.addEventListener("click", () => { cy.$(":selected").unselect(); n.select(); show(n); });
      li.append(b);
      list.append(li);
    });
  }

  cy.on("tap", "node", (event) => show(event.target));
  cy.on("dbltap", "node", (event) => load([event.target.id()], 1, false));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const entity = document.getElementById("entity").value.trim();
    if (entity) load([entity], Number(document.getElementById("hops").value), true);
  });
  if (root.dataset.entity) load([root.dataset.entity], Number(root.dataset.hops || 1), true);
})();
