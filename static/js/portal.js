/* Portal behaviour: no inline scripts (strict CSP). Charts read their data from JSON in the page. */
(function () {
  "use strict";

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
  function drawCharts(root) {
    if (typeof window.Chart === "undefined") { return; }
    (root || document).querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      if (canvas.dataset.drawn) { return; }
      var source = document.getElementById(canvas.dataset.source);
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var kind = canvas.dataset.chart;
      data.datasets.forEach(function (set, i) {
        var colours = kind === "doughnut" || kind === "pie" ? palette : palette[i % palette.length];
        set.backgroundColor = set.backgroundColor || colours;
        set.borderColor = set.borderColor || colours;
      });
      new window.Chart(canvas, {
        type: kind,
        data: data,
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          plugins: { legend: { display: data.datasets.length > 1 || kind === "doughnut" } },
          indexAxis: canvas.dataset.horizontal ? "y" : "x"
        }
      });
      canvas.dataset.drawn = "1";
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.body && document.body.addEventListener("htmx:afterSwap", function (e) { drawCharts(e.target); });
})();
