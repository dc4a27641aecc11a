/* The hall's small behaviours, without inline scripts:
   - a form marked data-once disables its buttons on the first tap (the server's one-time
     token is what really prevents a second ticket);
   - a page with #autoprint prints itself, then returns to the kiosk;
   - a button marked data-print prints the page (no inline onclick: the CSP refuses it). */
(function () {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-once")) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    setTimeout(function () {
      form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var marker = document.getElementById("autoprint");
    if (marker) {
      setTimeout(function () { window.print(); }, 300);
      setTimeout(function () { window.location.href = marker.dataset.back; }, 12000);
    }
  });
})();
