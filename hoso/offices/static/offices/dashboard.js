// Draws the dashboard charts from the JSON block the page carries (no inline script: CSP). The
// series' names go through the JavaScript catalogue (gettext: loaded before this script, base.html).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var units = document.getElementById("chart-units");
    if (units) {
      new Chart(units, {
        type: "bar",
        data: {
          labels: data.units,
          datasets: [
            { label: gettext("Đúng hạn"), data: data.on_time, backgroundColor: "#2e7d32" },
            { label: gettext("Trễ hạn"), data: data.late, backgroundColor: "#f9a825" },
            { label: gettext("Chưa nộp"), data: data.missing, backgroundColor: "#c62828" }
          ]
        },
        options: { responsive: true, scales: { x: { stacked: true }, y: { stacked: true } } }
      });
    }
    var weeks = document.getElementById("chart-weeks");
    if (weeks) {
      new Chart(weeks, {
        type: "line",
        data: {
          labels: data.weeks,
          datasets: [
            { label: gettext("Đến hạn"), data: data.due, borderColor: "#1565c0" },
            { label: gettext("Đã nộp"), data: data.submitted, borderColor: "#2e7d32" }
          ]
        },
        options: { responsive: true }
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
