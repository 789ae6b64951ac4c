// Weekly trend charts of the six-function dashboard; the data comes from the json_script block (no
// inline JS: CSP). One small line chart per series, on the canvas whose index matches.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-trend-data");
  if (!source || typeof Chart === "undefined") { return; }
  var series = JSON.parse(source.textContent);
  series.forEach(function (s, i) {
    var canvas = document.getElementById("trend-" + i);
    if (!canvas) { return; }
    new Chart(canvas, {
      type: "line",
      data: {
        labels: s.labels,
        datasets: [{ label: s.label, data: s.values, borderColor: "#b71c1c", backgroundColor: "#ef9a9a", tension: 0 }]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  });
})();
