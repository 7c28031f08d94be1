from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from hoso.signing.engine import pki


def test_person_cert_has_vietnamese_cn_rsa2048_and_chain(env):
    cert = env.principal.cert
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Nguyễn Văn Thêm"
    assert cert.public_key().key_size == 2048
    assert cert.issuer == env.ca.intermediate.cert.subject
    assert env.ca.intermediate.cert.issuer == env.ca.root.cert.subject


def test_seal_cert_names_the_school(env):
    cn = env.seal.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert cn == "Trường THCS Đống Đa"


def test_pkcs12_round_trip_with_passphrase(env):
    key, cert, extra = pkcs12.load_key_and_certificates(
        env.p12(env.teacher), "mật-khẩu-demo".encode()
    )
    assert cert == env.teacher.cert
    assert [c.subject for c in extra] == [c.subject for c in env.ca.chain]


def test_crl_lists_revoked_serial_only(env):
    crl = pki.make_crl(env.ca)
    assert crl.get_revoked_certificate_by_serial_number(env.revoked.serial) is not None
    assert crl.get_revoked_certificate_by_serial_number(env.teacher.serial) is None
    assert crl.is_signature_valid(env.ca.intermediate.key.public_key())


def test_leaf_points_to_local_ocsp_and_crl(env):
    aia = env.teacher.cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    assert aia.value[0].access_location.value == env.services.ocsp_url
