// Grouped bar chart of the bargaining progress page: targets, offers sent, agreements signed and in effect
// per child organisation (one bar group per table row). Data from the json_script block (CSP: no inline JS).
(function () {
  "use strict";
  var source = document.getElementById("progress-data");
  var canvas = document.getElementById("progress-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = { targets: "#9e9e9e", sent: "#ef6c00", signed: "#1565c0", in_effect: "#2e7d32" };
  var box = document.getElementById("progress-chart-box");
  if (box) { box.style.height = Math.max(220, 90 + 40 * data.labels.length) + "px"; }
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.datasets.map(function (set) {
        return { label: set.label, data: set.data, backgroundColor: colours[set.key] || "#607d8b", maxBarThickness: 18 };
      })
    },
    options: {
      indexAxis: "y", responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { position: "top" } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
})();
