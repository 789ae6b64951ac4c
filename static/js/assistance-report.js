// Bar chart of the assistance report: filed households by category (stacked) per organisation, one bar
// per row of the table. Horizontal, so that long union names stay readable on a phone; the box grows with
// the number of rows. The data comes from the json_script block (no inline JS: CSP).
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  var canvas = document.getElementById("report-chart");
  if (!source || !canvas || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var colours = { deep: "#b71c1c", relative: "#ef6c00", accident: "#f9a825", none: "#9e9e9e" };
  var box = document.getElementById("report-chart-box");
  if (box) { box.style.height = Math.max(220, 90 + 30 * data.labels.length) + "px"; }
  // Long union names are shortened on the axis (the tooltip keeps the whole name).
  var room = window.innerWidth < 576 ? 9 : 18;
  function shortLabel(value) {
    var label = this.getLabelForValue(value);
    return label.length > room ? label.slice(0, room - 1) + "…" : label;
  }
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.datasets.map(function (set) {
        return { label: set.label, data: set.data, backgroundColor: colours[set.key] || "#607d8b", maxBarThickness: 28 };
      })
    },
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: "top" } },
      scales: {
        x: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: data.unit } },
        y: { stacked: true, ticks: { callback: shortLabel } }
      }
    }
  });
})();
