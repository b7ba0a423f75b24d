#include "history/history_chart.h"

#include <map>

#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>

#include <fmt/format.h>

#include "support/byte_sizes.h"

namespace romfit::history {

namespace json = llvm::json;

namespace {

// The page's data: the commits in order, and one series per ROM total and
// image, pruned and unpruned, each with a value per commit (null where the
// build failed) and, where it changed, the top member changes.
json::Value chartData(const std::vector<const CommitRecord *> &ordered,
                      const std::vector<Mover> &movers, uint64_t budget) {
  json::Array commits;
  std::map<std::string, std::vector<json::Value>> values;
  std::map<std::string, std::vector<json::Value>> notes;
  std::vector<std::string> order;
  auto addSeries = [&](const std::string &name) {
    if (values.count(name))
      return;
    order.push_back(name);
    values[name].assign(ordered.size(), nullptr);
    notes[name].assign(ordered.size(), "");
  };
  // An image's note at a step is its mover's: the change and the top member
  // and symbol changes (a step where the image first appears has none).
  std::map<std::string, std::string> imageNotes;
  for (const Mover &mover : movers) {
    if (mover.before == 0)
      continue;
    std::string note = signedThousands(mover.delta()) + " B";
    for (size_t c = 0; c < mover.members.size(); ++c)
      note += fmt::format("{} {} {}", c == 0 ? ":" : ",", mover.members[c].member,
                          signedThousands(mover.members[c].delta));
    for (size_t c = 0; c < mover.symbols.size(); ++c)
      note += fmt::format("{} {} {}", c == 0 ? "\n  symbols:" : ",", mover.symbols[c].symbol,
                          signedThousands(mover.symbols[c].delta));
    imageNotes[mover.commit + "\n" + mover.rom + " " + mover.image] = note;
  }
  const CommitRecord *previous = nullptr;
  for (size_t i = 0; i < ordered.size(); ++i) {
    const CommitRecord &record = *ordered[i];
    commits.push_back(json::Object{{"id", record.commit},
                                   {"subject", record.subject},
                                   {"outcome", outcomeName(record.outcome)},
                                   {"reason", record.reason}});
    if (record.outcome == Outcome::Failed)
      continue;
    for (const auto &[romId, rom] : record.roms) {
      const RomBytes *before = nullptr;
      if (previous && previous->roms.count(romId))
        before = &previous->roms.at(romId);
      auto put = [&](const std::string &name, uint64_t bytes, std::string note) {
        addSeries(name);
        values[name][i] = bytes;
        notes[name][i] = std::move(note);
      };
      put(romId + " ROM", rom.bytes,
          before && before->bytes != rom.bytes
              ? signedThousands(int64_t(rom.bytes) - int64_t(before->bytes)) + " B"
              : "");
      if (!rom.unprunedImages.empty())
        put(romId + " ROM unpruned", rom.unprunedBytes,
            before && before->unprunedBytes != rom.unprunedBytes
                ? signedThousands(int64_t(rom.unprunedBytes) - int64_t(before->unprunedBytes)) + " B"
                : "");
      forEachImage(rom, [&](const std::string &name, const ImageBytes &image) {
        auto moved = imageNotes.find(record.commit + "\n" + romId + " " + name);
        put(romId + " " + name, image.bytes, moved == imageNotes.end() ? "" : moved->second);
      });
    }
    previous = &record;
  }
  json::Array allSeries;
  for (const std::string &name : order)
    allSeries.push_back(json::Object{{"name", name},
                                     {"unpruned", llvm::StringRef(name).endswith("unpruned")},
                                     {"values", json::Array(values[name])},
                                     {"notes", json::Array(notes[name])}});
  return json::Object{{"budget", budget}, {"commits", std::move(commits)}, {"series", std::move(allSeries)}};
}

constexpr const char *kPage = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>romfit history</title>
<style>
body {{ font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }}
svg {{ background: #fafafa; border: 1px solid #ddd; }}
.budget {{ stroke: #c00; stroke-dasharray: 6 4; }}
.axis {{ stroke: #999; }}
.unpruned {{ stroke-dasharray: 3 3; }}
#detail {{ min-height: 4em; white-space: pre-wrap; font-family: monospace; margin-top: .5em; }}
table {{ border-collapse: collapse; margin-top: 1em; }} td, th {{ padding: 2px 8px; border-bottom: 1px solid #eee; text-align: left; }}
.num {{ text-align: right; }}
</style></head>
<body>
<h1>Bytes per image over {count} commits</h1>
<p>Solid lines: the pruned ROM and its images; dashed: the unpruned drivers. The red line is the
budget ({budget} B). Point at a step for its commit and its largest member changes.</p>
<div id="legend"></div>
<label><input type="checkbox" id="to-data"> scale to the data (the budget line leaves the chart when it is above)</label><br>
<svg id="chart" width="980" height="440" xmlns="http://www.w3.org/2000/svg"></svg>
<div id="detail">(point at a step)</div>
<h2>Largest movers</h2>
<table id="movers"><tr><th>commit</th><th>subject</th><th>ROM</th><th>image</th><th class="num">delta</th><th>top member changes</th></tr></table>
<script id="history-data" type="application/json">{data}</script>
<script id="movers-data" type="application/json">{movers}</script>
<script>
(function () {{
  const data = JSON.parse(document.getElementById('history-data').textContent);
  const movers = JSON.parse(document.getElementById('movers-data').textContent).movers;
  const svg = document.getElementById('chart');
  const NS = 'http://www.w3.org/2000/svg';
  const W = 980, H = 440, left = 80, right = 20, top = 20, bottom = 40;
  const colours = ['#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f'];
  function el(name, attrs, parent) {{
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    (parent || svg).appendChild(e);
    return e;
  }}
  const detail = document.getElementById('detail');
  const legend = document.getElementById('legend');
  const base = name => name.replace(/ unpruned$/, '');
  const bases = [...new Set(data.series.map(s => base(s.name)))];
  const colourOf = s => colours[bases.indexOf(base(s.name)) % colours.length];
  data.series.forEach(s => {{
    const key = document.createElement('span');
    key.style.color = colourOf(s); key.style.marginRight = '1.5em';
    key.textContent = (s.unpruned ? '- - ' : '\u2014 ') + s.name;
    legend.appendChild(key);
  }});
  // The budget line sets the scale unless the box asks for the data's own.
  function render(toData) {{
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    let max = toData ? 0 : data.budget;
    for (const s of data.series) for (const v of s.values) if (v !== null && v > max) max = v;
    max = (max || 1) * 1.05;
    const n = data.commits.length;
    const x = i => left + (n <= 1 ? 0 : i * (W - left - right) / (n - 1));
    const y = v => H - bottom - v * (H - top - bottom) / max;
    el('line', {{class: 'axis', x1: left, y1: H - bottom, x2: W - right, y2: H - bottom}});
    el('line', {{class: 'axis', x1: left, y1: top, x2: left, y2: H - bottom}});
    for (let k = 0; k <= 4; k++) {{
      const v = max * k / 4;
      const t = el('text', {{x: left - 6, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 11}});
      t.textContent = Math.round(v).toLocaleString('en-US');
    }}
    if (data.budget <= max) {{
      const budget = el('line', {{class: 'budget', x1: left, x2: W - right, y1: y(data.budget), y2: y(data.budget), 'data-bytes': data.budget}});
      el('title', {{}}, budget).textContent = 'budget ' + data.budget.toLocaleString('en-US') + ' B';
    }}
    let points = 0;
    data.series.forEach(s => {{
      const colour = colourOf(s);
      let d = '';
      s.values.forEach((v, i) => {{
        if (v === null) return;
        d += d === '' ? 'M' + x(i) + ' ' + y(v) : ' H' + x(i) + ' V' + y(v);
      }});
      el('path', {{d: d, fill: 'none', stroke: colour, 'stroke-width': 2, class: s.unpruned ? 'unpruned' : 'pruned', 'data-series': s.name}});
      s.values.forEach((v, i) => {{
        if (v === null) return;
        const c = data.commits[i];
        const text = c.id.slice(0, 12) + ' ' + c.subject + '\n' + s.name + ': ' +
            v.toLocaleString('en-US') + ' B' + (s.notes[i] ? ' (' + s.notes[i] + ')' : '') +
            '\n' + c.outcome + ': ' + c.reason;
        const p = el('circle', {{cx: x(i), cy: y(v), r: s.notes[i] ? 5 : 3, fill: colour, class: s.notes[i] ? 'point step' : 'point', 'data-series': s.name, 'data-commit': c.id}});
        el('title', {{}}, p).textContent = text;
        p.addEventListener('mouseenter', () => {{ detail.textContent = text; }});
        points++;
      }});
    }});
    document.body.dataset.points = points;
  }}
  const box = document.getElementById('to-data');
  box.addEventListener('change', () => render(box.checked));
  render(false);
  const table = document.getElementById('movers');
  for (const m of movers.slice(0, 20)) {{
    const row = table.insertRow();
    const members = m.members.map(c => c.member + ' ' + (c.delta > 0 ? '+' : '') + c.delta).join(', ');
    for (const [text, cls] of [[m.commit.slice(0, 12), ''], [m.subject, ''], [m.rom, ''], [m.image, ''],
                               [(m.delta > 0 ? '+' : '') + m.delta.toLocaleString('en-US'), 'num'], [members, '']]) {{
      const cell = row.insertCell(); cell.textContent = text; if (cls) cell.className = cls;
    }}
  }}
  document.body.dataset.series = data.series.length;
}})();
</script>
</body></html>
)";

std::string scriptSafe(std::string json) {
  // "</script>" inside the data would end the element.
  std::string out;
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/')
      out += "<\\";
    else
      out += json[i];
  }
  return out;
}

} // namespace

std::string historyChartHtml(const std::vector<const CommitRecord *> &ordered,
                             const std::vector<Mover> &movers, uint64_t budget) {
  std::string data = scriptSafe(llvm::formatv("{0}", chartData(ordered, movers, budget)).str());
  std::string moverData = scriptSafe(llvm::formatv("{0}", moversJson(movers)).str());
  return fmt::format(fmt::runtime(kPage), fmt::arg("count", ordered.size()), fmt::arg("budget", withThousands(budget)),
                     fmt::arg("data", data), fmt::arg("movers", moverData));
}

} // namespace romfit::history
