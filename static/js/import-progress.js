// Polls an import job's status while it runs and reloads the page when it has finished.
// Loaded as a file: the content security policy forbids inline scripts.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var template = box.getAttribute("data-text") || "{processed} / {total} ({percent}%)";
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");
  var delay = 1000;

  function show(data) {
    if (bar) {
      bar.max = data.total || 1;
      bar.value = data.processed;
    }
    if (text) {
      text.textContent = template
        .replace("{processed}", data.processed)
        .replace("{total}", data.total)
        .replace("{percent}", data.percent);
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.status !== "pending" && data.status !== "running") {
          window.location.reload();
          return;
        }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
})();
