import io
import zipfile

import pytest
from asn1crypto import cms

from hoso.signing.engine.cades import sign_detached, validate_detached
from hoso.signing.engine.validate import build_validation_context


def _docx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            "word/document.xml", "<w:document>Kế hoạch giáo dục năm học 2025-2026</w:document>"
        )
    return buf.getvalue()


@pytest.fixture
def vc(env):
    return build_validation_context(env.roots, other_certs=env.intermediates)


def test_detached_cades_bes_round_trip(env, vc):
    data = _docx()
    p7s = sign_detached(data, env.signer(env.principal))
    info = cms.ContentInfo.load(p7s)
    assert info["content"]["encap_content_info"]["content"].native is None  # detached
    attrs = {a["type"].native for a in info["content"]["signer_infos"][0]["signed_attrs"]}
    assert {"signing_certificate_v2", "signing_time", "message_digest"} <= attrs
    report = validate_detached(data, p7s, vc)
    assert report.bottom_line and report.signer_name == "Nguyễn Văn Thêm"
    assert report.verdict.startswith("HỢP LỆ")


def test_modified_file_fails(env, vc):
    data = _docx()
    p7s = sign_detached(data, env.signer(env.teacher))
    report = validate_detached(data + b"x", p7s, vc)
    assert not report.intact and not report.bottom_line


@pytest.mark.slow
def test_cades_t_with_timestamp(env, vc):
    data = _docx()
    p7s = sign_detached(data, env.signer(env.seal), tsa_url=env.services.tsa_url)
    report = validate_detached(data, p7s, vc)
    assert report.bottom_line and report.timestamp_time.endswith("+07:00")
