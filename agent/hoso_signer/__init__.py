"""hoso-signer: local signer agent for HoSo's external two-phase signing.

Listens on 127.0.0.1 only and answers only the configured HoSo origin. The PIN is typed on
this computer; the private key never leaves the token.
"""

__version__ = "0.1.0"
