// The widget builder's copy button (templates/embed/builder.html): shown only where the
// browser can copy, and saying so when it has. Without it the code can still be selected
// in its box and copied by hand.
"use strict";

window.addEventListener("DOMContentLoaded", function () {
  if (!navigator.clipboard) {
    return;
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var code = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.status);
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(code.value).then(
        function () {
          status.textContent = "Copied: paste it into your page.";
        },
        function () {
          code.select();
          status.textContent = "The code could not be copied: it is selected, so copy it by hand.";
        }
      );
    });
  });
});
