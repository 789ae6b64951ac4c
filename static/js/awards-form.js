// Live character counts for the nomination's summary and deeds, counted as the rules count them:
// characters excluding whitespace. The server checks again; this only helps while typing.
(function () {
  "use strict";
  var template = document.documentElement.lang === "en" ? "{n} / {limit} characters" : "已输入 {n} 字 / 上限 {limit} 字";
  document.querySelectorAll(".award-counter").forEach(function (counter) {
    var field = document.getElementById(counter.getAttribute("data-for"));
    if (!field) { return; }
    var limit = parseInt(field.getAttribute("data-char-limit"), 10);
    function update() {
      var n = field.value.replace(/\s/g, "").length;
      counter.textContent = template.replace("{n}", n).replace("{limit}", limit);
      counter.classList.toggle("text-danger", n > limit);
      counter.classList.toggle("text-secondary", n <= limit);
    }
    field.addEventListener("input", update);
    update();
  });
})();
