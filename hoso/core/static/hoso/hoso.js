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

// A table wider than its box scrolls inside it (.table-wrap): such a box takes the keyboard
// focus, so that the arrow keys scroll it, and is named after the table's caption or the
// heading above it. A box that fits gives the focus back (no useless tab stop).
function hosoScrollBoxes() {
  document.querySelectorAll(".table-wrap").forEach(function (box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var caption = box.querySelector("caption");
      var heading = box.previousElementSibling;
      while (heading && !/^H[1-6]$/.test(heading.tagName)) heading = heading.previousElementSibling;
      var name = (caption || heading || document.querySelector("h1") || {}).textContent;
      if (name) box.setAttribute("aria-label", name.trim());
    } else if (!scrolls && box.getAttribute("role") === "region") {
      ["tabindex", "role", "aria-label"].forEach(function (a) { box.removeAttribute(a); });
    }
  });
}
document.addEventListener("DOMContentLoaded", hosoScrollBoxes);
document.addEventListener("htmx:load", hosoScrollBoxes);
window.addEventListener("resize", hosoScrollBoxes);

// The file picker (core/_file_field.html): the chosen or dropped file's name and size as the
// page's language writes them ("bai-day.pdf — 1,2 MB" in Vietnamese, "1.2 MB" in English); the
// real input stays the one the form sends. gettext, ngettext, interpolate and get_format come
// from the JavaScript catalogue, loaded before this script (base.html).
function hosoFileSize(bytes) {
  var units = [[1073741824, "GB"], [1048576, "MB"], [1024, "KB"]];
  for (var i = 0; i < units.length; i++) {
    if (bytes >= units[i][0]) {
      var text = (Math.round(bytes / units[i][0] * 10) / 10).toFixed(1).replace(/\.0$/, "");
      return text.replace(".", get_format("DECIMAL_SEPARATOR")) + " " + units[i][1];
    }
  }
  return interpolate(ngettext("%(count)s byte", "%(count)s byte", bytes), { count: bytes }, true);
}

function hosoFilePicker(box) {
  if (box.dataset.ready) return;
  box.dataset.ready = "1";
  var input = box.querySelector("input[type=file]");
  var zone = box.querySelector(".filepick-zone");
  var state = box.querySelector(".filepick-state");
  var hint = box.querySelector(".filepick-drop");
  if (!input || !zone || !state) return;
  if (hint) hint.hidden = false;
  function show() {
    var files = Array.prototype.slice.call(input.files || []);
    state.classList.toggle("empty", files.length === 0);
    state.textContent = files.length === 0 ? state.dataset.empty : files.map(function (f) {
      return f.name + " — " + hosoFileSize(f.size);
    }).join("; ");
  }
  input.addEventListener("change", show);
  if (input.form) input.form.addEventListener("reset", function () { setTimeout(show, 0); });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      box.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { box.classList.remove("dragging"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    var dropped = event.dataTransfer && event.dataTransfer.files;
    if (!dropped || dropped.length === 0) return;
    if (!input.multiple && dropped.length > 1) {
      var one = new DataTransfer();
      one.items.add(dropped[0]);
      dropped = one.files;
    }
    input.files = dropped;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
  show();  // a file kept by the browser on "Back"
}

function hosoFilePickers(root) {
  (root || document).querySelectorAll("[data-filepick]").forEach(hosoFilePicker);
}
document.addEventListener("DOMContentLoaded", function () { hosoFilePickers(document); });
document.addEventListener("htmx:load", function (event) { hosoFilePickers(event.detail.elt); });
// A file dropped beside the zone would make the browser leave the page to show it.
["dragover", "drop"].forEach(function (name) {
  document.addEventListener(name, function (event) {
    var target = event.target;
    var inZone = target && target.closest && target.closest(".filepick-zone");
    if (document.querySelector("[data-filepick]") && !inZone) {
      event.preventDefault();
    }
  });
});
