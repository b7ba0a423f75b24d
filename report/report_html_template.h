#pragma once
// The HTML report's page: everything it needs is inline, so it opens from a
// CI artifact or a mail attachment with no network. The report's JSON
// replaces {{REPORT_JSON}}; the script computes every total it shows from
// that tree, so the page is a second, independent sum of the attribution.

namespace romfit::report {

inline constexpr const char *kReportHtmlDataPlaceholder = "{{REPORT_JSON}}";

inline constexpr const char *kReportHtmlTemplate = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>romfit report</title>
<style>
:root {
  --ink: #1c2230; --muted: #5d6678; --line: #dde1e8; --paper: #f3f4f7; --card: #fff;
  --fits: #1e7b3c; --over: #b4261d;
}
* { box-sizing: border-box; }
body {
  margin: 0; color: var(--ink); background: var(--paper);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif;
}
.mono { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, monospace; }
header.page {
  background: var(--ink); color: #fff; padding: 12px 24px;
  display: flex; align-items: baseline; gap: 14px;
}
header.page h1 { margin: 0; font-size: 17px; font-weight: 600; }
header.page .summary { color: #aeb6c5; font-size: 13px; }
main { max-width: 1280px; margin: 0 auto; padding: 16px 20px 40px; }
section.rom {
  background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 14px 18px 18px; margin-bottom: 18px;
}
section.rom h2 { margin: 0 0 6px; font-size: 15px; word-break: break-all; }
.budget { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 18px; }
.budget strong { font-variant-numeric: tabular-nums; }
.verdict { font-weight: 700; color: #fff; padding: 1px 10px; border-radius: 999px; font-size: 12px; letter-spacing: .04em; }
.verdict.fits { background: var(--fits); }
.verdict.over { background: var(--over); }
.meter { height: 6px; background: #e5e8ee; border-radius: 3px; overflow: hidden; margin: 8px 0 2px; }
.meter > div { height: 100%; background: var(--fits); }
.meter.over > div { background: var(--over); }
ul.notes { margin: 6px 0 0; padding-left: 18px; color: var(--muted); font-size: 13px; }
.layout { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 16px; margin-top: 12px; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid #edf0f4; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; border-bottom: 2px solid var(--line); white-space: nowrap; }
.num { text-align: right; white-space: nowrap; }
table.images td, table.images th { padding: 3px 6px; font-size: 12.5px; white-space: nowrap; }
table.images tfoot td { font-weight: 600; border-bottom: 0; border-top: 2px solid var(--line); }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
nav.crumbs { display: flex; flex-wrap: wrap; align-items: center; gap: 2px; margin-bottom: 6px; font-size: 13px; }
nav.crumbs button {
  font: inherit; border: 0; background: none; color: #24549e; padding: 1px 4px; border-radius: 3px; cursor: pointer;
}
nav.crumbs button:hover { background: #e8eef8; }
nav.crumbs button[aria-current] { color: var(--ink); font-weight: 600; cursor: default; background: none; }
nav.crumbs .sep { color: #a0a7b4; }
.map { position: relative; height: 440px; background: #e9ecf1; border-radius: 4px; overflow: hidden; user-select: none; }
.map .empty { position: absolute; inset: 0; display: grid; place-items: center; color: var(--muted); }
.box {
  position: absolute; overflow: hidden; border: 1px solid rgba(255, 255, 255, .85);
  padding: 1px 4px; font-size: 11px; line-height: 14px; color: #10151f; cursor: pointer;
}
.box.parent { white-space: nowrap; text-overflow: ellipsis; }
.box.leaf > span { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.box.overhead { background-image: repeating-linear-gradient(135deg, rgba(255, 255, 255, .45) 0 3px, transparent 3px 7px); }
.box:hover { box-shadow: inset 0 0 0 2px var(--ink); }
.box .size { color: rgba(16, 21, 31, .62); margin-left: 5px; }
.box.leaf .size { margin-left: 0; }
.rows-head { display: flex; align-items: baseline; justify-content: space-between; margin: 16px 0 4px; }
.rows-head h3 { margin: 0; font-size: 14px; }
.rows-head label { font-size: 12.5px; color: var(--muted); }
.rows-scroll { max-height: 460px; overflow: auto; border: 1px solid var(--line); border-radius: 4px; }
table.rows th { position: sticky; top: 0; background: #fafbfc; cursor: pointer; user-select: none; }
table.rows th:hover { color: var(--ink); }
table.rows th[aria-sort="ascending"]::after { content: " \25B2"; font-size: 9px; }
table.rows th[aria-sort="descending"]::after { content: " \25BC"; font-size: 9px; }
table.rows td.name { overflow-wrap: anywhere; }
table.rows td.name button { font: inherit; color: #24549e; background: none; border: 0; padding: 0; cursor: pointer; text-align: left; }
table.rows td.kind { color: var(--muted); }
table.rows tr.overhead td { color: var(--muted); }
table.rows tfoot td { font-weight: 600; border-top: 2px solid var(--line); position: sticky; bottom: 0; background: #fafbfc; }
section.overview { padding: 10px 18px; }
section.overview td a { color: #24549e; text-decoration: none; }
section.overview td a:hover { text-decoration: underline; }
.error { background: #fdecea; color: var(--over); padding: 10px 14px; border-radius: 6px; margin: 16px 20px; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header class="page"><h1>romfit report</h1><span class="summary" id="summary"></span></header>
<main id="roms"></main>
<script type="application/json" id="report-data">{{REPORT_JSON}}</script>
<script>
"use strict";
window.addEventListener("error", function (event) {
  document.body.dataset.error = String(event.message);
  const box = document.createElement("p");
  box.className = "error";
  box.textContent = "The report page failed: " + event.message;
  document.body.prepend(box);
});

(function () {
  const report = JSON.parse(document.getElementById("report-data").textContent);
  const imageHues = [212, 150, 28, 276, 352, 186, 46, 318];
  // Nesting shows this many levels below the zoomed row; deeper rows are a
  // click away, which keeps the page quick for ROMs with thousands of symbols.
  const nestedLevels = 3;
  const headerHeight = 16, inset = 2;

  function grouped(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function human(n) {
    if (n < 1024) return n + " B";
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KiB";
    return (n / (1024 * 1024)).toFixed(2) + " MiB";
  }
  function percent(fraction) { return (100 * fraction).toFixed(1) + "%"; }

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {}))
      node.setAttribute(name, value);
    for (const child of children)
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }

  // Links every row to its parent and image and numbers it, so boxes and
  // table rows can name the row they stand for.
  function indexRows(root) {
    const rows = [];
    (function walk(row, parent, depth, image) {
      row.children = row.children || [];
      row.parent = parent;
      row.depth = depth;
      row.image = image;
      row.id = rows.length;
      rows.push(row);
      for (const child of row.children)
        walk(child, row, depth + 1, depth === 0 ? child : image);
    })(root, null, 0, root);
    root.children.forEach(function (image, index) { image.hue = imageHues[index % imageHues.length]; });
    // The JSON gives an image its share of itself; against the ROM says more.
    for (const row of rows)
      row.shownShare = row.depth > 1 ? row.share : root.compressed ? row.compressed / root.compressed : 0;
    return rows;
  }

  // Sums the leaves rather than trusting each parent's own numbers: the
  // page's totals are then an independent check of the tree.
  function leafTotals(row) {
    if (!row.children.length) return { raw: row.raw, compressed: row.compressed };
    const sum = { raw: 0, compressed: 0 };
    for (const child of row.children) {
      const part = leafTotals(child);
      sum.raw += part.raw;
      sum.compressed += part.compressed;
    }
    return sum;
  }

  // Hue says which image a row belongs to; lightness how deep it sits below
  // `top` (by default the ROM, in the map the zoomed row), so the outermost
  // boxes on screen are always the strongest.
  function colourOf(row, top) {
    const level = Math.min(row.depth - (top ? top.depth : 0), 4);
    if (row.kind === "overhead") return "hsl(220, 9%, " + (70 + 4 * level) + "%)";
    if (row.depth === 0) return "hsl(220, 12%, 78%)";
    const lightness = [0, 56, 68, 78, 85][level];
    return "hsl(" + row.image.hue + ", 52%, " + lightness + "%)";
  }

  function pathOf(row) {
    const names = [];
    for (let at = row; at; at = at.parent) names.unshift(at.name);
    return names;
  }

  function tooltipOf(row) {
    return row.name + "\n" + pathOf(row).slice(0, -1).join(" / ") + "\n" + row.kind +
      "\nraw " + grouped(row.raw) + " B\ncompressed " + grouped(row.compressed) + " B" +
      "\nshare " + percent(row.shownShare) + (row.depth > 1 ? " of " + row.image.name : " of the ROM");
  }

  // Squarified treemap (Bruls, Huizing, van Wijk): rows of boxes laid along
  // the shorter side, each row grown while that keeps its boxes squarer.
  function squarify(values, x, y, width, height) {
    const total = values.reduce(function (a, b) { return a + b; }, 0);
    if (!(total > 0) || width <= 0 || height <= 0) return [];
    const areas = values.map(function (value) { return value * width * height / total; });
    function worstAspect(sum, largest, smallest, side) {
      const side2 = side * side, sum2 = sum * sum;
      return Math.max(side2 * largest / sum2, sum2 / (side2 * smallest));
    }
    const rects = [];
    let start = 0;
    while (start < areas.length) {
      const side = Math.min(width, height);
      let end = start + 1, sum = areas[start];
      let worst = worstAspect(sum, areas[start], areas[start], side);
      for (; end < areas.length; ++end) {
        const candidate = worstAspect(sum + areas[end], areas[start], areas[end], side);
        if (candidate > worst) break;
        worst = candidate;
        sum += areas[end];
      }
      const thickness = sum / side;
      let offset = 0;
      for (let i = start; i < end; ++i) {
        const length = areas[i] / thickness;
        rects.push(width >= height
          ? { x: x, y: y + offset, width: thickness, height: length }
          : { x: x + offset, y: y, width: length, height: thickness });
        offset += length;
      }
      if (width >= height) { x += thickness; width -= thickness; }
      else { y += thickness; height -= thickness; }
      start = end;
    }
    return rects;
  }

  function visibleChildren(row) {
    return row.children.filter(function (child) { return child.compressed > 0; })
      .sort(function (a, b) { return b.compressed - a.compressed; });
  }

  function RomView(entry, index) {
    this.entry = entry;
    this.rows = indexRows(entry.root);
    this.zoom = entry.root;
    this.sortKey = "compressed";
    this.sortDescending = true;
    this.allLevels = false;
    this.section = element("section", { class: "rom", id: "rom-" + index, "data-rom": index });
    this.buildHeader(index);
    const layout = element("div", { class: "layout" });
    const left = element("div");
    this.crumbs = element("nav", { class: "crumbs", "aria-label": "zoom" });
    this.map = element("div", { class: "map", role: "img", "aria-label": "treemap of " + entry.path });
    left.append(this.crumbs, this.map);
    layout.append(left, this.buildImageTable(index));
    this.section.append(layout, this.buildRowsTable());
    const view = this;
    this.map.addEventListener("click", function (event) {
      const box = event.target.closest(".box");
      if (!box) return;
      const row = view.rows[Number(box.dataset.row)];
      view.zoomTo(row.children.length ? row : row.parent);
    });
  }

  RomView.prototype.buildHeader = function (index) {
    const entry = this.entry, budget = entry.budget;
    const fits = budget.fits;
    const used = budget.budget ? budget.used / budget.budget : 0;
    const room = budget.headroom >= 0
      ? ["headroom ", element("strong", {}, grouped(budget.headroom) + " B")]
      : [element("strong", {}, grouped(-budget.headroom) + " B"), " over"];
    const line = element("div", { class: "budget", "data-budget": budget.budget, "data-used": budget.used },
      element("span", {}, "used ", element("strong", {}, grouped(budget.used) + " B"), " of ",
        element("strong", {}, grouped(budget.budget) + " B"), " (" + percent(used) + ")"),
      element("span", {}, ...room),
      element("span", {}, "BAR ", element("strong", {}, human(budget.bar_size))),
      element("span", { class: "verdict " + (fits ? "fits" : "over") }, fits ? "FITS" : "OVER BUDGET"));
    const meter = element("div", { class: "meter" + (fits ? "" : " over") }, element("div"));
    meter.firstChild.style.width = Math.min(100, 100 * used).toFixed(2) + "%";
    this.section.append(element("h2", { class: "mono" }, entry.path), line, meter);
    if (entry.notes.length) {
      const notes = element("ul", { class: "notes" });
      for (const note of entry.notes) notes.append(element("li", {}, note));
      this.section.append(notes);
    }
  };

  RomView.prototype.buildImageTable = function (index) {
    const root = this.entry.root;
    const table = element("table", { class: "images" },
      element("thead", {}, element("tr", {}, element("th", {}, "image"),
        element("th", { class: "num" }, "raw"), element("th", { class: "num" }, "compressed"),
        element("th", { class: "num" }, "share"))));
    const body = element("tbody");
    for (const image of root.children) {
      const totals = leafTotals(image);
      const swatch = element("span", { class: "swatch" });
      swatch.style.background = colourOf(image);
      body.append(element("tr", {
        "data-scope": "image", "data-rom": index, "data-image": image.name,
        "data-total-raw": totals.raw, "data-total-compressed": totals.compressed },
        element("td", { class: "mono", title: image.kind }, swatch, image.name),
        element("td", { class: "num" }, grouped(totals.raw)),
        element("td", { class: "num" }, grouped(totals.compressed)),
        element("td", { class: "num" }, percent(root.compressed ? totals.compressed / root.compressed : 0))));
    }
    const totals = leafTotals(root);
    const foot = element("tfoot", {}, element("tr", {
      "data-scope": "rom", "data-rom": index, "data-path": this.entry.path,
      "data-total-raw": totals.raw, "data-total-compressed": totals.compressed },
      element("td", {}, "ROM"), element("td", { class: "num" }, grouped(totals.raw)),
      element("td", { class: "num" }, grouped(totals.compressed)), element("td", { class: "num" }, "100.0%")));
    table.append(body, foot);
    return element("div", {}, table);
  };

  RomView.prototype.buildRowsTable = function () {
    const view = this;
    this.rowsTitle = element("h3");
    const toggle = element("input", { type: "checkbox" });
    toggle.addEventListener("change", function () { view.allLevels = toggle.checked; view.drawTable(); });
    const columns = [["name", "name", ""], ["kind", "kind", ""], ["raw", "raw bytes", "num"],
                     ["compressed", "compressed bytes", "num"], ["shownShare", "share", "num"]];
    const headRow = element("tr");
    this.headers = {};
    for (const [key, label, style] of columns) {
      const th = element("th", { class: style, "data-key": key, title: "sort by " + label +
        (key === "shownShare" ? " (of the row's image; an image's of the ROM)" : "") }, label);
      th.addEventListener("click", function () {
        if (view.sortKey === key) view.sortDescending = !view.sortDescending;
        else { view.sortKey = key; view.sortDescending = key !== "name" && key !== "kind"; }
        view.drawTable();
      });
      this.headers[key] = th;
      headRow.append(th);
    }
    this.tableBody = element("tbody");
    this.tableFoot = element("tfoot");
    const table = element("table", { class: "rows" }, element("thead", {}, headRow), this.tableBody, this.tableFoot);
    return element("div", {},
      element("div", { class: "rows-head" }, this.rowsTitle, element("label", {}, toggle, " every level below")),
      element("div", { class: "rows-scroll" }, table));
  };

  RomView.prototype.zoomTo = function (row) {
    if (!row || row === this.zoom) return;
    this.zoom = row;
    this.draw();
  };

  RomView.prototype.draw = function () {
    this.drawCrumbs();
    this.drawMap();
    this.drawTable();
  };

  RomView.prototype.drawCrumbs = function () {
    const view = this;
    this.crumbs.textContent = "";
    const chain = [];
    for (let at = this.zoom; at; at = at.parent) chain.unshift(at);
    chain.forEach(function (row, position) {
      if (position) view.crumbs.append(element("span", { class: "sep" }, "\u203A"));
      const label = position ? row.name : "ROM";
      const button = element("button", { type: "button", title: tooltipOf(row) }, label);
      if (row === view.zoom) button.setAttribute("aria-current", "location");
      else button.addEventListener("click", function () { view.zoomTo(row); });
      view.crumbs.append(button);
    });
    this.crumbs.append(element("span", { class: "sep" },
      "\u00A0 " + human(this.zoom.compressed) + " compressed, " + human(this.zoom.raw) + " raw"));
  };

  RomView.prototype.drawMap = function () {
    const map = this.map;
    map.textContent = "";
    const width = map.clientWidth, height = map.clientHeight;
    if (!visibleChildren(this.zoom).length) {
      map.append(element("div", { class: "empty" }, "nothing below this row occupies ROM bytes"));
      return;
    }
    const view = this;
    (function layOut(row, x, y, w, h, level) {
      const children = visibleChildren(row);
      const rects = squarify(children.map(function (child) { return child.compressed; }), x, y, w, h);
      rects.forEach(function (rect, i) {
        const child = children[i];
        if (rect.width < 1 || rect.height < 1) return;
        const nests = level + 1 < nestedLevels && visibleChildren(child).length > 0 &&
          rect.width > 40 && rect.height > headerHeight + 24;
        const box = element("div", {
          class: "box " + (nests ? "parent" : "leaf") + (child.kind === "overhead" ? " overhead" : ""),
          "data-row": child.id, title: tooltipOf(child) });
        // Percentages, so the map still fits if the viewport changes before
        // the resize handler runs (a headless screenshot does not wait).
        box.style.left = (100 * rect.x / width) + "%";
        box.style.top = (100 * rect.y / height) + "%";
        box.style.width = (100 * rect.width / width) + "%";
        box.style.height = (100 * rect.height / height) + "%";
        box.style.backgroundColor = colourOf(child, view.zoom);
        if (rect.width > 34 && rect.height > 14)
          box.append(element("span", {}, child.name));
        if (rect.width > 34 && (nests ? rect.height > 14 : rect.height > 30))
          box.append(element("span", { class: "size" }, human(child.compressed)));
        map.append(box);
        if (nests)
          layOut(child, rect.x + inset, rect.y + headerHeight, rect.width - 2 * inset,
                 rect.height - headerHeight - inset, level + 1);
      });
    })(this.zoom, 0, 0, width, height, 0);
  };

  RomView.prototype.listedRows = function () {
    if (!this.allLevels) return this.zoom.children.slice();
    const rows = [];
    (function collect(row) {
      for (const child of row.children) { rows.push(child); collect(child); }
    })(this.zoom);
    return rows;
  };

  RomView.prototype.drawTable = function () {
    const view = this, key = this.sortKey, direction = this.sortDescending ? -1 : 1;
    const rows = this.listedRows();
    rows.sort(function (a, b) {
      const left = a[key], right = b[key];
      const order = typeof left === "string" ? left.localeCompare(right) : left - right;
      return direction * order || b.compressed - a.compressed || a.id - b.id;
    });
    for (const [name, th] of Object.entries(this.headers)) {
      if (name === key) th.setAttribute("aria-sort", this.sortDescending ? "descending" : "ascending");
      else th.removeAttribute("aria-sort");
    }
    this.rowsTitle.textContent = (this.allLevels ? "Every row under " : "Rows directly under ") +
      (this.zoom.parent ? this.zoom.name : "the ROM");
    const body = element("tbody");
    for (const row of rows) {
      const label = this.allLevels ? pathOf(row).slice(this.zoom.depth + 1).join(" / ") : row.name;
      const name = row.children.length ? element("button", { type: "button", title: "zoom into " + row.name }, label) : label;
      if (row.children.length)
        name.addEventListener("click", function () { view.zoomTo(row); });
      const swatch = element("span", { class: "swatch" });
      swatch.style.background = colourOf(row);
      body.append(element("tr", { class: row.kind === "overhead" ? "overhead" : "", title: tooltipOf(row) },
        element("td", { class: "name mono" }, swatch, name),
        element("td", { class: "kind" }, row.kind),
        element("td", { class: "num" }, grouped(row.raw)),
        element("td", { class: "num" }, grouped(row.compressed)),
        element("td", { class: "num" }, percent(row.shownShare))));
    }
    this.tableBody.replaceWith(body);
    this.tableBody = body;
    let raw = 0, compressed = 0;
    if (!this.allLevels) for (const row of rows) { raw += row.raw; compressed += row.compressed; }
    this.tableFoot.textContent = "";
    this.tableFoot.append(element("tr", {},
      element("td", {}, rows.length + " rows"), element("td"),
      element("td", { class: "num" }, this.allLevels ? "" : grouped(raw)),
      element("td", { class: "num" }, this.allLevels ? "" : grouped(compressed)), element("td")));
  };

  // A directory's worth of ROMs: one line each, linking to its section.
  function overview(roms) {
    const body = element("tbody");
    roms.forEach(function (entry, index) {
      const budget = entry.budget;
      body.append(element("tr", {},
        element("td", { class: "mono" }, element("a", { href: "#rom-" + index }, entry.path)),
        element("td", { class: "num" }, grouped(budget.used)),
        element("td", { class: "num" }, budget.headroom >= 0 ? grouped(budget.headroom) : "-" + grouped(-budget.headroom)),
        element("td", { class: "num" }, human(budget.bar_size)),
        element("td", {}, element("span", { class: "verdict " + (budget.fits ? "fits" : "over") },
          budget.fits ? "FITS" : "OVER"))));
    });
    const head = element("tr", {}, element("th", {}, "ROM"), element("th", { class: "num" }, "used bytes"),
      element("th", { class: "num" }, "headroom"), element("th", { class: "num" }, "BAR"), element("th", {}, ""));
    return element("section", { class: "rom overview" },
      element("table", {}, element("thead", {}, head), body));
  }

  const views = report.roms.map(function (entry, index) { return new RomView(entry, index); });
  const container = document.getElementById("roms");
  if (report.roms.length > 1) container.append(overview(report.roms));
  for (const view of views) container.append(view.section);
  for (const view of views) view.draw();
  const over = report.roms.filter(function (entry) { return !entry.budget.fits; }).length;
  document.getElementById("summary").textContent = report.roms.length +
    (report.roms.length === 1 ? " ROM" : " ROMs") + (over ? ", " + over + " over budget" : ", all within budget");
  if (report.roms.length === 1) document.title = "romfit report: " + report.roms[0].path;

  let resizeTimer = 0;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { for (const view of views) view.drawMap(); }, 100);
  });
  document.body.dataset.rendered = "true";
})();
</script>
</body>
</html>
)html";

} // namespace romfit::report
