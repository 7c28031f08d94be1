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

  async function signWithAgent(button) {
    const agent = button.dataset.agent;
    const csrf = button.dataset.csrf;
    const record = button.dataset.record;
    const status = button.parentElement.querySelector(".agent-status");
    button.disabled = true;
    try {
      say(status, "Đang kết nối HoSo Signer…");
      await agentStatus(agent);
      say(status, "Đang chuẩn bị tài liệu…");
      const prep = await hoso("/api/v1/records/" + record + "/sign/prepare/", csrf, {});
      let keyId = prep.key_id;
      if (!keyId) {
        const certs = await json(agent + "/certificates", { method: "GET" });
        if (!certs.certificates || !certs.certificates.length) { throw new Error("USB token không có chứng thư số."); }
        keyId = certs.certificates[0].key_id;
      }
      say(status, "Đang ký trên USB token…");
      const signed = await json(agent + "/sign", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ digest_b64: prep.digest_b64, algorithm: prep.algorithm, key_id: keyId }),
      });
      say(status, "Đang hoàn tất…");
      await hoso("/api/v1/records/" + record + "/sign/complete/", csrf,
        { session: prep.session, signature_b64: signed.signature_b64 });
      say(status, "Đã ký xong.");
      window.location.reload();
    } catch (error) {
      say(status, error.message);
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
    const read = event.target.closest("#agent-read-certs");
    if (read) { event.preventDefault(); readCertificates(read); }
  });
})();
