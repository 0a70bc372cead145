/* MIEB leaderboard pages: tables, filters and SVG charts drawn from window.MIEB_DATA (data.js).
   Hand-written and dependency-free so the page works offline, from a file share, with no CDN. */
(function () {
  "use strict";

  var DATA = window.MIEB_DATA;
  var BODY = document.body;
  var ROOT = BODY.getAttribute("data-root") || "";
  var SVGNS = "http://www.w3.org/2000/svg";
  var COLORS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d"];
  var SIZE_STEPS = [
    { label: "any", value: null }, { label: "100M", value: 1e8 }, { label: "500M", value: 5e8 },
    { label: "1B", value: 1e9 }, { label: "3B", value: 3e9 }, { label: "10B", value: 1e10 }
  ];

  // ---------------------------------------------------------------- helpers
  function h(tag, attrs) {
    var el = document.createElement(tag);
    setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function s(tag, attrs) {
    var el = document.createElementNS(SVGNS, tag);
    setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }
  function setAttrs(el, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "on") Object.keys(v).forEach(function (ev) { el.addEventListener(ev, v[ev]); });
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    });
  }
  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(el, c); }); return; }
    el.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  // Numbers arrive rounded once by mieb (the CLI's digits, DATA.digits); toFixed only prints them.
  function fmt(x) { return x === null || x === undefined ? "" : x.toFixed(DATA.digits); }
  function fmtParams(n) {
    if (!n) return "";
    return n >= 1e9 ? (n / 1e9).toFixed(1) + "B" : Math.round(n / 1e6) + "M";
  }
  function fmtCi(ci) { return ci ? fmt(ci[0]) + "\u2013" + fmt(ci[1]) : ""; }
  function spaced(type) { return type.replace(/([a-z])([A-Z])/g, "$1 $2"); }  // display only: "Image Classification"
  function wrapWords(text, width) {
    var lines = [];
    text.split(" ").forEach(function (w) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + w).length <= width) lines[last] += " " + w;
      else lines.push(w);
    });
    return lines;
  }
  function short(label, n) { return label.length > n ? label.slice(0, n - 1) + "\u2026" : label; }
  function modalityClass(m) {
    var img = m.modalities.indexOf("image") >= 0, txt = m.modalities.indexOf("text") >= 0;
    if (img && txt) return "image & text";
    if (img) return "image only";
    if (txt) return "text only";
    return "unknown";
  }
  function median(xs) {
    var v = xs.filter(function (x) { return x !== null; }).sort(function (a, b) { return a - b; });
    if (!v.length) return null;
    var mid = Math.floor(v.length / 2);
    return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }
  function modelHref(m) { return ROOT + "models/" + encodeURIComponent(m.slug) + ".html"; }
  function fileHref(m, task) {
    // Result files live at file_base + task + ".json": a URL for published scores, a copy under files/ otherwise.
    if (!m.fileSet) { m.fileSet = {}; m.file_tasks.forEach(function (t) { m.fileSet[t] = true; }); }
    if (!m.fileSet[task]) return null;
    var href = m.file_base + encodeURIComponent(task) + ".json";
    return /^https?:/.test(href) ? href : ROOT + href;
  }
  function heat(value, lo, hi) {
    if (value === null || hi <= lo) return null;
    var t = Math.max(0, Math.min(1, (value - lo) / (hi - lo)));
    return "hsla(" + Math.round(10 + 120 * t) + ", 70%, 55%, " + (0.12 + 0.3 * t).toFixed(2) + ")";
  }
  function readHash() {
    var out = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i > 0) out[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
    });
    return out;
  }

  // ---------------------------------------------------------------- charts
  function barChart(title, items) {
    // items: [{label, value, ci, href}] sorted best first; a horizontal bar per model, CI whiskers.
    var rowH = 18, left = 190, width = 440, top = 24, plotW = width - left - 44;
    var max = 0;
    items.forEach(function (it) { max = Math.max(max, it.ci ? it.ci[1] : it.value); });
    max = Math.min(100, Math.ceil(max / 10) * 10) || 100;
    var step = max <= 50 ? 10 : 20;
    var height = top + rowH * items.length + 22;
    var svg = s("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height, role: "img",
      "aria-label": title, "class": "chart bar-chart" });
    svg.appendChild(s("text", { x: 0, y: 14, "class": "chart-title", text: title }));
    for (var g = 0; g <= max; g += step) {
      var gx = left + plotW * g / max;
      svg.appendChild(s("line", { x1: gx, x2: gx, y1: top - 4, y2: height - 18, "class": "grid" }));
      svg.appendChild(s("text", { x: gx, y: height - 6, "class": "tick", "text-anchor": "middle", text: g }));
    }
    items.forEach(function (it, i) {
      var y = top + i * rowH;
      var link = s("a", { href: it.href });
      link.appendChild(s("text", { x: left - 6, y: y + 12, "text-anchor": "end", "class": "bar-label", text: short(it.label.replace(/^[^\/\[]*\//, ""), 28) },
        s("title", { text: it.label })));
      svg.appendChild(link);
      svg.appendChild(s("rect", { x: left, y: y + 3, width: Math.max(1, plotW * it.value / max), height: rowH - 6,
        "class": "bar", fill: COLORS[0] }, s("title", { text: it.label + ": " + fmt(it.value) + (it.ci ? " (95% CI " + fmtCi(it.ci) + ")" : "") })));
      if (it.ci) {
        var x1 = left + plotW * it.ci[0] / max, x2 = left + plotW * it.ci[1] / max, ym = y + rowH / 2;
        svg.appendChild(s("line", { x1: x1, x2: x2, y1: ym, y2: ym, "class": "whisker" }));
        svg.appendChild(s("line", { x1: x1, x2: x1, y1: ym - 4, y2: ym + 4, "class": "whisker" }));
        svg.appendChild(s("line", { x1: x2, x2: x2, y1: ym - 4, y2: ym + 4, "class": "whisker" }));
      }
      svg.appendChild(s("text", { x: left + plotW * (it.ci ? it.ci[1] : it.value) / max + 4, y: y + 12, "class": "bar-value", text: fmt(it.value) }));
    });
    return svg;
  }

  function scatterChart(title, items) {
    // items: [{label, x (parameters), y (score 0-100), href, kind}]; log-scale x, one colour per modality class.
    var width = 760, height = 380, left = 56, right = 24, top = 36, bottom = 48;
    var plotW = width - left - right, plotH = height - top - bottom;
    var xs = items.map(function (it) { return Math.log10(it.x); });
    var x0 = Math.floor(Math.min.apply(null, xs)), x1 = Math.ceil(Math.max.apply(null, xs));
    if (x1 === x0) x1 = x0 + 1;
    var ys = items.map(function (it) { return it.y; });
    var y0 = Math.max(0, Math.floor(Math.min.apply(null, ys) / 10) * 10), y1 = Math.min(100, Math.ceil(Math.max.apply(null, ys) / 10) * 10);
    if (y1 === y0) y1 = y0 + 10;
    function px(v) { return left + plotW * (Math.log10(v) - x0) / (x1 - x0); }
    function py(v) { return top + plotH * (1 - (v - y0) / (y1 - y0)); }
    var svg = s("svg", { viewBox: "0 0 " + width + " " + height, width: width, height: height, role: "img",
      "aria-label": title, "class": "chart scatter" });
    svg.appendChild(s("text", { x: left, y: 16, "class": "chart-title", text: title }));
    for (var e = x0; e <= x1; e++) {
      var gx = px(Math.pow(10, e));
      svg.appendChild(s("line", { x1: gx, x2: gx, y1: top, y2: top + plotH, "class": "grid" }));
      svg.appendChild(s("text", { x: gx, y: top + plotH + 16, "class": "tick", "text-anchor": "middle", text: fmtParams(Math.pow(10, e)) }));
    }
    for (var g = y0; g <= y1; g += 10) {
      svg.appendChild(s("line", { x1: left, x2: left + plotW, y1: py(g), y2: py(g), "class": "grid" }));
      svg.appendChild(s("text", { x: left - 6, y: py(g) + 4, "class": "tick", "text-anchor": "end", text: g }));
    }
    svg.appendChild(s("text", { x: left + plotW / 2, y: height - 8, "class": "axis-title", "text-anchor": "middle", text: "parameters (log scale)" }));
    svg.appendChild(s("text", { x: 14, y: top + plotH / 2, "class": "axis-title", "text-anchor": "middle",
      transform: "rotate(-90 14 " + (top + plotH / 2) + ")", text: "Mean (TaskType)" }));
    var kinds = [];
    items.forEach(function (it) { if (kinds.indexOf(it.kind) < 0) kinds.push(it.kind); });
    items.forEach(function (it) {
      var link = s("a", { href: it.href });
      link.appendChild(s("circle", { cx: px(it.x), cy: py(it.y), r: 4.5, fill: COLORS[kinds.indexOf(it.kind) % COLORS.length], "class": "point" },
        s("title", { text: it.rank + ". " + it.label + ": " + fmt(it.y) + ", " + fmtParams(it.x) + " parameters" })));
      svg.appendChild(link);
    });
    kinds.forEach(function (k, i) {  // the legend on the title's line, right-aligned: never over a point
      var lx = left + plotW - 130 * (kinds.length - i), ly = 12;
      svg.appendChild(s("circle", { cx: lx, cy: ly, r: 4.5, fill: COLORS[i % COLORS.length] }));
      svg.appendChild(s("text", { x: lx + 10, y: ly + 4, "class": "tick", text: k }));
    });
    return svg;
  }

  function radarChart(axes, series, size) {
    // axes: names; series: [{label, values (0-100 or null), color, dashed}]; fixed 0-100 scale.
    size = size || 380;
    var width = size + 160, cx = width / 2, cy = size / 2 + 6, R = size / 2 - 40, n = axes.length;
    var svg = s("svg", { viewBox: "0 0 " + width + " " + (size + 10), width: width, height: size + 10, role: "img",
      "aria-label": "profile over " + axes.join(", "), "class": "chart radar" });
    function pt(i, v) {
      var a = -Math.PI / 2 + 2 * Math.PI * i / n;
      return [cx + R * v / 100 * Math.cos(a), cy + R * v / 100 * Math.sin(a)];
    }
    [20, 40, 60, 80, 100].forEach(function (ring) {
      var pts = axes.map(function (_, i) { return pt(i, ring).join(","); }).join(" ");
      svg.appendChild(s("polygon", { points: pts, "class": "ring" }));
      svg.appendChild(s("text", { x: cx + 2, y: cy - R * ring / 100 - 2, "class": "tick", text: ring }));
    });
    axes.forEach(function (name, i) {
      var end = pt(i, 100), lab = pt(i, 112);
      svg.appendChild(s("line", { x1: cx, y1: cy, x2: end[0], y2: end[1], "class": "spoke" }));
      var anchor = Math.abs(lab[0] - cx) < 8 ? "middle" : (lab[0] > cx ? "start" : "end");
      var lines = wrapWords(spaced(name), 13);
      var top = lab[1] < cy - 0.9 * R * 1.12, bottom = lab[1] > cy + 0.9 * R * 1.12;
      var y0 = top ? lab[1] - 12 * (lines.length - 1) : bottom ? lab[1] + 8 : lab[1] + 4 - 6 * (lines.length - 1);
      var label = s("text", { x: lab[0], y: y0, "text-anchor": anchor, "class": "axis-label" }, s("title", { text: name }));
      lines.forEach(function (line, li) { label.appendChild(s("tspan", { x: lab[0], dy: li ? 12 : 0, text: line })); });
      svg.appendChild(label);
    });
    series.forEach(function (se) {
      var pts = se.values.map(function (v, i) { return pt(i, v === null ? 0 : v).join(","); }).join(" ");
      svg.appendChild(s("polygon", { points: pts, fill: se.color, "fill-opacity": se.dashed ? 0 : 0.12, stroke: se.color,
        "stroke-width": 2, "stroke-dasharray": se.dashed ? "5 4" : null, "class": "series" }, s("title", { text: se.label })));
      se.values.forEach(function (v, i) {
        if (v === null) return;
        var p = pt(i, v);
        svg.appendChild(s("circle", { cx: p[0], cy: p[1], r: 2.5, fill: se.color },
          s("title", { text: se.label + " \u2014 " + axes[i] + ": " + fmt(v) })));
      });
    });
    return svg;
  }

  function legend(series) {
    return h("ul", { "class": "legend" }, series.map(function (se) {
      return h("li", null, h("span", { "class": "swatch" + (se.dashed ? " dashed" : ""), style: "border-color:" + se.color + ";background:" + (se.dashed ? "transparent" : se.color) }), se.label);
    }));
  }

  // ---------------------------------------------------------------- index page
  function indexPage(app) {
    var hash = readHash();
    var state = {
      bench: DATA.benchmarks.some(function (b) { return b.name === hash.b; }) ? hash.b : DATA.benchmarks[0].name,
      view: ["types", "categories", "tasks"].indexOf(hash.view) >= 0 ? hash.view : "types",
      sort: { key: "rank", dir: 1 }, search: "", minSize: null, maxSize: null, unknownSize: true,
      modalities: {}, completeOnly: false, selected: null,
      availability: "both",  // the reference's "Availability": both, open (weights), proprietary
      zeroShot: "allow_all"  // the reference's "Zero-shot": allow_all, remove_unknown, only_zero_shot
    };
    var modalityNames = [];
    DATA.models.forEach(function (m) {
      var c = modalityClass(m);
      if (modalityNames.indexOf(c) < 0) modalityNames.push(c);
    });
    modalityNames.forEach(function (c) { state.modalities[c] = true; });

    var header = h("header", { "class": "top" },
      h("h1", null, "MIEB leaderboard"),
      h("p", { "class": "lead" }, "Massive Image Embedding Benchmark: models ranked as the reference leaderboard ranks them. " +
        "Scores \u00d7100; per-task score = mean main score over the benchmark's splits and subsets."));
    var tabs = h("nav", { "class": "tabs", role: "tablist" });
    var desc = h("p", { "class": "desc" });
    var controls = h("section", { "class": "controls", "aria-label": "filters" });
    var tableBox = h("section", { "class": "table-box" });
    var sizeChart = h("section", { "class": "size", id: "size-chart" });
    var charts = h("section", { "class": "charts", id: "type-charts" });
    var profile = h("section", { "class": "profile", id: "profile" });
    var signif = h("section", { "class": "significance", id: "significance" });
    var footer = h("footer", null, methodNotes(), provenance());
    app.append(header, tabs, desc, controls, tableBox, sizeChart, charts, profile, signif, footer);

    function bench() { return DATA.benchmarks.filter(function (b) { return b.name === state.bench; })[0]; }

    function buildControls() {
      controls.textContent = "";
      var search = h("input", { type: "search", placeholder: "Filter models\u2026", value: state.search, "aria-label": "filter models by name",
        on: { input: function (e) { state.search = e.target.value; renderData(); } } });
      function sizeSelect(which, label) {
        var sel = h("select", { "aria-label": label, on: { change: function (e) {
          state[which] = e.target.value === "" ? null : Number(e.target.value); renderData(); } } },
          SIZE_STEPS.map(function (st) { return h("option", { value: st.value === null ? "" : st.value, selected: state[which] === st.value }, st.label); }));
        return sel;
      }
      function choice(which, label, options) {
        return h("select", { "aria-label": label, "data-filter": label, on: { change: function (e) { state[which] = e.target.value; renderData(); } } },
          options.map(function (o) { return h("option", { value: o[0], selected: state[which] === o[0] }, o[1]); }));
      }
      var mods = modalityNames.map(function (c) {
        return h("label", { "class": "check" }, h("input", { type: "checkbox", checked: state.modalities[c], "data-modality": c,
          on: { change: function (e) { state.modalities[c] = e.target.checked; renderData(); } } }), " " + c);
      });
      var views = h("span", { "class": "seg", role: "group", "aria-label": "columns" }, ["types", "categories", "tasks"].map(function (v) {
        return h("button", { type: "button", "class": state.view === v ? "on" : "", "data-view": v, on: { click: function () {
          state.view = v; state.sort = { key: "rank", dir: 1 }; writeHash(); buildControls(); renderData(); } } },
          { types: "Task types", categories: "Paper categories", tasks: "All tasks" }[v]);
      }));
      controls.append(
        h("div", { "class": "ctl" }, search),
        h("div", { "class": "ctl" }, h("span", { "class": "ctl-label" }, "Parameters"), sizeSelect("minSize", "minimum parameters"), " to ", sizeSelect("maxSize", "maximum parameters"),
          h("label", { "class": "check" }, h("input", { type: "checkbox", checked: state.unknownSize, "data-filter": "unknown-size", on: { change: function (e) { state.unknownSize = e.target.checked; renderData(); } } }), " unknown size")),
        h("div", { "class": "ctl" }, h("span", { "class": "ctl-label" }, "Modality"), mods),
        h("div", { "class": "ctl" }, h("span", { "class": "ctl-label" }, "Availability"),
          choice("availability", "availability", [["both", "open and proprietary"], ["open", "open weights only"], ["proprietary", "proprietary only"]])),
        h("div", { "class": "ctl" }, h("span", { "class": "ctl-label", title: "a model is zero-shot on a benchmark when none of its training datasets (as its model card lists them) is one of the benchmark's tasks" }, "Zero-shot"),
          choice("zeroShot", "zero-shot", [["allow_all", "allow all"], ["remove_unknown", "remove unknown"], ["only_zero_shot", "only zero-shot"]])),
        h("div", { "class": "ctl" }, h("label", { "class": "check" }, h("input", { type: "checkbox", checked: state.completeOnly, on: { change: function (e) { state.completeOnly = e.target.checked; renderData(); } } }), " complete results only")),
        h("div", { "class": "ctl" }, views));
    }

    function writeHash() {
      var next = "#b=" + encodeURIComponent(state.bench) + "&view=" + state.view;
      if (location.hash !== next) history.replaceState(null, "", next);
    }

    function buildTabs() {
      tabs.textContent = "";
      DATA.benchmarks.forEach(function (b) {
        tabs.appendChild(h("button", { type: "button", role: "tab", "aria-selected": b.name === state.bench ? "true" : "false",
          "class": b.name === state.bench ? "tab on" : "tab", on: { click: function () {
            state.bench = b.name; state.sort = { key: "rank", dir: 1 }; state.selected = null; writeHash(); buildTabs(); renderData(); } } },
          b.name, h("span", { "class": "count" }, String(b.n_tasks))));
      });
    }

    function visibleRows(b) {
      var q = state.search.trim().toLowerCase();
      return b.rows.filter(function (r) {
        var m = DATA.models[r.m];
        if (q && m.label.toLowerCase().indexOf(q) < 0) return false;
        if (!state.modalities[modalityClass(m)]) return false;
        if (state.completeOnly && r.mean === null) return false;
        if (state.availability === "open" && m.open !== true) return false;
        if (state.availability === "proprietary" && m.open !== false) return false;
        if (state.zeroShot === "only_zero_shot" && r.zs !== true) return false;
        if (state.zeroShot === "remove_unknown" && r.zs === null) return false;
        if (!m.params) return state.unknownSize;
        if (state.minSize !== null && m.params < state.minSize) return false;
        if (state.maxSize !== null && m.params > state.maxSize) return false;
        return true;
      });
    }

    function columns(b) {
      var cols = [
        { key: "select", label: "", title: "compare in the profile chart", cell: selectCell },
        { key: "rank", label: "Rank", title: "by Mean (TaskType), nulls last", get: function (r) { return r.rank; }, num: true },
        { key: "model", label: "Model", get: function (r) { return DATA.models[r.m].label.toLowerCase(); }, cell: modelCell },
        { key: "params", label: "Params", get: function (r) { return DATA.models[r.m].params || null; }, num: true,
          cell: function (r) { return h("td", { "class": "num dim" }, fmtParams(DATA.models[r.m].params)); } }
      ];
      if (state.view === "categories") {
        cols.push({ key: "mean_cat", label: "Mean (Category)", wrap: true, title: "mean of the 8 paper-category means (a secondary view)",
          get: function (r) { return r.mean_cat; }, num: true, heat: true, strong: true });
        b.categories.forEach(function (c, k) {
          cols.push({ key: "c" + k, label: c, wrap: true, get: function (r) { return r.cats[k]; }, num: true, heat: true });
        });
        cols.push({ key: "mean", label: "Mean (TaskType)", wrap: true, get: function (r) { return r.mean; }, num: true, heat: true });
      } else if (state.view === "tasks") {
        b.tasks.forEach(function (t, k) {
          cols.push({ key: "t" + k, label: t.name, title: t.type, get: function (r) { return r.tasks[k]; }, num: true, heat: true, small: true,
            cell: function (r) { return taskCell(r, k, t); } });
        });
      } else {
        cols.push({ key: "mean", label: "Mean (TaskType)", wrap: true, title: "unweighted mean of the per-type means; 95% bootstrap CI below",
          get: function (r) { return r.mean; }, num: true, heat: true, strong: true, ci: function (r) { return r.ci; } });
        b.types.forEach(function (t, k) {
          cols.push({ key: "y" + k, label: spaced(t), title: t, wrap: true, get: function (r) { return r.types[k]; }, num: true, heat: true,
            tip: function (r) { return r.type_ci[k] ? t + ": 95% CI " + fmtCi(r.type_ci[k]) : t + ": a task is missing"; } });
        });
      }
      cols.push({ key: "borda", label: "Rank (Borda)", wrap: true, title: "Borda count over tasks", get: function (r) { return r.borda; }, num: true });
      return cols;
    }

    function selectCell(r) {
      var on = state.selected.indexOf(r.m) >= 0;
      return h("td", { "class": "sel" }, h("input", { type: "checkbox", checked: on, "aria-label": "compare " + DATA.models[r.m].label,
        on: { change: function (e) {
          if (e.target.checked) state.selected.push(r.m);
          else state.selected = state.selected.filter(function (x) { return x !== r.m; });
          renderProfile(bench());
        } } }));
    }
    function modelCell(r) {
      // The name without its organisation keeps the column narrow; the organisation goes on a second line.
      var m = DATA.models[r.m], cut = m.label.split(" [")[0].indexOf("/");
      var org = cut > 0 ? m.label.slice(0, cut) : "";
      return h("td", { "class": "model" }, h("a", { href: modelHref(m), title: m.name + " @ " + m.revision }, org ? m.label.slice(cut + 1) : m.label),
        m.source !== "published" ? h("span", { "class": "tag", title: m.source }, "local") : null,
        org ? h("span", { "class": "org" }, org) : null);
    }
    function taskCell(r, k, t) {
      var m = DATA.models[r.m], v = r.tasks[k], href = fileHref(m, t.name);
      return h("td", { "class": "num small" }, v === null ? "" : href ? h("a", { href: href, title: "result file", "class": "plain" }, fmt(v)) : fmt(v));
    }

    function renderTable(b, rows) {
      var cols = columns(b);
      var sortCol = cols.filter(function (c) { return c.key === state.sort.key; })[0] || cols[1];
      rows = rows.slice().sort(function (x, y) {
        var a = sortCol.get(x), c = sortCol.get(y);
        if (a === null && c === null) return x.rank - y.rank;
        if (a === null) return 1;
        if (c === null) return -1;
        if (a < c) return -state.sort.dir;
        if (a > c) return state.sort.dir;
        return x.rank - y.rank;
      });
      var ranges = {};
      cols.forEach(function (c) {
        if (!c.heat) return;
        var vals = rows.map(c.get).filter(function (v) { return v !== null; });
        ranges[c.key] = [Math.min.apply(null, vals), Math.max.apply(null, vals)];
      });
      var thead = h("thead", null, h("tr", null, cols.map(function (c) {
        var sorted = state.sort.key === c.key;
        var attrs = { scope: "col", title: c.title || c.label, "class": (c.num ? "num" : "") + (c.small ? " small" : "") + (c.wrap ? " wrap" : ""), "data-key": c.key };
        if (c.get) {
          attrs["aria-sort"] = sorted ? (state.sort.dir > 0 ? "ascending" : "descending") : "none";
          attrs.tabindex = "0";
          attrs.on = { click: function () { sortBy(c); }, keydown: function (e) { if (e.key === "Enter") sortBy(c); } };
          attrs["class"] += " sortable";
        }
        return h("th", attrs, c.label, sorted ? h("span", { "class": "arrow" }, state.sort.dir > 0 ? " \u25b2" : " \u25bc") : null);
      })));
      var tbody = h("tbody", null, rows.map(function (r) {
        return h("tr", { "data-model": DATA.models[r.m].key }, cols.map(function (c) {
          var v = c.get ? c.get(r) : null;
          var rg = ranges[c.key];
          var bg = c.heat && rg ? heat(v, rg[0], rg[1]) : null;
          if (c.cell) {
            var td = c.cell(r);
            if (bg) td.style.background = bg;
            return td;
          }
          return h("td", { "class": "num" + (c.strong ? " strong" : ""), style: bg ? "background:" + bg : null, title: c.tip ? c.tip(r) : null },
            c.key === "rank" || c.key === "borda" ? String(v) : fmt(v),
            c.ci && c.ci(r) ? h("span", { "class": "ci" }, fmtCi(c.ci(r))) : null);
        }));
      }));
      tableBox.textContent = "";
      var download = h("button", { type: "button", "class": "download", id: "download-csv", title: "the rows and columns shown, as sorted, with the numbers as shown",
        on: { click: function () { saveCsv(b, cols, rows); } } }, "Download CSV");
      tableBox.append(h("div", { "class": "scroll" }, h("table", { "class": "board", id: "leaderboard" }, thead, tbody)),
        h("p", { "class": "note" }, download, " " + rows.length + " of " + b.rows.length + " models shown. Blank cell: a task is missing, so the mean is null (the reference's rule). Click a header to sort."));
    }

    function csvField(v) {
      var text = v === null || v === undefined ? "" : String(v);
      return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
    }
    function saveCsv(b, cols, rows) {
      // The table as shown: its rows in order, its columns (the model's name, revision and exact parameter
      // count spelled out), scores x100 as printed; CI bounds as two columns.
      var header = [], getters = [];
      cols.forEach(function (c) {
        if (c.key === "select") return;
        if (c.key === "model") {
          header.push("Model", "Revision");
          getters.push(function (r) { return DATA.models[r.m].label; }, function (r) { return DATA.models[r.m].revision; });
        } else if (c.key === "params") {
          header.push("Parameters");
          getters.push(function (r) { return DATA.models[r.m].params || ""; });
        } else {
          header.push(c.label || c.key);
          getters.push(c.key === "rank" || c.key === "borda" ? c.get : function (r) { return fmt(c.get(r)); });
          if (c.ci) {
            header.push(c.label + " 95% CI low", c.label + " 95% CI high");
            getters.push(function (r) { var ci = c.ci(r); return ci ? fmt(ci[0]) : ""; },
              function (r) { var ci = c.ci(r); return ci ? fmt(ci[1]) : ""; });
          }
        }
      });
      var lines = [header.map(csvField).join(",")].concat(rows.map(function (r) {
        return getters.map(function (g) { return csvField(g(r)); }).join(",");
      }));
      var blob = new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
      var link = h("a", { href: URL.createObjectURL(blob), download: "mieb-" + b.name.replace(/[^A-Za-z0-9]+/g, "-").replace(/-+$/, "") + "-" + state.view + ".csv" });
      document.body.appendChild(link);
      link.click();
      link.remove();
    }

    function sortBy(c) {
      if (state.sort.key === c.key) state.sort.dir = -state.sort.dir;
      else state.sort = { key: c.key, dir: c.num && c.key !== "rank" && c.key !== "borda" ? -1 : 1 };
      renderData();
    }

    function renderSizeChart(b, rows) {
      sizeChart.textContent = "";
      var items = rows.filter(function (r) { return r.mean !== null && DATA.models[r.m].params; }).map(function (r) {
        var m = DATA.models[r.m];
        return { label: m.label, x: m.params, y: r.mean, href: modelHref(m), kind: modalityClass(m), rank: r.rank };
      });
      sizeChart.append(h("h2", null, "Score and model size"),
        h("p", { "class": "note" }, items.length + " of the " + rows.length + " models shown have a complete Mean (TaskType) and a known parameter count; " +
          "hover a point for the model, click it for its page."));
      if (items.length) sizeChart.appendChild(h("div", { "class": "scroll" }, scatterChart("Mean (TaskType) vs. parameters", items)));
    }

    function renderCharts(b, rows) {
      charts.textContent = "";
      var names = state.view === "categories" ? b.categories : b.types;
      charts.append(h("h2", null, state.view === "categories" ? "By paper category" : "By task type"),
        h("p", { "class": "note" }, state.view === "categories" ? "Top 10 of the models shown, per category (mean over its tasks)." :
          "Top 10 of the models shown, per task type; whiskers: 95% bootstrap interval over the type's tasks."));
      var grid = h("div", { "class": "chart-grid" });
      names.forEach(function (name, k) {
        var items = rows.map(function (r) {
          var v = state.view === "categories" ? r.cats[k] : r.types[k];
          return { label: DATA.models[r.m].label, value: v, ci: state.view === "categories" ? null : r.type_ci[k], href: modelHref(DATA.models[r.m]) };
        }).filter(function (it) { return it.value !== null; })
          .sort(function (a, c) { return c.value - a.value; }).slice(0, 10);
        var n = b.tasks.filter(function (t) { return t.type === name; }).length;
        var title = state.view === "categories" ? name : spaced(name) + " (" + n + " tasks)";
        grid.appendChild(h("figure", { "class": "chart-card", "data-type": name }, items.length ? barChart(title, items) : h("p", { "class": "note" }, title + ": no complete scores")));
      });
      charts.appendChild(grid);
    }

    function renderProfile(b) {
      profile.textContent = "";
      var axes = b.types;
      var series = state.selected.slice(0, COLORS.length).map(function (mi, i) {
        var row = b.rows.filter(function (r) { return r.m === mi; })[0];
        return row ? { label: DATA.models[mi].label, values: row.types, color: COLORS[i] } : null;
      }).filter(Boolean);
      profile.append(h("h2", null, "Profiles"),
        h("p", { "class": "note" }, "Per task type, on a 0\u2013100 scale. Tick models in the table's first column to compare them (up to " + COLORS.length + ")."),
        axes.length >= 3 ? h("div", { "class": "radar-box" }, radarChart(axes, series, 460), legend(series)) : h("p", null, "Too few task types for a profile."));
    }

    function renderSignificance(b, rows) {
      signif.textContent = "";
      var pos = {};
      b.pairs.rows.forEach(function (rowIdx, k) { pos[b.rows[rowIdx].m] = k; });
      var shown = rows.filter(function (r) { return r.mean !== null; }).sort(function (x, y) { return x.rank - y.rank; }).slice(0, 15);
      signif.append(h("h2", null, "Which gaps are real?"),
        h("p", { "class": "note" }, "Top " + shown.length + " complete models shown. \u25b2: the row model's Mean (TaskType) is significantly higher than the column model's, \u25bc: lower, \u00b7: not significant " +
          "(paired bootstrap over tasks, Holm-corrected over all " + (b.pairs.rows.length * (b.pairs.rows.length - 1) / 2) + " pairs)."));
      if (shown.length < 2) return;
      var table = h("table", { "class": "matrix" },
        h("thead", null, h("tr", null, h("th", null, ""), shown.map(function (r) {
          return h("th", { scope: "col", title: DATA.models[r.m].label }, h("span", null, String(r.rank)));
        }))),
        h("tbody", null, shown.map(function (ra) {
          return h("tr", null, h("th", { scope: "row", "class": "model" }, ra.rank + ". " + short(DATA.models[ra.m].label, 34)), shown.map(function (rb) {
            if (ra === rb) return h("td", { "class": "self" }, "");
            var a = pos[ra.m], c = pos[rb.m], sg = b.pairs.sig[a][c];
            var tip = DATA.models[ra.m].label + " \u2212 " + DATA.models[rb.m].label + " = " + fmt(b.pairs.diff[a][c]) + "; p (Holm) = " + b.pairs.p_holm[a][c];
            return h("td", { "class": sg > 0 ? "win" : sg < 0 ? "loss" : "tie", title: tip }, sg > 0 ? "\u25b2" : sg < 0 ? "\u25bc" : "\u00b7");
          }));
        })));
      signif.appendChild(h("div", { "class": "scroll" }, table));
    }

    function renderData() {
      var b = bench();
      if (state.selected === null) state.selected = b.rows.slice(0, 3).map(function (r) { return r.m; });
      desc.textContent = "";
      desc.append(h("strong", null, b.name), " \u2014 " + (b.description || "") + " ",
        h("span", { "class": "dim" }, b.rows.length + " models, " + b.tasks.length + " of " + b.n_tasks + " tasks with results."));
      var rows = visibleRows(b);
      renderTable(b, rows);
      renderSizeChart(b, rows);
      renderCharts(b, rows);
      renderProfile(b);
      renderSignificance(b, rows);
    }

    buildTabs();
    buildControls();
    renderData();
  }

  // ---------------------------------------------------------------- model page
  function modelPage(app) {
    var key = BODY.getAttribute("data-model");
    var mi = -1;
    DATA.models.forEach(function (m, i) { if (m.key === key) mi = i; });
    var m = DATA.models[mi];
    if (!m) { app.appendChild(h("p", null, "Unknown model.")); return; }
    var facts = [["Model", m.name], ["Revision", m.revision], ["Source", m.source], ["Parameters", fmtParams(m.params) || "unknown"],
      ["Modalities", m.modalities.join(", ") || "unknown"], ["Release date", m.release || "unknown"], ["Embedding size", m.embed_dim || "unknown"]];
    app.append(h("p", { "class": "crumb" }, h("a", { href: ROOT + "index.html" }, "\u2190 MIEB leaderboard")),
      h("h1", null, m.label),
      h("dl", { "class": "facts" }, facts.map(function (f) { return [h("dt", null, f[0]), h("dd", null, String(f[1]))]; }),
        m.reference ? [h("dt", null, "Reference"), h("dd", null, h("a", { href: m.reference }, m.reference))] : null));
    DATA.benchmarks.forEach(function (b) {
      var row = b.rows.filter(function (r) { return r.m === mi; })[0];
      if (!row) return;
      var complete = b.rows.filter(function (r) { return r.mean !== null; });
      var med = b.types.map(function (_, k) { return median(complete.map(function (r) { return r.types[k]; })); });
      var series = [{ label: m.label, values: row.types, color: COLORS[0] },
        { label: "median of " + complete.length + " complete models", values: med, color: "#6b7280", dashed: true }];
      var perTaskRank = b.tasks.map(function (_, k) {
        var v = row.tasks[k];
        if (v === null) return null;
        return 1 + b.rows.filter(function (r) { return r.tasks[k] !== null && r.tasks[k] > v; }).length;
      });
      var nWith = b.tasks.map(function (_, k) { return b.rows.filter(function (r) { return r.tasks[k] !== null; }).length; });
      var body = [];
      b.types.forEach(function (t, ti) {
        body.push(h("tr", { "class": "group" }, h("th", { colspan: 4, scope: "rowgroup" }, spaced(t) + " \u2014 mean " + (fmt(row.types[ti]) || "null (a task is missing)") +
          (row.type_ci[ti] ? " (95% CI " + fmtCi(row.type_ci[ti]) + ")" : ""))));
        b.tasks.forEach(function (task, k) {
          if (task.type !== t) return;
          var v = row.tasks[k], href = fileHref(m, task.name);
          body.push(h("tr", null, h("td", null, task.name),
            h("td", { "class": "num" }, v === null ? h("span", { "class": "dim" }, "missing") : fmt(v)),
            h("td", { "class": "num dim" }, perTaskRank[k] ? perTaskRank[k] + " / " + nWith[k] : ""),
            h("td", null, href ? h("a", { href: href }, "result file") : "")));
        });
      });
      app.appendChild(h("section", { "class": "bench-card" },
        h("h2", null, h("a", { href: ROOT + "index.html#b=" + encodeURIComponent(b.name) }, b.name)),
        h("p", { "class": "summary" }, "Rank " + row.rank + " of " + b.rows.length + " \u00b7 Mean (TaskType) " + (fmt(row.mean) || "null") +
          (row.ci ? " (95% CI " + fmtCi(row.ci) + ")" : "") + " \u00b7 Rank (Borda) " + row.borda),
        h("div", { "class": "split" },
          b.types.length >= 3 ? h("div", { "class": "radar-box" }, radarChart(b.types, series, 420), legend(series)) : null,
          h("div", { "class": "scroll" }, h("table", { "class": "tasks" },
            h("thead", null, h("tr", null, h("th", null, "Task"), h("th", { "class": "num" }, "Score"), h("th", { "class": "num" }, "Rank"), h("th", null, "Source"))),
            h("tbody", null, body))))));
    });
    app.appendChild(h("footer", null, methodNotes(), provenance()));
  }

  // ---------------------------------------------------------------- shared text
  function methodNotes() {
    return h("details", { "class": "method" }, h("summary", null, "How the numbers are computed"),
      h("ul", null,
        h("li", null, "Task score: mean main score over the benchmark's splits and subsets; null if a model lacks a (split, subset) pair that others have."),
        h("li", null, "Per-type mean: mean of the type's task scores, null if any is missing. Mean (TaskType): mean of the per-type means. Rank: by Mean (TaskType), nulls last."),
        h("li", null, "Rank (Borda): per task, models are ranked (ties averaged) and earn (number of models \u2212 rank) points; points are summed."),
        h("li", null, "95% intervals: bootstrap over tasks, resampled within each task type (2000 replicates, fixed seed). Pairwise tests use the same replicates, paired, with Holm's correction."),
        h("li", null, "Paper categories: the MIEB paper's 8 groups (retrieval types and Visual STS types folded), mean over their tasks; a secondary view.")));
  }
  function provenance() {
    return h("p", { "class": "dim small" }, "Generated " + DATA.generated + " by mieb " + DATA.mieb_version + ". Sources: ",
      DATA.sources.map(function (src, i) {
        var text = src.kind === "published scores" ? "published reference scores (" + src.repository + " @ " + src.commit + ", " + src.license + ")" : src.source;
        return [i ? "; " : "", text];
      }), ".");
  }

  var app = document.getElementById("app");
  if (BODY.getAttribute("data-page") === "model") modelPage(app);
  else indexPage(app);
})();
