"""HoSo signing engine: plain Python (no Django models) over pyHanko.

Modules: pki (demo PKI), localservices (local TSA/OCSP/CRL), signers (PKCS#12, PKCS#11,
external two-phase), sign (PAdES), appearance (NĐ 30/2020 stamps), validate, cades.
"""

from hoso.signing.engine.errors import SigningError

__all__ = ["SigningError"]
