// HoSo: small progressive enhancements. No inline scripts (the CSP forbids them).
document.addEventListener("htmx:responseError", function (event) {
  // Show server-side validation fragments (4xx) instead of dropping them.
  var xhr = event.detail.xhr;
  if (xhr.status >= 400 && xhr.status < 500 && event.detail.target) {
    event.detail.target.innerHTML = xhr.responseText;
  }
});
