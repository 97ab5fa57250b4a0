// The dashboard's charts (hezuo/templates/stats/dashboard.html). The page puts their data in
// <script id="dashboard-data" type="application/json">; every bar, point and line carries
// the URL of the list of records behind it, and a click opens it.
(function () {
  "use strict";

  var FONT = getComputedStyle(document.body).fontFamily;
  var COLORS = ["#1d4f91", "#4f86c6", "#2f9e7a", "#e0a13a", "#b8261f", "#7b5ea7"];
  var charts = [];
  var pending = null;
  var observer = window.ResizeObserver ? new ResizeObserver(resize) : null;

  // Charts follow their box: the window, a phone turned sideways, the menu folding.
  function resize() {
    if (pending) return;
    pending = window.requestAnimationFrame(function () {
      pending = null;
      charts.forEach(function (chart) { chart.resize(); });
    });
  }

  function large() {
    return window.matchMedia("(min-width: 1600px)").matches;
  }

  function narrow() {
    return window.matchMedia("(max-width: 760px)").matches;
  }

  function make(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.on("click", function (params) {
      var url = params.data && params.data.url;
      if (url) window.location.href = url;
    });
    charts.push(chart);
    if (observer) observer.observe(el);
    return chart;
  }

  // Tooltips are built as elements holding text, never as HTML: the names in them come from
  // users (programs, regions, an office's own map file) and ECharts would parse a string as
  // markup. One line a row; a series' colour marker is set through the element's style
  // property, which the page's Content-Security-Policy allows (a style attribute it would not).
  function tip(lines) {
    var box = document.createElement("div");
    lines.forEach(function (line) {
      var row = document.createElement("div");
      if (typeof line.color === "string") {
        var marker = document.createElement("span");
        marker.className = "chart-marker";
        marker.style.backgroundColor = line.color;
        row.appendChild(marker);
      }
      row.appendChild(document.createTextNode(line.text));
      box.appendChild(row);
    });
    return box;
  }

  function barTip(params) {
    var list = Array.isArray(params) ? params : [params];
    var lines = [{ text: list[0].name }];
    list.forEach(function (p) {
      if (p.data && p.data.text) lines.push({ color: p.color, text: p.seriesName + "：" + p.data.text });
    });
    return tip(lines);
  }

  function placeTip(p) {
    if (!p.data || !p.data.text) return tip([{ text: p.name }]);
    var lines = [{ text: p.data.full_name }, { text: "结对关系：" + p.data.text }];
    if (p.data.programs) lines.push({ text: p.data.programs });
    return tip(lines);
  }

  function base() {
    var size = large() ? 16 : 12;
    return {
      color: COLORS,
      textStyle: { fontFamily: FONT, fontSize: size },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: barTip, className: "chart-tip",
                 textStyle: { fontFamily: FONT, fontSize: size } },
      legend: { top: 0, textStyle: { fontSize: size } },
      grid: { left: 8, right: 16, top: large() ? 40 : 32, bottom: 8, containLabel: true },
    };
  }

  function programChart(data) {
    var chart = make("program-funds");
    if (!chart) return;
    var option = base();
    option.xAxis = { type: "category", data: data.categories,
                     axisLabel: { interval: 0, rotate: narrow() && data.categories.length > 4 ? 30 : 0 } };
    option.yAxis = { type: "value" };  // 万元, as the heading says
    option.series = data.series.map(function (s) {
      return { name: s.name, type: "bar", data: s.data, barMaxWidth: 28, emphasis: { focus: "series" },
               cursor: "pointer" };
    });
    chart.setOption(option);
  }

  function monthlyChart(data) {
    var chart = make("monthly-funds");
    if (!chart) return;
    var option = base();
    // Money moves in lumps (a batch arranged in March, paid in June): bars, not a smoothed line.
    option.xAxis = { type: "category", data: data.categories };
    option.yAxis = { type: "value" };
    option.series = data.series.map(function (s) {
      return { name: s.name, type: "bar", data: s.data, barMaxWidth: 22, cursor: "pointer" };
    });
    chart.setOption(option);
  }

  function mapChart(data) {
    var el = document.getElementById("map");
    if (!el || !data.outline) return;
    fetch(data.outline, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (outline) {
        echarts.registerMap("hezuo-map", outline);
        drawMap(make("map"), data);
      })
      .catch(function (error) {
        if (window.console) console.error("map:", error);
        el.textContent = "地图数据未能加载。";
        el.classList.add("muted");
      });
  }

  function drawMap(chart, data) {
    var home = data.home;
    var places = data.places;
    var most = Math.max.apply(null, places.map(function (p) { return p.value; }).concat([1]));
    var scale = large() ? 1.4 : 1;
    var option = {
      textStyle: { fontFamily: FONT },
      tooltip: {
        trigger: "item", className: "chart-tip", formatter: placeTip,
        textStyle: { fontFamily: FONT, fontSize: large() ? 16 : 12 },
      },
      geo: {
        map: "hezuo-map", roam: true, zoom: 1.15,
        itemStyle: { areaColor: "#eef3fa", borderColor: "#9db4d3", borderWidth: 0.8 },
        emphasis: { itemStyle: { areaColor: "#dbe7f7" }, label: { show: false } },
        label: { show: false },
      },
      series: [
        {
          name: "协作连线", type: "lines", coordinateSystem: "geo", zlevel: 1, silent: true,
          effect: { show: true, period: 5, trailLength: 0.3, symbol: "arrow", symbolSize: 6 * scale },
          lineStyle: { color: "#b8261f", width: 1.2 * scale, opacity: 0.55, curveness: 0.25 },
          data: home.coord ? places.map(function (p) { return { coords: [home.coord, p.coord] }; }) : [],
        },
        {
          name: "结对地区", type: "effectScatter", coordinateSystem: "geo", zlevel: 2, cursor: "pointer",
          rippleEffect: { brushType: "stroke", scale: 3 },
          symbolSize: function (value) { return (6 + 10 * Math.sqrt(value[2] / most)) * scale; },
          itemStyle: { color: "#1d4f91" },
          // Names beside the points where there is room (not on phones), none on top of another.
          label: { show: !narrow(), position: "right", formatter: "{b}", fontSize: 11 * scale, color: "#1f2933" },
          labelLayout: { hideOverlap: true },
          data: places.map(function (p) {
            return { name: p.name, full_name: p.full_name, value: p.coord.concat([p.value]), url: p.url, text: p.text,
                     programs: p.programs };
          }),
        },
        {
          name: "本市", type: "scatter", coordinateSystem: "geo", zlevel: 3, symbol: "pin", symbolSize: 30 * scale,
          itemStyle: { color: "#b8261f" },
          label: { show: true, position: "top", formatter: "{b}", fontWeight: "bold", fontSize: 12 * scale },
          data: home.coord ? [{ name: home.name, value: home.coord }] : [],
        },
      ],
    };
    chart.setOption(option);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.getElementById("dashboard-data");
    if (!holder || !window.echarts) return;
    var data = JSON.parse(holder.textContent);
    programChart(data.programs);
    monthlyChart(data.months);
    mapChart(data.map);
    window.addEventListener("resize", resize);
  });
})();
