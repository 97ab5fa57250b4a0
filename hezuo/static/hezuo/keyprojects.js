// A key project's trend (hezuo/templates/keyprojects/detail.html): the annual plan spread by
// time progress against the year-to-date completed, by month, in 万元. The data comes from
// <script id="key-project-trend-data" type="application/json">. The tooltip is drawn as
// canvas text (renderMode "richText"), never parsed as HTML.
(function () {
  "use strict";
  var el = document.getElementById("key-project-trend");
  var source = document.getElementById("key-project-trend-data");
  if (!el || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(el, null, { renderer: "canvas" });
  function wan(value) {
    return value == null ? "—" : value.toLocaleString("zh-CN", { maximumFractionDigits: 2 }) + "万元";
  }
  chart.setOption({
    color: ["#9aa7b8", "#1d4f91"],
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    tooltip: {
      trigger: "axis", renderMode: "richText",
      formatter: function (items) {
        return [items[0].axisValue].concat(items.map(function (item) {
          return item.seriesName + "：" + wan(item.value);
        })).join("\n");
      }
    },
    legend: { top: 0 },
    grid: { left: 70, right: 20, top: 36, bottom: 30 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", name: "万元" },
    series: [
      { name: "年度计划（序时）", type: "line", data: data.plan, lineStyle: { type: "dashed" }, symbol: "none" },
      { name: "本年累计完成", type: "line", data: data.actual, connectNulls: false }
    ]
  });
  if (window.ResizeObserver) new ResizeObserver(function () { chart.resize(); }).observe(el);
})();
