/* The idle warning on staff pages with a form: a staff session ends after a set time without
   activity (mithaq.accounts.sessions). A couple of minutes before, a notice offers to stay
   signed in (a POST to the keep-alive address, which counts as activity); at the end it says
   the session is over, so that what was typed can be copied before leaving. Each request the
   page makes (HTMX) also counts as activity and starts the clock again. */
(function () {
  var box = document.getElementById("idle-warning");
  if (!box || !document.querySelector("main form")) return;
  var idle = parseInt(box.dataset.idleSeconds, 10) * 1000;
  var warn = parseInt(box.dataset.warnSeconds, 10) * 1000;
  var warnTimer = null, endTimer = null;

  function show(state) {
    box.hidden = state === null;
    box.querySelectorAll("[data-state]").forEach(function (part) {
      part.hidden = part.dataset.state !== state;
    });
  }
  function restart() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    show(null);
    warnTimer = setTimeout(function () { show("warn"); }, Math.max(0, idle - warn));
    endTimer = setTimeout(function () { show("ended"); }, idle);
  }
  function csrf() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  box.querySelector("[data-keep-session]").addEventListener("click", function () {
    fetch(box.dataset.keep, {
      method: "POST",
      headers: { "X-CSRFToken": csrf() },
      credentials: "same-origin",
      redirect: "manual"
    }).then(function (response) {
      if (response.status === 204) restart(); else show("ended");
    }, function () { show("ended"); });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var headers = event.detail && event.detail.requestConfig && event.detail.requestConfig.headers;
    if (!headers || headers["X-Mithaq-Poll"] !== "1") restart();
  });
  restart();
})();
