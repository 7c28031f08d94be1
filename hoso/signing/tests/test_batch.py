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


def test_batch_with_wrong_passphrase_fails_before_writing(env, folder):
    src, dst = folder
    with pytest.raises(SigningError):
        list(sign_batch(jobs_for_directory(src, dst), BatchOptions(env.p12(env.principal), "x")))
    assert list(dst.glob("*.pdf")) == []
