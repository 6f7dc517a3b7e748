/* Portal behaviour: no inline scripts (strict CSP). Charts read their data from JSON in the page. */
(function () {
  "use strict";

  // Selects that submit their form when changed: <select data-autosubmit> (the language picker).
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) {
      select.form.submit();
    }
  });

  // Confirm buttons: <button data-confirm="Are you sure?">
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // Charts: <canvas data-chart="bar" data-source="id-of-json-script"> with json_script data
  // {labels: [...], datasets: [{label, data}]}.
  var palette = ["#1f3a5f", "#2f6690", "#3a7ca5", "#81c3d7", "#d4a017", "#5b5ea6", "#9b2226", "#588157"];

  // Scatter and bubble charts: fixed axes from data-min / data-max, axis titles from data-x-label /
  // data-y-label, and a tooltip naming each point by its `label` field.
  function pointOptions(canvas, options) {
    var min = canvas.dataset.min !== undefined ? Number(canvas.dataset.min) : undefined;
    var max = canvas.dataset.max !== undefined ? Number(canvas.dataset.max) : undefined;
    function axis(title) {
      return { min: min, max: max, title: { display: !!title, text: title || "" } };
    }
    options.scales = { x: axis(canvas.dataset.xLabel), y: axis(canvas.dataset.yLabel) };
    options.plugins.legend.display = true;
    options.plugins.tooltip = {
      callbacks: {
        label: function (context) {
          var raw = context.raw || {};
          return (raw.label ? raw.label + ": " : "") + context.parsed.x + " × " + context.parsed.y;
        }
      }
    };
  }

  // data-quadrant="3": dashed lines at x = 3 and y = 3 split the chart into four quadrants.
  function quadrantLines(at) {
    return {
      id: "quadrantLines",
      afterDraw: function (chart) {
        var x = chart.scales.x, y = chart.scales.y, ctx = chart.ctx;
        if (!x || !y) { return; }
        ctx.save();
        ctx.strokeStyle = "#adb5bd";
        ctx.setLineDash([4, 4]);
        ctx.beginPath();
        ctx.moveTo(x.getPixelForValue(at), y.top);
        ctx.lineTo(x.getPixelForValue(at), y.bottom);
        ctx.moveTo(x.left, y.getPixelForValue(at));
        ctx.lineTo(x.right, y.getPixelForValue(at));
        ctx.stroke();
        ctx.restore();
      }
    };
  }
  // A chart with nothing to draw never reaches the page: the server renders "No data to chart yet." in its
  // place (prm/templatetags/charts.py).
  function drawCharts(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var source = document.getElementById(canvas.dataset.source);
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      if (typeof window.Chart === "undefined") { return; }
      var kind = canvas.dataset.chart;
      data.datasets.forEach(function (set, i) {
        var colours = kind === "doughnut" || kind === "pie" ? palette : palette[i % palette.length];
        set.backgroundColor = set.backgroundColor || colours;
        set.borderColor = set.borderColor || colours;
      });
      var options = {
        responsive: true, maintainAspectRatio: false, animation: false,
        locale: document.documentElement.lang || "en",  // axis and tooltip numbers in the page's language
        plugins: { legend: { display: data.datasets.length > 1 || kind === "doughnut" } },
        indexAxis: canvas.dataset.horizontal ? "y" : "x"
      };
      if (kind === "scatter" || kind === "bubble") { pointOptions(canvas, options); }
      new window.Chart(canvas, {
        type: kind,
        data: data,
        options: options,
        plugins: canvas.dataset.quadrant ? [quadrantLines(Number(canvas.dataset.quadrant))] : []
      });
      canvas.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.body && document.body.addEventListener("htmx:afterSwap", function (e) { drawCharts(e.target); });
})();
