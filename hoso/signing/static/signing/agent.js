// Two-phase signing with the person's own USB token through the local HoSo Signer agent:
// HoSo prepares the PDF and the digest, the agent (PIN typed on the person's computer) signs
// the digest, HoSo embeds the signature. No inline scripts (CSP); the agent origin is allowed
// in connect-src (HOSO_SIGNER_AGENT_URL).
(function () {
  "use strict";

  function say(el, text) { if (el) { el.textContent = text; } }

  async function json(url, options) {
    const response = await fetch(url, options);
    let body = {};
    try { body = await response.json(); } catch (e) { body = {}; }
    if (!response.ok) { throw new Error(body.message || body.error || ("Lỗi " + response.status)); }
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
    catch (e) { throw new Error("Không kết nối được HoSo Signer trên máy này. Hãy cắm USB token và chạy HoSo Signer."); }
  }

  // Any failure to reach the agent (killed, token pulled out) is a network error in fetch.
  class AgentGone extends Error {}

  async function agentPost(agent, path, payload) {
    let response;
    try {
      response = await fetch(agent + path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload),
      });
    } catch (e) {
      throw new AgentGone("Mất kết nối với HoSo Signer (chương trình đã bị tắt hoặc USB token bị rút).");
    }
    let body = {};
    try { body = await response.json(); } catch (e) { body = {}; }
    if (!response.ok) { throw new Error(body.error || ("HoSo Signer báo lỗi " + response.status)); }
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
      say(status, "Đang kết nối HoSo Signer…");
      await agentStatus(agent);
      // One document, sign or seal step: prepare first (it says which token key to use).
      // A teacher of several subjects of a score book signs each subject's block: all of
      // them under ONE confirmation and PIN on the agent, one after the other.
      const base = "/api/v1/records/" + button.dataset.record + "/sign/";
      const parts = (button.dataset.parts || "").split("|").filter(Boolean);
      const titles = parts.length ? parts.map(function (part) { return button.dataset.title + " — " + part; })
        : [button.dataset.title];
      say(status, "Đang chuẩn bị tài liệu…");
      let prep = await hoso(base + "prepare/", button.dataset.csrf, {});
      say(status, "Hãy xác nhận và nhập mã PIN trên máy tính có USB token (HoSo Signer)…");
      const opened = await openBatch(agent, titles.map(function (title) { return { title: title }; }), prep.key_id);
      batch = opened.batch;
      for (let index = 0; index < titles.length; index += 1) {
        say(status, titles.length > 1 ? "Đang ký " + (index + 1) + "/" + titles.length + "…" : "Đang ký…");
        if (index > 0) { prep = await hoso(base + "prepare/", button.dataset.csrf, {}); }
        const signed = await agentPost(agent, "/sign",
          { batch: batch, digest_b64: prep.digest_b64, algorithm: prep.algorithm });
        await hoso(base + "complete/", button.dataset.csrf,
          { session: prep.session, signature_b64: signed.signature_b64 });
      }
      say(status, "Đã ký xong.");
      window.location.reload();
    } catch (error) {
      say(status, error.message + (error instanceof AgentGone ? " Hồ sơ chưa được ký." : ""));
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

  function progressPanel(documents) {
    const panel = document.getElementById("usb-batch-progress");
    const list = panel.querySelector("ul");
    list.replaceChildren();
    const rows = {};
    for (const doc of documents) {
      const li = document.createElement("li");
      li.dataset.record = doc.record;
      li.dataset.status = "pending";
      li.textContent = doc.title + ": chờ ký";
      list.appendChild(li);
      rows[doc.record] = li;
    }
    const bar = panel.querySelector("progress");
    bar.max = Math.max(documents.length, 1);
    bar.value = 0;
    return {
      mark: function (doc, state, text) {
        rows[doc.record].dataset.status = state;
        rows[doc.record].textContent = doc.title + ": " + text;
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
      say(summary, "Đang kết nối HoSo Signer…");
      await agentStatus(agent);
      const plan = await hoso("/api/v1/signing/usb-batches/", csrf, batchSelection());
      docs = plan.documents;
      ui = progressPanel(docs);
      say(summary, "Hãy xác nhận " + docs.length + " hồ sơ và nhập mã PIN một lần trên máy tính có USB token (HoSo Signer)…");
      const opened = await openBatch(agent, docs.map(function (d) { return { title: d.title }; }), plan.certificate.key_id);
      batch = opened.batch;
      let done = 0;
      let failed = 0;
      let lost = null;
      for (const doc of docs) {
        if (lost) { ui.mark(doc, "unchanged", "chưa ký, giữ nguyên"); continue; }
        say(summary, "Đang ký " + (done + failed + 1) + "/" + docs.length + ": " + doc.title);
        try {
          await signOne(agent, csrf, batch, doc.record, plan.certificate.id);
          done += 1;
          ui.mark(doc, "done", "đã ký");
        } catch (error) {
          if (error instanceof AgentGone || error.message.indexOf("Lô ký") === 0) {
            lost = { doc: doc, message: error.message };
            ui.mark(doc, "unchanged", "chưa ký, giữ nguyên");
            continue;
          }
          failed += 1;
          ui.mark(doc, "failed", "lỗi — " + error.message);
        }
        ui.step();
      }
      let text = "Xong: đã ký " + done + "/" + docs.length + " hồ sơ" + (failed ? ", lỗi " + failed : "") + ".";
      if (lost) {
        const left = docs.length - done - failed;
        text = lost.message + " Việc ký dừng ở hồ sơ «" + lost.doc.title + "». Đã ký " + done + "/" +
          docs.length + " hồ sơ; " + left + " hồ sơ còn lại chưa được ký và giữ nguyên. " +
          "Hãy chạy lại HoSo Signer rồi ký tiếp các hồ sơ còn lại.";
      }
      say(summary, text);
    } catch (error) {
      // Refused on the agent, wrong PIN, agent not running: nothing was signed.
      if (ui) { for (const doc of docs) { ui.mark(doc, "unchanged", "chưa ký, giữ nguyên"); } }
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
      if (count) { say(status, "Đã đăng ký " + count + " chứng thư từ USB token."); window.location.reload(); }
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
