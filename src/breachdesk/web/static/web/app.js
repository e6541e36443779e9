// breachdesk's own behaviour; loaded as a file so the CSP can forbid inline script.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.classList.contains("autosubmit") && target.form) {
    target.form.requestSubmit();
  }
});
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".lang-submit").forEach((button) => button.classList.add("visually-hidden"));
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
