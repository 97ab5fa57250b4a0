// Phones start with the menu folded; wider screens keep it open.
document.addEventListener("DOMContentLoaded", function () {
  var toggle = document.querySelector(".nav-toggle");
  if (toggle && window.matchMedia("(max-width: 760px)").matches) toggle.removeAttribute("open");
});
