// Review queue: "select all" ticks every row's checkbox.
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (!all) return;
  all.addEventListener("change", function () {
    document.querySelectorAll("#queue-table .row-check, #final-table .row-check").forEach(function (box) {
      box.checked = all.checked;
    });
  });
})();
