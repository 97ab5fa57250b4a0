// Phones start with the menu and an unused filter bar folded; wider screens keep them open.
document.addEventListener("DOMContentLoaded", function () {
  if (!window.matchMedia("(max-width: 760px)").matches) return;
  document.querySelectorAll(".nav-toggle, .filter-box[data-fold-on-phone]").forEach(function (el) {
    el.removeAttribute("open");
  });
});
