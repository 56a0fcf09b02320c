// The progress of an import's background job (templates/admin/imports/upload_preview.html),
// shown without reloading the page: the page's own address with ?progress is asked every two
// seconds, and once the job has moved on the page is loaded again to show what it did.
// Without scripts, the page's "Check again" link does the same by hand.
(function () {
  "use strict";
  var job = document.getElementById("job");
  if (!job || !window.fetch) {
    return;
  }
  var url = job.getAttribute("data-progress-url");
  var state = job.getAttribute("data-state");
  var status = document.getElementById("job-status");
  var bar = document.getElementById("job-progress");

  function ask() {
    window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json();
      })
      .then(function (progress) {
        if (progress.state !== state || progress.stopped) {
          window.location.reload();
          return;
        }
        if (progress.total) {
          bar.value = progress.percent;
          status.textContent =
            progress.percent + "% done: " + progress.done.toLocaleString("en-GB") + " of " +
            progress.total.toLocaleString("en-GB") + " grants.";
        }
        window.setTimeout(ask, 2000);
      })
      .catch(function () {
        window.setTimeout(ask, 5000);
      });
  }

  window.setTimeout(ask, 2000);
})();
