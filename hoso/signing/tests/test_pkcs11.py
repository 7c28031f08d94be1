import base64
import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.external import complete_external, prepare_external
from hoso.signing.engine.sign import sign_pdf
from hoso.signing.engine.signers import Pkcs11Signer
from hoso.signing.engine.testdocs import sample_pdf
from hoso.signing.engine.validate import PdfValidator, pdfsig_all_intact
from hoso.signing.tests.helpers import assert_all_valid

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "agent"))
from hoso_signer.batch import TokenAccess  # noqa: E402
from hoso_signer.server import SignerAgent  # noqa: E402

pytestmark = [pytest.mark.softhsm, pytest.mark.slow]
ORIGIN = "https://hoso.example.edu.vn"


@pytest.fixture(scope="module")
def validator(env):
    return PdfValidator(env.roots, other_certs=env.intermediates)


def test_server_side_pkcs11_signer_on_softhsm(env, softhsm, validator):
    with Pkcs11Signer(
        softhsm.lib,
        token_label=softhsm.label,
        pin=softhsm.pin,
        key_id=softhsm.key_id,
        extra_certs=env.intermediates,
    ) as signer:
        signed = sign_pdf(sample_pdf(1), signer, field_name="GiaoVien")
    assert assert_all_valid(signed, validator, 1).signatures[0].signer_name == "Hoàng Thị Tú Anh"


def test_wrong_pin_is_a_clear_error(softhsm):
    with pytest.raises(SigningError) as err:
        Pkcs11Signer(softhsm.lib, token_label=softhsm.label, pin="000000", key_id=softhsm.key_id)
    assert err.value.code == "bad_pin"


@pytest.fixture(scope="module")
def agent(softhsm):
    access = TokenAccess(softhsm.lib, softhsm.label)
    agent = SignerAgent(
        access, ORIGIN, confirm=lambda summary: True, pin_source=lambda: softhsm.pin
    ).start()
    yield agent
    agent.stop()


def _call(agent, path, body=None, origin=ORIGIN):
    data = json.dumps(body).encode() if body is not None else None
    method = "POST" if data else "GET"
    req = urllib.request.Request(agent.url + path, data=data, method=method)  # noqa: S310
    if origin:
        req.add_header("Origin", origin)
    req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:  # noqa: S310
            return resp.status, dict(resp.headers), json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read() or b"{}")


def test_agent_end_to_end_prepare_sign_complete(env, agent, validator):
    status, headers, certs = _call(agent, "/certificates")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == ORIGIN
    cert = next(c for c in certs["certificates"] if c["key_id"] == "01")  # other tests add keys
    cert_der = base64.b64decode(cert["cert_b64"])
    chain = [c.public_bytes(serialization.Encoding.DER) for c in env.ca.chain]
    state, digest = prepare_external(sample_pdf(1), cert_der, chain, field_name="HieuTruong")
    status, _, opened = _call(
        agent, "/batch", {"documents": [{"title": "Sổ điểm"}], "key_id": cert["key_id"]}
    )
    assert status == 200, opened
    status, _, body = _call(
        agent,
        "/sign",
        {
            "digest_b64": base64.b64encode(digest).decode(),
            "algorithm": "sha256",
            "batch": opened["batch"],
        },
    )
    assert status == 200, body
    signed = complete_external(state, base64.b64decode(body["signature_b64"]))
    assert pdfsig_all_intact(signed, 1)
    assert assert_all_valid(signed, validator, 1).signatures[0].signer_name == "Hoàng Thị Tú Anh"


@pytest.mark.parametrize("origin", ["https://evil.example.com", None])
def test_agent_rejects_other_origins(agent, origin):
    status, headers, body = _call(agent, "/status", origin=origin)
    assert status == 403
    assert "Access-Control-Allow-Origin" not in headers
    status, _, _ = _call(agent, "/sign", {"digest_b64": "AA==", "key_id": "01"}, origin=origin)
    assert status == 403


def test_agent_status_and_bad_digest(agent):
    status, _, body = _call(agent, "/status")
    assert status == 200 and body["token"] == "hoso-test"
    _, _, opened = _call(agent, "/batch", {"documents": [{"title": "A"}], "key_id": "01"})
    status, _, body = _call(agent, "/sign", {"digest_b64": "AAAA", "batch": opened["batch"]})
    assert status == 400 and "không hợp lệ" in body["error"]
    agent.batches.close_current()
