// Line chart of the ranking page: each entrant's checked total per period, from the json_script block
// (no inline JS: CSP).
(function () {
  "use strict";
  var source = document.getElementById("ranking-data");
  var canvas = document.getElementById("ranking-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (s) { return { label: s.label, data: s.data, tension: 0.2 }; })
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { min: 0 } } }
  });
})();
