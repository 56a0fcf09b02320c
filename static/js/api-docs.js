// Starts Swagger UI on the API documentation page (templates/api/docs.html) from the
// schema address the page gives, offering GET alone, as the API is read-only. No badge from
// swagger.io's validator: the page works offline and sends nothing elsewhere.
"use strict";

window.addEventListener("DOMContentLoaded", function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.schemaUrl,
    domNode: root,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // No deep links: each would be a link inside the button that opens its endpoint.
    deepLinking: false,
    validatorUrl: null,
    supportedSubmitMethods: ["get"],
    defaultModelsExpandDepth: 0,
  });
});
