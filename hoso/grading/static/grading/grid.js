// HoSo entry grid: keyboard first (Tab, Enter, arrows), paste a block from Excel, saves in the
// background. The server decides what is valid: it saves the good cells and answers every bad
// one with its reason, which stays written under the red cell until the teacher fixes it.
// No framework, no inline script (CSP); the messages go through the JavaScript catalogue
// (gettext, ngettext, interpolate: loaded before this script by base.html).
(function () {
  "use strict";
  var table = document.getElementById("grid");
  if (!table) return;
  var statusEl = document.getElementById("grid-status");
  var saveUrl = table.dataset.saveUrl;
  var BATCH = 500;  // cells per request; the rest follow in the next one
  var rows = Array.prototype.map.call(table.tBodies[0].rows, function (tr) {
    return Array.prototype.slice.call(tr.querySelectorAll("input"));
  });
  var byKey = {};
  rows.forEach(function (r) { r.forEach(function (i) { byKey[i.dataset.key] = i; i.dataset.saved = i.value; }); });
  var dirty = {};     // key → true: changed, not sent yet
  var sending = {};   // key → value sent, while the request is out
  var refused = {};   // key → the server's reason; the typed value stays in the cell
  var savedAt = null;
  var failure = "";   // why the last request failed as a whole (network, permission)
  var notice = "";
  var timer = null;

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; }
    catch (e) { return ""; }
  }

  // A translated message with its %(name)s placeholders filled in.
  function fill(format, values) { return interpolate(format, values, true); }

  function cellsRefused(count) {
    return fill(ngettext("%(count)s ô chưa lưu được — sửa các ô màu đỏ",
      "%(count)s ô chưa lưu được — sửa các ô màu đỏ", count), { count: count });
  }

  function cellsOffline(count) {
    return fill(ngettext("Mất kết nối; %(count)s ô chưa lưu vẫn được giữ và sẽ gửi lại.",
      "Mất kết nối; %(count)s ô chưa lưu vẫn được giữ và sẽ gửi lại.", count), { count: count });
  }

  function valuesSkipped(count) {
    return fill(ngettext(
      "Đã dán; %(count)s giá trị nằm ngoài bảng hoặc vào ô đang khóa nên bị bỏ qua.",
      "Đã dán; %(count)s giá trị nằm ngoài bảng hoặc vào ô đang khóa nên bị bỏ qua.",
      count), { count: count });
  }

  function size(o) { return Object.keys(o).length; }

  function hhmm(d) { return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2); }

  // --- the status line: never "saved" while a cell is refused or on its way -----------------
  function render() {
    var parts = [];
    var bad = size(refused);
    var pending = size(dirty) + size(sending);
    if (bad) parts.push(cellsRefused(bad));
    if (failure) parts.push(failure);
    else if (pending) parts.push(gettext("Đang lưu…"));
    else if (!bad && savedAt) parts.push(fill(gettext("Đã lưu lúc %(time)s"), { time: hhmm(savedAt) }));
    if (notice) parts.push(notice);
    statusEl.textContent = parts.join(" · ");
    statusEl.classList.toggle("error", !!(bad || failure));
  }

  // --- a refused cell: red, its reason written under it, tied to it for screen readers ------
  function showReason(input, reason) {
    var id = "ly-do-" + input.dataset.key.replace(/[^\w-]/g, "-");
    var el = document.getElementById(id);
    if (reason) {
      if (!el) {
        el = document.createElement("small");
        el.id = id;
        el.className = "cell-reason";
        input.parentNode.appendChild(el);
      }
      el.textContent = reason;
      input.classList.add("invalid");
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", id);
      input.title = reason;
    } else {
      if (el) el.parentNode.removeChild(el);
      input.classList.remove("invalid");
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      input.removeAttribute("title");
    }
  }

  // --- saving -------------------------------------------------------------------------------
  function markDirty(input) {
    if (input.readOnly) return;
    var key = input.dataset.key;
    if (input.value === input.dataset.saved) {
      delete dirty[key];
      input.classList.remove("dirty");
      if (refused[key]) { delete refused[key]; showReason(input, ""); }
    } else {
      dirty[key] = true;
      input.classList.add("dirty");
      schedule(700);
    }
    render();
  }

  function schedule(ms) { clearTimeout(timer); timer = setTimeout(save, ms); }

  function save() {
    var keys = Object.keys(dirty);
    if (!keys.length) return;
    if (size(sending)) { schedule(400); return; }
    var cells = keys.slice(0, BATCH).map(function (k) {
      delete dirty[k];
      sending[k] = byKey[k].value;
      byKey[k].classList.add("saving");
      return { key: k, value: byKey[k].value };
    });
    failure = "";
    render();
    fetch(saveUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ cells: cells })
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        return { status: resp.status, data: data || {} };
      });
    }).then(function (r) {
      // Answered cell by cell (200: all saved; 400: some refused, the others saved).
      if (Array.isArray(r.data.saved) && Array.isArray(r.data.refused)) { answered(r.data); return; }
      // Refused as a whole (permission, unreadable request, server error): nothing was saved,
      // every cell stays pending. Only a server error is worth retrying by itself.
      requeue(msgOr(r.data.message, gettext("Không lưu được, hãy thử lại.")));
      if (r.status >= 500) schedule(5000);
    }).catch(function () {
      requeue(null);
      schedule(5000);
    });
  }

  function msgOr(text, fallback) { return typeof text === "string" && text ? text : fallback; }

  function release() {
    var sent = sending;
    sending = {};
    Object.keys(sent).forEach(function (k) { byKey[k].classList.remove("saving"); });
    return sent;
  }

  function requeue(message) {
    var sent = release();
    Object.keys(sent).forEach(function (k) { dirty[k] = true; });
    failure = message || cellsOffline(size(dirty));
    render();
  }

  function answered(data) {
    var sent = release();
    (data.saved || []).forEach(function (s) { applySaved(s); delete sent[s.key]; });
    (data.refused || []).forEach(function (f) { applyRefused(f, sent); delete sent[f.key]; });
    // A cell the answer does not mention was not saved: keep it pending.
    Object.keys(sent).forEach(function (k) { dirty[k] = true; });
    applyAverages(data.averages || {});
    if ((data.saved || []).length) savedAt = new Date();
    render();
    if (size(dirty)) schedule(size(sent) ? 5000 : 100);
  }

  function applySaved(s) {
    var input = byKey[s.key];
    if (!input) return;
    input.dataset.saved = s.text;
    delete refused[s.key];
    if (!dirty[s.key]) {
      input.value = s.text;
      input.classList.remove("dirty");
    }
    showReason(input, "");
  }

  function applyRefused(f, sent) {
    var input = byKey[f.key];
    if (!input) return;
    if (dirty[f.key] && input.value !== sent[f.key]) return;  // changed since: on its way again
    delete dirty[f.key];
    input.classList.remove("dirty");
    refused[f.key] = f.reason;
    showReason(input, f.reason);
  }

  // --- subject averages, as the server computed them -----------------------------------------
  function applyAverages(averages) {
    Object.keys(averages).forEach(function (student) {
      var terms = averages[student];
      Object.keys(terms).forEach(function (term) {
        var td = table.querySelector('td[data-avg="' + student + "|" + term + '"]');
        if (!td) return;
        td.querySelector(".avg-text").textContent = terms[term].text;
        td.querySelector(".avg-reason").textContent = terms[term].reason;
        if (terms[term].reason) td.title = terms[term].reason;
        else td.removeAttribute("title");
      });
    });
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
    if (notice) { notice = ""; render(); }
    var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    var atEnd = input.selectionStart === input.value.length;
    var whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
    if (e.key === "Enter") { e.preventDefault(); focusAt(p[0] + (e.shiftKey ? -1 : 1), p[1]); }
    else if (e.key === "ArrowDown") { e.preventDefault(); focusAt(p[0] + 1, p[1]); }
    else if (e.key === "ArrowUp") { e.preventDefault(); focusAt(p[0] - 1, p[1]); }
    else if (e.key === "ArrowRight" && (atEnd || whole)) { e.preventDefault(); focusAt(p[0], p[1] + 1); }
    else if (e.key === "ArrowLeft" && (atStart || whole)) { e.preventDefault(); focusAt(p[0], p[1] - 1); }
    else if (e.key === "Escape") { input.value = input.dataset.saved; markDirty(input); }
  });

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
        if (!cell || cell.readOnly) { skipped++; return; }
        cell.value = value.trim();
        markDirty(cell);
      });
    });
    notice = skipped ? valuesSkipped(skipped) : "";
    render();
    schedule(200);
  });

  // Leaving with cells pending or refused asks first (the browser shows its own wording).
  window.addEventListener("beforeunload", function (e) {
    if (!size(dirty) && !size(sending) && !size(refused)) return;
    if (size(dirty)) save();
    e.preventDefault();
    e.returnValue = "";
  });
})();
