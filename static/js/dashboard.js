// Draws the dashboard charts from the JSON data block (no inline script: CSP-safe).
// Every chart's numbers are also in a table next to it.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var palette = ["#7a1f1f", "#1f5f7a", "#3d7a1f", "#b5832a", "#6a4c93", "#2a9d8f", "#e76f51", "#264653"];

  function datasets(series, type) {
    return series.map(function (s, i) {
      var colour = palette[i % palette.length];
      var set = { label: s.label, data: s.data, borderColor: colour, backgroundColor: colour };
      if (type === "doughnut") {
        set.backgroundColor = s.data.map(function (_, j) { return palette[j % palette.length]; });
      }
      if (type === "line") {
        set.fill = false;
        set.tension = 0.2;
        set.spanGaps = true;
      }
      return set;
    });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var chart = data[canvas.dataset.chart];
    if (!chart || !chart.labels.length) {
      canvas.closest(".chart-box").classList.add("d-none");
      return;
    }
    var type = canvas.dataset.chartType || "bar";
    var percent = canvas.dataset.chart !== "models";
    new Chart(canvas, {
      type: type,
      data: { labels: chart.labels, datasets: datasets(chart.series, type) },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: "bottom" } },
        scales: type === "doughnut" ? {} : {
          y: percent ? { beginAtZero: true, suggestedMax: 100 } : { beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
  });
})();
