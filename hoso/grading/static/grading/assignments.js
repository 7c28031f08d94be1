// Assignment grid: "Cả cột" fills one teacher into every class of a column; changed cells are
// highlighted until saved. No inline scripts (CSP).
(function () {
  "use strict";
  function mark(select) {
    var initial = select.getAttribute("data-initial");
    select.classList.toggle("changed", select.value !== initial);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var grid = document.querySelector("table.assign-grid");
    if (!grid) { return; }
    grid.querySelectorAll("tbody select").forEach(function (select) {
      select.setAttribute("data-initial", select.value);
      select.addEventListener("change", function () { mark(select); });
    });
    grid.querySelectorAll("select.fill-column").forEach(function (fill) {
      fill.addEventListener("change", function () {
        if (!fill.value) { return; }
        var column = fill.getAttribute("data-column");
        grid.querySelectorAll('tbody select[data-column="' + column + '"]').forEach(function (select) {
          select.value = fill.value;
          mark(select);
        });
      });
    });
  });
})();
