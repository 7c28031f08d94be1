"""Validation in the app: hostile uploads get a verdict (never a 500), HoSo's own files are
recognised (see hoso/grading/tests/test_hocba_recognised.py for học bạ)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pyhanko.sign import timestamps

from hoso.signing.engine.sign import sign_pdf
from hoso.signing.engine.testdocs import sample_pdf
from hoso.signing.engine.validate import build_validation_context
from hoso.signing.tests import hostile
from tests.factories import api_login, school_world

pytestmark = [pytest.mark.django_db, pytest.mark.own_world]


@pytest.fixture
def api() -> Any:
    """A principal's API client: anyone signed in may have a file checked."""
    return api_login(school_world("va").people["hieutruong"])


def _post(api: Any, pdf: bytes) -> Any:
    return api.post("/api/v1/signatures/validate/", {"file": io.BytesIO(pdf)}, format="multipart")


def test_damaged_dss_stream_answers_a_verdict(env: Any, api: Any) -> None:
    vc = build_validation_context(env.roots, other_certs=env.intermediates, allow_fetching=True)
    blt = sign_pdf(
        sample_pdf(1),
        env.signer(env.principal),
        level="B-LT",
        tsa_url=env.services.tsa_url,
        validation_context=vc,
    )
    response = _post(api, hostile.damage_dss_stream(blt))
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] and len(body["signatures"]) == 1


def test_two_number_byte_range_answers_a_verdict(env: Any, api: Any) -> None:
    signed = hostile.sign_stock(sample_pdf(1), hostile.stock_signer(env, env.principal))
    response = _post(api, hostile.two_number_byte_range(signed))
    assert response.status_code == 200
    body = response.json()
    assert body["all_valid"] is False
    assert "ByteRange" in body["signatures"][0]["verdict"]


def test_document_timestamp_answers_a_verdict(env: Any, api: Any) -> None:
    signed = hostile.sign_stock(
        sample_pdf(1),
        hostile.stock_signer(env, env.principal),
        timestamper=timestamps.HTTPTimeStamper(env.services.tsa_url),
    )
    response = _post(api, hostile.add_doc_timestamp(signed, env.services.tsa_url))
    assert response.status_code == 200
    kinds = [s["kind"] for s in response.json()["signatures"]]
    assert kinds == ["signature", "doc_timestamp"]
