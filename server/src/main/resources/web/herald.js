// Saves a switch or a selector as soon as it changes; without JavaScript each form has its own button.
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});
