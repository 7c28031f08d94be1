// HoSo: small progressive enhancements. No inline scripts (the CSP forbids them).
document.addEventListener("htmx:responseError", function (event) {
  // Show server-side validation fragments (4xx) instead of dropping them.
  var xhr = event.detail.xhr;
  if (xhr.status >= 400 && xhr.status < 500 && event.detail.target) {
    event.detail.target.innerHTML = xhr.responseText;
  }
});

// The menu: below 768 px it folds behind its "Menu" button; one group open at a time, closed
// by Escape or a click elsewhere.
document.addEventListener("DOMContentLoaded", function () {
  var nav = document.querySelector("nav.mainnav");
  if (!nav) return;
  var toggle = nav.querySelector(".menu-toggle");
  var groups = nav.querySelectorAll("details.navgroup");
  nav.classList.add("folding");
  toggle.hidden = false;
  toggle.addEventListener("click", function () {
    var open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  });
  function closeGroups(except) {
    groups.forEach(function (group) { if (group !== except) group.open = false; });
  }
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () { if (group.open) closeGroups(group); });
  });
  document.addEventListener("click", function (event) {
    if (!nav.contains(event.target)) closeGroups(null);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeGroups(null);
  });
});
