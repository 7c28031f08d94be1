// Two-phase signing with the person's own USB token through the local HoSo Signer agent:
// HoSo prepares the PDF and the digest, the agent (PIN typed on the person's computer) signs
// the digest, HoSo embeds the signature. No inline scripts (CSP); the agent origin is allowed
// in connect-src (HOSO_SIGNER_AGENT_URL). The messages go through the JavaScript catalogue
// (gettext, ngettext, interpolate: loaded before this script by base.html).
(function () {
  "use strict";

  function say(el, text) { if (el) { el.textContent = text; } }

  // A translated message with its %(name)s placeholders filled in.
  function fill(format, values) { return interpolate(format, values, true); }

  async function json(url, options) {
    const response = await fetch(url, options);
    let body = {};
    try { body = await response.json(); } catch (e) { body = {}; }
    if (!response.ok) { throw new Error(body.message || body.error || fill(gettext("Lỗi %(status)s"), { status: response.status })); }
    return body;
  }

  function hoso(url, csrf, payload) {
    return json(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(payload || {}),
    });
  }

  async function agentStatus(agent) {
    try { return await json(agent + "/status", { method: "GET" }); }
    catch (e) { throw new Error(gettext("Không kết nối được HoSo Signer trên máy này. Hãy cắm USB token và chạy HoSo Signer.")); }
  }

  // Any failure to reach the agent (killed, token pulled out) is a network error in fetch.
  class AgentGone extends Error {}

  // The agent answered with an error; 409: the batch is over (ended or expired) on the agent.
  class AgentRefused extends Error {
    constructor(message, status) { super(message); this.status = status; }
  }

  async function agentPost(agent, path, payload) {
    let response;
    try {
      response = await fetch(agent + path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload),
      });
    } catch (e) {
      throw new AgentGone(gettext("Mất kết nối với HoSo Signer (chương trình đã bị tắt hoặc USB token bị rút)."));
    }
    let body = {};
    try { body = await response.json(); } catch (e) { body = {}; }
    if (!response.ok) {
      throw new AgentRefused(body.error || fill(gettext("HoSo Signer báo lỗi %(status)s"),
        { status: response.status }), response.status);
    }
    return body;
  }

  // One batch on the agent: the person confirms what is signed and types the PIN once there.
  function openBatch(agent, documents, keyId) {
    return agentPost(agent, "/batch", { documents: documents, key_id: keyId });
  }

  function closeBatch(agent, batch) {
    return agentPost(agent, "/batch/close", { batch: batch }).catch(function () { return null; });
  }

  // prepare → agent signs the digest → complete; the document is signed only by `complete`.
  async function signOne(agent, csrf, batch, record, certificate) {
    const base = "/api/v1/records/" + record + "/sign/";
    const prep = await hoso(base + "prepare/", csrf, certificate ? { certificate: certificate } : {});
    const signed = await agentPost(agent, "/sign",
      { batch: batch, digest_b64: prep.digest_b64, algorithm: prep.algorithm });
    await hoso(base + "complete/", csrf, { session: prep.session, signature_b64: signed.signature_b64 });
  }

  async function signWithAgent(button) {
    const agent = button.dataset.agent;
    const status = button.parentElement.querySelector(".agent-status");
    button.disabled = true;
    let batch = null;
    try {
      say(status, gettext("Đang kết nối HoSo Signer…"));
      await agentStatus(agent);
      // One document, sign or seal step: prepare first (it says which token key to use).
      // A teacher of several subjects of a score book signs each subject's block: all of
      // them under ONE confirmation and PIN on the agent, one after the other.
      const base = "/api/v1/records/" + button.dataset.record + "/sign/";
      const parts = (button.dataset.parts || "").split("|").filter(Boolean);
      const titles = parts.length ? parts.map(function (part) { return button.dataset.title + " — " + part; })
        : [button.dataset.title];
      say(status, gettext("Đang chuẩn bị tài liệu…"));
      let prep = await hoso(base + "prepare/", button.dataset.csrf, {});
      say(status, gettext("Hãy xác nhận và nhập mã PIN trên máy tính có USB token (HoSo Signer)…"));
      const opened = await openBatch(agent, titles.map(function (title) { return { title: title }; }), prep.key_id);
      batch = opened.batch;
      for (let index = 0; index < titles.length; index += 1) {
        say(status, titles.length > 1
          ? fill(gettext("Đang ký %(index)s/%(total)s…"), { index: index + 1, total: titles.length })
          : gettext("Đang ký…"));
        if (index > 0) { prep = await hoso(base + "prepare/", button.dataset.csrf, {}); }
        const signed = await agentPost(agent, "/sign",
          { batch: batch, digest_b64: prep.digest_b64, algorithm: prep.algorithm });
        await hoso(base + "complete/", button.dataset.csrf,
          { session: prep.session, signature_b64: signed.signature_b64 });
      }
      say(status, gettext("Đã ký xong."));
      window.location.reload();
    } catch (error) {
      say(status, error instanceof AgentGone
        ? fill(gettext("%(error)s Hồ sơ chưa được ký."), { error: error.message })
        : error.message);
      button.disabled = false;
    } finally {
      if (batch) { closeBatch(agent, batch); }
    }
  }

  function batchSelection() {
    const form = document.getElementById("batch-form");
    const thisWeek = form.querySelector("input[name=this_week]");
    const records = Array.from(document.querySelectorAll("input[name=records][form=batch-form]:checked"))
      .map(function (box) { return parseInt(box.value, 10); });
    return { records: records, this_week: Boolean(thisWeek && thisWeek.checked) };
  }

  // One document's line in the progress list: its title and what became of it.
  function row(doc, state) { return fill(gettext("%(title)s: %(state)s"), { title: doc.title, state: state }); }

  function progressPanel(documents) {
    const panel = document.getElementById("usb-batch-progress");
    const list = panel.querySelector("ul");
    list.replaceChildren();
    const rows = {};
    for (const doc of documents) {
      const li = document.createElement("li");
      li.dataset.record = doc.record;
      li.dataset.status = "pending";
      li.textContent = row(doc, gettext("chờ ký"));
      list.appendChild(li);
      rows[doc.record] = li;
    }
    const bar = panel.querySelector("progress");
    bar.max = Math.max(documents.length, 1);
    bar.value = 0;
    return {
      mark: function (doc, state, text) {
        rows[doc.record].dataset.status = state;
        rows[doc.record].textContent = row(doc, text);
      },
      step: function () { bar.value += 1; },
    };
  }

  async function signBatchWithAgent(button) {
    const agent = button.dataset.agent;
    const csrf = button.dataset.csrf;
    const panel = document.getElementById("usb-batch-progress");
    const summary = panel.querySelector("[data-testid=usb-batch-summary]");
    panel.hidden = false;
    button.disabled = true;
    let batch = null;
    let docs = [];
    let ui = null;
    try {
      say(summary, gettext("Đang kết nối HoSo Signer…"));
      await agentStatus(agent);
      const plan = await hoso("/api/v1/signing/usb-batches/", csrf, batchSelection());
      docs = plan.documents;
      ui = progressPanel(docs);
      say(summary, fill(ngettext(
        "Hãy xác nhận %(count)s hồ sơ và nhập mã PIN một lần trên máy tính có USB token (HoSo Signer)…",
        "Hãy xác nhận %(count)s hồ sơ và nhập mã PIN một lần trên máy tính có USB token (HoSo Signer)…",
        docs.length), { count: docs.length }));
      const opened = await openBatch(agent, docs.map(function (d) { return { title: d.title }; }), plan.certificate.key_id);
      batch = opened.batch;
      let done = 0;
      let failed = 0;
      let lost = null;
      for (const doc of docs) {
        if (lost) { ui.mark(doc, "unchanged", gettext("chưa ký, giữ nguyên")); continue; }
        say(summary, fill(gettext("Đang ký %(index)s/%(total)s: %(title)s"),
          { index: done + failed + 1, total: docs.length, title: doc.title }));
        try {
          await signOne(agent, csrf, batch, doc.record, plan.certificate.id);
          done += 1;
          ui.mark(doc, "done", gettext("đã ký"));
        } catch (error) {
          if (error instanceof AgentGone || (error instanceof AgentRefused && error.status === 409)) {
            lost = { doc: doc, message: error.message };
            ui.mark(doc, "unchanged", gettext("chưa ký, giữ nguyên"));
            continue;
          }
          failed += 1;
          ui.mark(doc, "failed", fill(gettext("lỗi — %(error)s"), { error: error.message }));
        }
        ui.step();
      }
      const counts = { done: done, total: docs.length, failed: failed };
      let text = failed
        ? fill(ngettext("Xong: đã ký %(done)s/%(total)s hồ sơ, lỗi %(failed)s.",
          "Xong: đã ký %(done)s/%(total)s hồ sơ, lỗi %(failed)s.", docs.length), counts)
        : fill(ngettext("Xong: đã ký %(done)s/%(total)s hồ sơ.",
          "Xong: đã ký %(done)s/%(total)s hồ sơ.", docs.length), counts);
      if (lost) {
        const left = docs.length - done - failed;
        text = [
          lost.message,
          fill(gettext("Việc ký dừng ở hồ sơ «%(title)s»."), { title: lost.doc.title }),
          fill(ngettext(
            "Đã ký %(done)s/%(total)s hồ sơ; %(left)s hồ sơ còn lại chưa được ký và giữ nguyên.",
            "Đã ký %(done)s/%(total)s hồ sơ; %(left)s hồ sơ còn lại chưa được ký và giữ nguyên.",
            left), { done: done, total: docs.length, left: left }),
          gettext("Hãy chạy lại HoSo Signer rồi ký tiếp các hồ sơ còn lại."),
        ].join(" ");
      }
      say(summary, text);
    } catch (error) {
      // Refused on the agent, wrong PIN, agent not running: nothing was signed.
      if (ui) { for (const doc of docs) { ui.mark(doc, "unchanged", gettext("chưa ký, giữ nguyên")); } }
      say(summary, error.message);
    } finally {
      if (batch) { await closeBatch(agent, batch); }
      button.disabled = false;
    }
  }

  async function readCertificates(button) {
    const status = document.getElementById("agent-read-status");
    try {
      await agentStatus(button.dataset.agent);
      const certs = await json(button.dataset.agent + "/certificates", { method: "GET" });
      let count = 0;
      for (const c of certs.certificates || []) {
        const pem = "-----BEGIN CERTIFICATE-----\n" + c.cert_b64 + "\n-----END CERTIFICATE-----\n";
        try {
          await hoso("/api/v1/signing/certificates/", button.dataset.csrf,
            { pem: pem, backend: "external", key_id: c.key_id });
          count += 1;
        } catch (e) { say(status, e.message); }
      }
      if (count) {
        say(status, fill(ngettext("Đã đăng ký %(count)s chứng thư từ USB token.",
          "Đã đăng ký %(count)s chứng thư từ USB token.", count), { count: count }));
        window.location.reload();
      }
    } catch (error) { say(status, error.message); }
  }

  document.addEventListener("click", function (event) {
    const sign = event.target.closest(".agent-sign");
    if (sign) { event.preventDefault(); signWithAgent(sign); return; }
    const usbBatch = event.target.closest("#usb-batch");
    if (usbBatch) { event.preventDefault(); signBatchWithAgent(usbBatch); return; }
    const read = event.target.closest("#agent-read-certs");
    if (read) { event.preventDefault(); readCertificates(read); }
  });
})();
