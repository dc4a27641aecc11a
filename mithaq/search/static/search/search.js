// The inbox's "select all" box: checks or clears every row's box on the page shown.
document.addEventListener("change", (event) => {
  const all = event.target.closest("input[data-select-all]");
  if (!all) return;
  for (const box of document.querySelectorAll('input[name="bulk-cases"][form="bulk-form"]')) {
    box.checked = all.checked;
  }
});
