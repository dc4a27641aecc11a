// Reception's "find the person first": one click copies a found person's details into the
// form's citizen fields.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-fill-citizen]");
  if (!button) return;
  var values = JSON.parse(button.getAttribute("data-fill-citizen"));
  var form = document.querySelector("form.reception-form");
  if (!form) return;
  Object.keys(values).forEach(function (name) {
    var field = form.elements.namedItem(name);
    if (field && values[name]) {
      field.value = values[name];
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  var first = form.elements.namedItem("citizen_name");
  if (first) first.focus();
  button.textContent = button.getAttribute("data-done") || button.textContent;
});
