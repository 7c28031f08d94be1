// HoSo entry grid: keyboard first (Tab, Enter, arrows), paste a block from Excel, checks as
// you type, saves in the background. No framework, no inline script (CSP).
(function () {
  "use strict";
  var table = document.getElementById("grid");
  if (!table) return;
  var statusEl = document.getElementById("grid-status");
  var saveUrl = table.dataset.saveUrl;
  var rows = Array.prototype.map.call(table.tBodies[0].rows, function (tr) {
    return Array.prototype.slice.call(tr.querySelectorAll("input"));
  });
  var byKey = {};
  rows.forEach(function (r) { r.forEach(function (i) { byKey[i.dataset.key] = i; i.dataset.saved = i.value; }); });
  var dirty = {};
  var timer = null;
  var inFlight = false;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }

  // --- checks as you type (the server checks again with the rules) ---------------------
  var norm = function (v) { return v.trim().toLowerCase(); };
  var CHECKS = {
    level: function (v) { return /^(t|h|c|hoàn thành tốt|hoàn thành|chưa hoàn thành)$/.test(norm(v)) || "Chỉ nhập T, H hoặc C."; },
    trait: function (v) { return /^(t|đ|d|c|tốt|đạt|cần cố gắng)$/.test(norm(v)) || "Chỉ nhập T (Tốt), Đ (Đạt) hoặc C (Cần cố gắng)."; },
    rating: function (v) { return /^(đ|d|cđ|cd|đạt|chưa đạt)$/.test(norm(v)) || "Môn nhận xét chỉ nhận Đ hoặc CĐ."; },
    conduct: function (v) { return /^(t|k|đ|d|cđ|cd|tốt|khá|đạt|chưa đạt)$/.test(norm(v)) || "Chỉ nhập T, K, Đ hoặc CĐ."; },
    score_int: function (v) {
      return (/^\d{1,2}$/.test(v.trim()) && +v <= 10) || "Điểm là số nguyên từ 0 đến 10, không có phần thập phân.";
    },
    score: function (v) {
      var t = v.trim().replace(",", ".");
      return (/^\d{1,2}(\.\d)?$/.test(t) && +t <= 10) || "Điểm từ 0 đến 10, tối đa một chữ số thập phân.";
    },
    text: function (v) { return v.length <= 500 || "Nhận xét tối đa 500 ký tự."; }
  };

  function check(input) {
    var v = input.value;
    var ok = v.trim() === "" ? true : (CHECKS[input.dataset.kind] || CHECKS.text)(v);
    setError(input, ok === true ? "" : ok);
    return ok === true;
  }

  function setError(input, message) {
    input.classList.toggle("invalid", !!message);
    if (message) { input.setAttribute("aria-invalid", "true"); input.title = message; }
    else { input.removeAttribute("aria-invalid"); input.removeAttribute("title"); }
  }

  function status(text, isError) {
    statusEl.textContent = text;
    statusEl.classList.toggle("error", !!isError);
  }

  // --- saving -----------------------------------------------------------------------------
  function markDirty(input) {
    if (input.readOnly) return;
    if (input.value === input.dataset.saved) { delete dirty[input.dataset.key]; input.classList.remove("dirty"); return; }
    if (!check(input)) { delete dirty[input.dataset.key]; return; }
    dirty[input.dataset.key] = true;
    input.classList.add("dirty");
    schedule(700);
  }

  function schedule(ms) { clearTimeout(timer); timer = setTimeout(save, ms); }

  function save() {
    var keys = Object.keys(dirty);
    if (!keys.length) return;
    if (inFlight) { schedule(400); return; }
    var cells = keys.map(function (k) { byKey[k].classList.add("saving"); return { key: k, value: byKey[k].value }; });
    dirty = {};
    inFlight = true;
    status("Đang lưu " + cells.length + " ô…");
    fetch(saveUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ cells: cells })
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) { return { ok: resp.ok, data: data }; });
    }).then(function (r) {
      inFlight = false;
      cells.forEach(function (c) { byKey[c.key].classList.remove("saving"); });
      if (r.ok) { applySaved(r.data.saved || []); return; }
      var fields = (r.data && r.data.fields) || {};
      var bad = Object.keys(fields);
      bad.forEach(function (k) { if (byKey[k]) setError(byKey[k], fields[k][0]); });
      // Nothing was saved: send the good cells again, keep the bad ones for the teacher.
      cells.forEach(function (c) { if (bad.indexOf(c.key) < 0 && bad.length) dirty[c.key] = true; });
      status((r.data && r.data.message) || "Không lưu được, hãy thử lại.", true);
      if (!bad.length) cells.forEach(function (c) { dirty[c.key] = true; });
      else if (Object.keys(dirty).length) schedule(100);
    }).catch(function () {
      inFlight = false;
      cells.forEach(function (c) { byKey[c.key].classList.remove("saving"); dirty[c.key] = true; });
      status("Mất kết nối; các ô chưa lưu vẫn được giữ và sẽ gửi lại.", true);
      schedule(5000);
    });
  }

  function applySaved(saved) {
    saved.forEach(function (s) {
      var input = byKey[s.key];
      if (!input) return;
      input.dataset.saved = s.text;
      if (!dirty[s.key]) input.value = s.text;
      if (input.value === s.text) { delete dirty[s.key]; input.classList.remove("dirty"); }
      setError(input, "");
    });
    var t = new Date();
    status("Đã lưu lúc " + t.toLocaleTimeString("vi-VN") + (Object.keys(dirty).length ? "" : ". Mọi thay đổi đã được lưu."));
  }

  // --- keyboard -----------------------------------------------------------------------------
  function position(input) {
    for (var r = 0; r < rows.length; r++) {
      var c = rows[r].indexOf(input);
      if (c >= 0) return [r, c];
    }
    return null;
  }

  function focusAt(r, c) {
    if (r < 0 || r >= rows.length) return;
    var cell = rows[r][Math.max(0, Math.min(c, rows[r].length - 1))];
    if (cell) { cell.focus(); cell.select(); }
  }

  table.addEventListener("keydown", function (e) {
    var input = e.target;
    if (input.tagName !== "INPUT") return;
    var p = position(input);
    if (!p) return;
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    var whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    if (e.key === "Enter") { e.preventDefault(); focusAt(p[0] + (e.shiftKey ? -1 : 1), p[1]); }
    else if (e.key === "ArrowDown") { e.preventDefault(); focusAt(p[0] + 1, p[1]); }
    else if (e.key === "ArrowUp") { e.preventDefault(); focusAt(p[0] - 1, p[1]); }
    else if (e.key === "ArrowRight" && (atEnd || whole)) { e.preventDefault(); focusAt(p[0], p[1] + 1); }
    else if (e.key === "ArrowLeft" && (atStart || whole)) { e.preventDefault(); focusAt(p[0], p[1] - 1); }
    else if (e.key === "Escape") { input.value = input.dataset.saved; markDirty(input); setError(input, ""); }
  });

  table.addEventListener("input", function (e) { if (e.target.tagName === "INPUT") check(e.target); });
  table.addEventListener("change", function (e) { if (e.target.tagName === "INPUT") markDirty(e.target); });
  table.addEventListener("focusin", function (e) { if (e.target.tagName === "INPUT") e.target.select(); });

  // --- paste a block from Excel (tab-separated rows) ---------------------------------------
  table.addEventListener("paste", function (e) {
    var input = e.target;
    var p = input.tagName === "INPUT" ? position(input) : null;
    var text = (e.clipboardData || window.clipboardData).getData("text");
    if (!p || !text || (text.indexOf("\t") < 0 && text.indexOf("\n") < 0)) return;
    e.preventDefault();
    var lines = text.replace(/\r/g, "").replace(/\n$/, "").split("\n");
    var skipped = 0;
    lines.forEach(function (line, dr) {
      line.split("\t").forEach(function (value, dc) {
        var row = rows[p[0] + dr];
        var cell = row && row[p[1] + dc];
        if (!cell) { skipped++; return; }
        if (cell.readOnly) { skipped++; return; }
        cell.value = value.trim();
        markDirty(cell);
      });
    });
    if (skipped) status("Đã dán; " + skipped + " giá trị nằm ngoài bảng hoặc vào ô đang khóa nên bị bỏ qua.", true);
    schedule(200);
  });

  window.addEventListener("beforeunload", function (e) {
    if (Object.keys(dirty).length || inFlight) { save(); e.preventDefault(); e.returnValue = ""; }
  });
})();
