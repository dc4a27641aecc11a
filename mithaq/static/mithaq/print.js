// A button marked data-print prints the page (no inline script: the pages' CSP forbids it).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
