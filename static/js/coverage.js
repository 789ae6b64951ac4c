// Bar chart of the coverage page; the data comes from the json_script block (no inline JS: CSP).
(function () {
  "use strict";
  var source = document.getElementById("coverage-data");
  var canvas = document.getElementById("coverage-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.legend[0], data: data.account, backgroundColor: "#b71c1c" },
        { label: data.legend[1], data: data.active, backgroundColor: "#ef9a9a" }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } } }
    }
  });
})();
