import hashlib
import socket
import threading
import time

import pytest

from hoso.signing.engine.batch import BatchOptions, jobs_for_directory, sign_batch
from hoso.signing.engine.errors import SigningError
from hoso.signing.engine.testdocs import sample_pdf
from hoso.signing.engine.validate import PdfValidator, pdfsig_all_intact
from hoso.signing.tests.conftest import PASS


@pytest.fixture
def folder(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for i in range(6):
        (src / f"kh{i}.pdf").write_bytes(sample_pdf(1 + i % 3, seed=i))
    (src / "hong.pdf").write_bytes(b"%PDF-1.4 broken")
    return src, tmp_path / "out"


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_signs_each_file_or_reports_error(env, folder, workers):
    src, dst = folder
    opts = BatchOptions(env.p12(env.principal), PASS, field_name="HieuTruong")
    seen = []
    results = list(
        sign_batch(jobs_for_directory(src, dst), opts, workers=workers, progress=seen.append)
    )
    assert len(seen) == len(results) == 7
    bad = [r for r in results if not r.ok]
    assert [r.source.rsplit("/", 1)[1] for r in bad] == ["hong.pdf"]
    assert "PDF" in bad[0].error
    assert not (dst / "hong.pdf").exists()  # never a half-written document
    validator = PdfValidator(env.roots, other_certs=env.intermediates)
    for r in results:
        if r.ok:
            data = open(r.target, "rb").read()
            assert validator.validate(data).all_valid and pdfsig_all_intact(data, 1)
            assert r.sha256 == hashlib.sha256(data).hexdigest()


def test_batch_with_wrong_passphrase_fails_before_writing(env, folder):
    src, dst = folder
    with pytest.raises(SigningError):
        list(sign_batch(jobs_for_directory(src, dst), BatchOptions(env.p12(env.principal), "x")))
    assert list(dst.glob("*.pdf")) == []


def test_batch_b_t_overlaps_time_stamps_and_each_file_is_complete(env, folder, monkeypatch):
    # Given a TSA that takes 0.4 s per answer and up to 3 documents in flight
    src, dst = folder
    inflight, peak, lock = [0], [0], threading.Lock()
    answer = env.services.timestamp_response

    def slow_answer(body: bytes) -> bytes:
        with lock:
            inflight[0] += 1
            peak[0] = max(peak[0], inflight[0])
        time.sleep(0.4)
        try:
            return answer(body)
        finally:
            with lock:
                inflight[0] -= 1

    monkeypatch.setattr(env.services, "timestamp_response", slow_answer)
    opts = BatchOptions(
        env.p12(env.principal),
        PASS,
        field_name="HieuTruong",
        level="B-T",
        tsa_url=env.services.tsa_url,
        tsa_parallel=3,
    )
    # When the batch runs
    results = list(sign_batch(jobs_for_directory(src, dst), opts))
    # Then the time-stamp requests overlapped, never more than 3 at once
    assert 2 <= peak[0] <= 3
    # And results come back in job order, the broken file fails alone
    assert [r.source for r in results] == sorted(str(p) for p in src.glob("*.pdf"))
    assert [r.ok for r in results] == [not r.source.endswith("hong.pdf") for r in results]
    # And every signed file carries a valid time-stamp, with the SHA-256 of what is on disk
    validator = PdfValidator(env.roots, other_certs=env.intermediates)
    for r in results:
        if r.ok:
            data = open(r.target, "rb").read()
            report = validator.validate(data)
            assert report.all_valid and pdfsig_all_intact(data, 1)
            assert report.signatures[0].timestamp_valid is True
            assert r.sha256 == hashlib.sha256(data).hexdigest()
    assert sorted(p.name for p in dst.iterdir()) == [f"kh{i}.pdf" for i in range(6)]


@pytest.mark.parametrize("workers", [1, 2])
def test_batch_b_t_with_tsa_down_writes_nothing(env, folder, workers):
    # Given a TSA address where nothing listens
    src, dst = folder
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/tsa"
    opts = BatchOptions(env.p12(env.principal), PASS, level="B-T", tsa_url=dead, tsa_parallel=4)
    # When the batch runs, then every document fails with the TSA message
    results = list(sign_batch(jobs_for_directory(src, dst), opts, workers=workers))
    assert len(results) == 7 and not any(r.ok for r in results)
    assert {r.error for r in results if not r.source.endswith("hong.pdf")} == {
        "Không lấy được dấu thời gian từ dịch vụ TSA."
    }
    # And nothing was written, not even a temporary file
    assert list(dst.iterdir()) == []


def test_batch_b_b_reuses_one_cms_skeleton_and_the_files_stay_valid(env, folder):
    # Given a signer that already signed one document (pyHanko built the CMS)
    from hoso.signing.engine.sign import sign_pdf
    from hoso.signing.engine.testdocs import sample_pdf as doc

    signer = env.signer(env.principal)
    first = sign_pdf(doc(1, seed=11), signer)
    skeleton = signer.pyhanko_signer._skeletons["sha256"]
    assert skeleton is not None
    # When more documents are signed from the skeleton
    later = [sign_pdf(doc(1 + i, seed=20 + i), signer) for i in range(3)]
    # Then every one validates (its digest is in its own CMS) and pdfsig agrees
    validator = PdfValidator(env.roots, other_certs=env.intermediates)
    for data in [first, *later]:
        assert validator.validate(data).all_valid and pdfsig_all_intact(data, 1)
    assert signer.pyhanko_signer._skeletons["sha256"] is skeleton
