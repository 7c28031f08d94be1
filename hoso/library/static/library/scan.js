// Circulation desk: a USB scanner types the code and Enter into the focused field (plain form
// behaviour). On a phone, "Quét bằng camera" reads a barcode or QR code with the browser's
// BarcodeDetector and puts it into the first empty scan field, then submits that form. The
// messages go through the JavaScript catalogue (gettext: loaded before this script, base.html).
(function () {
  "use strict";
  function firstEmpty() {
    var fields = document.querySelectorAll("input[data-scan]");
    for (var i = 0; i < fields.length; i++) { if (!fields[i].value) { return fields[i]; } }
    return fields[fields.length - 1];
  }
  function start(button) {
    var video = document.getElementById("camera");
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices) {
      button.textContent = gettext("Trình duyệt này không đọc được mã bằng camera; hãy gõ hoặc dùng máy quét.");
      return;
    }
    var detector = new window.BarcodeDetector();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.hidden = false;
      video.srcObject = stream;
      video.play();
      var timer = setInterval(function () {
        detector.detect(video).then(function (codes) {
          if (!codes.length) { return; }
          clearInterval(timer);
          stream.getTracks().forEach(function (t) { t.stop(); });
          video.hidden = true;
          var field = firstEmpty();
          field.value = codes[0].rawValue;
          field.form.submit();
        });
      }, 300);
    }).catch(function () { button.textContent = gettext("Không mở được camera."); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-camera]");
    if (button) { button.addEventListener("click", function () { start(button); }); }
  });
})();
