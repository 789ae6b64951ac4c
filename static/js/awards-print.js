// The print button on the recommendation form (no inline script under the CSP).
(function () {
  "use strict";
  var button = document.getElementById("print-now");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
})();
