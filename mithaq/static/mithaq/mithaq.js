/* The site's small behaviours, loaded on every page (no inline script: the CSP refuses it).

   The portal's submission form: a change of the service select, or the service field swapped
   in after a new unit, fires `service-changed` on <body>. Its promise and its service parts
   listen with hx-trigger="service-changed from:body": HTMX's filter expressions
   (change[target.id=='id_service']) would need eval, which the CSP and htmx.config.allowEval
   refuse. */
(function () {
  function serviceChanged() {
    document.body.dispatchEvent(new CustomEvent("service-changed", { bubbles: true }));
  }
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "id_service") serviceChanged();
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "service-field") serviceChanged();
  });
})();
