"""Search benchmark: synthetic Vietnamese record versions in every backend, a realistic query mix.

    .venv/bin/python bench/bench_search.py            # 1,000,000 versions (~10 min)
    .venv/bin/python bench/bench_search.py --quick    # 20,000 versions
    .venv/bin/python bench/bench_search.py --reuse    # query the indexes built before
    options: --n N --backends tantivy,postgres --dsn ... --warm --warm-dsn ... --dir /tmp/...
             --per-class 40 --check 5

Prints build times; p50/p95/p99/max per backend and query class and for the whole mix, for a
first pass (the cache as the server has it: PostgreSQL's default 128 MB shared_buffers) and a
second, warm pass over the same queries, with the load average; then cross-checks a sample of
queries: every hit of every backend is checked against the generated document (words, phrase,
prefix, filters, visibility), exact-accent hits must come first, and where both backends
count exactly they must return the same documents.

It makes what it needs: the PostgreSQL database of --dsn when missing and the --dir folder;
both are dropped at the end unless --keep or --reuse (which needs them again).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hoso.search.engine import (  # noqa: E402
    SearchBackend,
    SearchDocument,
    SearchFilters,
    SearchQuery,
    SearchResult,
    Visibility,
)

TERMS = """\
báo giảng|học sinh|kế hoạch|bài dạy|giáo viên|năm học|kiểm tra|đánh giá|lớp học|môn học
chương trình|hoạt động|nhà trường|tổ chuyên môn|sinh hoạt|phụ huynh|chủ nhiệm|học kỳ
tiết dạy|dự giờ|đào tạo|bồi dưỡng|giáo dục|phẩm chất|năng lực|thời khóa biểu|điểm số
nhận xét|hoàn thành|chưa hoàn thành|hoàn thành tốt|rèn luyện|hạnh kiểm|học lực|thi đua
khen thưởng|kỷ luật|chuyên cần|vắng mặt|có phép|không phép|giờ học|giáo án|phương pháp
đổi mới|tích cực|trải nghiệm|hướng nghiệp|nghiệp vụ|chuyên đề|thao giảng|hội giảng
sáng kiến|kinh nghiệm|nghiên cứu|bài học|luyện tập|ôn tập|củng cố|mở rộng|kiến thức
kỹ năng|thái độ|mục tiêu|yêu cầu cần đạt|thiết bị|đồ dùng|học liệu|sách giáo khoa
vở bài tập|phiếu học tập|bảng nhóm|máy chiếu|tiếng việt|toán|tự nhiên và xã hội|đạo đức
âm nhạc|mỹ thuật|thể dục|tin học|công nghệ|tiếng anh|lịch sử|địa lý|khoa học|vật lý
hóa học|sinh học|ngữ văn|giáo dục công dân|quốc phòng|an ninh|giáo dục thể chất
hoạt động trải nghiệm|giáo dục địa phương|biên bản|họp tổ|họp hội đồng|hội đồng sư phạm
ban giám hiệu|hiệu trưởng|phó hiệu trưởng|tổ trưởng|văn thư|thủ thư|thư viện|sổ điểm
học bạ|sổ chủ nhiệm|sổ theo dõi|sổ đăng bộ|sổ gọi tên|ghi điểm|kế hoạch giáo dục
kế hoạch cá nhân|phân phối chương trình|điều chỉnh|bổ sung|thực hiện|triển khai|tổng kết
sơ kết|báo cáo|thống kê|số liệu|tỉ lệ|xếp loại|giỏi|khá|trung bình|yếu|kém|xuất sắc
học sinh giỏi|học sinh tiên tiến|lên lớp|ở lại lớp|thi lại|rèn luyện hè|tuyển sinh
chuyển trường|nề nếp|vệ sinh|an toàn|phòng chống|dịch bệnh|bạo lực học đường
tai nạn thương tích|đuối nước|kỹ năng sống|giá trị sống|văn hóa|truyền thống
ngày nhà giáo|khai giảng|bế giảng|lễ hội|ngoại khóa|câu lạc bộ|đội thiếu niên
đoàn thanh niên|chi đội|liên đội|sao nhi đồng|phong trào|tình nguyện|kiểm định
chất lượng|minh chứng|tiêu chuẩn|tiêu chí|tự đánh giá|đánh giá ngoài|công nhận|đạt chuẩn
cơ sở vật chất|phòng học|phòng bộ môn|sân chơi|bãi tập|nhà vệ sinh|bếp ăn|bán trú
nội trú|tài chính|học phí|miễn giảm|hỗ trợ|chính sách|hộ nghèo|cận nghèo|khuyết tật
hòa nhập|dân tộc|ngoại ngữ|chứng chỉ|văn bằng|bằng tốt nghiệp|tốt nghiệp|xét tốt nghiệp
thi tuyển|đề thi|đáp án|ma trận|bản đặc tả|câu hỏi|trắc nghiệm|tự luận|thang điểm
hướng dẫn chấm|chấm bài|trả bài|sửa lỗi|đọc hiểu|viết đoạn văn|tập làm văn|chính tả
luyện từ và câu|kể chuyện|tập đọc|phép cộng|phép trừ|phép nhân|phép chia|phân số
số thập phân|hình học|đo lường|giải toán|bài toán có lời văn|biểu đồ|thí nghiệm
thực hành|quan sát|thảo luận nhóm|trò chơi|đóng vai|dạy học dự án|bàn tay nặn bột
chuyển đổi số|sổ điện tử|chữ ký số|trình ký|ký duyệt|ban hành|lưu trữ|đóng dấu|trả lại
khóa sổ|phòng giáo dục|sở giáo dục|công văn|quyết định|thông tư|hướng dẫn|chỉ thị
nghị định|kế hoạch năm|tuần lễ|tháng|học kỳ một|học kỳ hai|cuối năm|giữa kỳ|cuối kỳ
thường xuyên|định kỳ|đột xuất|buổi sáng|buổi chiều|hai buổi|một buổi|thời gian|địa điểm
thành phần|nội dung|kết luận|ý kiến|đề xuất|kiến nghị|giải pháp|biện pháp|nhiệm vụ
trọng tâm|chỉ tiêu|kết quả|hạn chế|nguyên nhân|bài học kinh nghiệm|phương hướng
nhiệm vụ năm học|hồ sơ|sổ sách|lý lịch|sơ yếu|hợp đồng|biên chế|lương|phụ cấp|thâm niên
nâng lương|bổ nhiệm|luân chuyển|điều động|nghỉ hưu|nghỉ phép|thai sản|ốm đau|bảo hiểm
công đoàn|thanh tra|kiểm tra nội bộ|tiếp công dân|khiếu nại|tố cáo|dân chủ|quy chế
nội quy|quy định|điều lệ|trường học|mầm non|tiểu học|trung học cơ sở|trung học phổ thông
liên cấp|điểm trường|vùng khó khăn|miền núi|hải đảo|thành phố|nông thôn|xã|phường|huyện
đà nẵng|hà nội|huế|hồ chí minh|cần thơ|đắk lắk|điện biên|đồng tháp|quảng ngãi|bình định
nguyễn du|truyện kiều|lý thường kiệt|trần hưng đạo|hai bà trưng|bác hồ|điện biên phủ
bạch đằng""".replace("\n", "|").split("|")

HO = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
DEM = "Văn Thị Minh Thu Ngọc Hữu Đức Thanh Quốc Bảo Thị Văn".split()
TEN = (
    "An Anh Ánh Bình Châu Chi Cường Dũng Duy Dương Đạt Giang Hà Hải Hạnh Hiền Hiếu Hoa Hòa Hùng "
    "Huy Hương Khánh Khoa Lan Liên Linh Loan Long Mai Minh My Nam Nga Ngà Ngân Ngọc Nhung Oanh "
    "Phong Phúc Phương Quân Quang Quyên Sơn Tâm Thảo Thắng Thành Thủy Trang Trinh Trung Tú Tuấn "
    "Vân Việt Yến Đức Đông Bạ Bà"
).split()
SUBJECTS = [
    "Toán",
    "Tiếng Việt",
    "Ngữ văn",
    "Địa lý",
    "Lịch sử",
    "Khoa học",
    "Tin học",
    "Tiếng Anh",
    "Đạo đức",
    "Âm nhạc",
    "Mỹ thuật",
    "Vật lý",
    "Hóa học",
    "Sinh học",
    "Công nghệ",
]
RECORD_TYPES = {
    "ke_hoach_bai_day": "Kế hoạch bài dạy",
    "so_bao_giang": "Sổ báo giảng",
    "de_kiem_tra": "Đề kiểm tra giữa kỳ",
    "so_chu_nhiem": "Sổ chủ nhiệm",
    "kh_giao_duc_ca_nhan": "Kế hoạch giáo dục cá nhân",
    "bb_sinh_hoat_cm": "Biên bản sinh hoạt chuyên môn",
    "so_du_gio": "Sổ dự giờ",
    "bao_cao_tong_ket": "Báo cáo tổng kết",
    "so_diem": "Sổ điểm",
    "kh_to": "Kế hoạch tổ chuyên môn",
}
STATES = ["draft", "submitted", "returned", "approved", "signed", "issued", "archived"]
STATE_WEIGHTS = [10, 10, 3, 12, 15, 45, 5]
YEARS = ["2023-2024", "2024-2025", "2025-2026"]
UNITS = 500
TEACHERS_PER_UNIT = 40
#: Schools 1-30 are Phòng 0's, 31-60 Phòng 1's…; unit ids of the Sở and the Phòngs.
SCHOOLS_PER_PHONG = 30
SO_UNIT = 100_000
PHONG_UNIT = 100_001
START = datetime(2023, 9, 1, tzinfo=UTC)


def _zipf_cum(n: int, s: float = 1.0) -> list[float]:
    return list(itertools.accumulate(1.0 / (r**s) for r in range(1, n + 1)))


def teacher_name(owner_id: int) -> str:
    r = random.Random(owner_id)
    return f"{r.choice(HO)} {r.choice(DEM)} {r.choice(TEN)}"


def generate(n: int, seed: int = 7) -> Iterator[SearchDocument]:
    """n record versions; ids 1..n in time order; 4 % typed without accents."""
    from hoso.search.folding import fold

    rnd = random.Random(seed)
    cum = _zipf_cum(len(TERMS))
    types = list(RECORD_TYPES)
    span = 3 * 365 * 86400 / max(n, 1)
    for i in range(1, n + 1):
        unit = rnd.randrange(1, UNITS + 1)
        owner = unit * TEACHERS_PER_UNIT + rnd.randrange(TEACHERS_PER_UNIT)
        rtype = rnd.choice(types)
        year = YEARS[min(2, (i * 3) // (n + 1))]
        title = (
            f"{RECORD_TYPES[rtype]} môn {rnd.choice(SUBJECTS)} lớp {rnd.randint(1, 12)}"
            f"{'ABCDE'[rnd.randrange(5)]}{rnd.randint(1, 3)} tuần {rnd.randint(1, 35)} "
            f"năm học {year} - GV {teacher_name(owner)}"
        )
        words = rnd.choices(TERMS, cum_weights=cum, k=rnd.randint(10, 22))
        student = f"{rnd.choice(HO)} {rnd.choice(DEM)} {rnd.choice(TEN)}"
        body = f"{' '.join(words)}. Học sinh {student}, mã HS{i:06d}."
        if rnd.random() < 0.04:
            body = fold(body)
        yield SearchDocument(
            id=i,
            title=title,
            body=body,
            metadata=f"{RECORD_TYPES[rtype]} {year} {rtype}",
            record_type=rtype,
            unit_id=unit,
            unit_path=(SO_UNIT, PHONG_UNIT + (unit - 1) // SCHOOLS_PER_PHONG, unit),
            school_year=year,
            state=rnd.choices(STATES, STATE_WEIGHTS)[0],
            owner_id=owner,
            updated_at=START + timedelta(seconds=int(i * span)),
        )


# --- the query mix ------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryClass:
    name: str
    weight: int  # share of the realistic mix
    make: Callable[[random.Random, int], SearchQuery]


def _everyone() -> Visibility:
    return Visibility.for_units(None, None)


def _teacher(r: random.Random) -> Visibility:
    unit = r.randrange(1, UNITS + 1)
    return Visibility.for_units({unit}, unit * TEACHERS_PER_UNIT + r.randrange(TEACHERS_PER_UNIT))


def _phong(r: random.Random) -> Visibility:
    """A Phòng's 30 schools, as the policy gives them: the units and the Phòng they lie in."""
    phong = r.randrange(UNITS // SCHOOLS_PER_PHONG)
    first = 1 + phong * SCHOOLS_PER_PHONG
    schools = range(first, first + SCHOOLS_PER_PHONG)
    return Visibility.for_units(schools, None, within={PHONG_UNIT + phong})


def _term(r: random.Random, lo: int, hi: int) -> str:
    return TERMS[r.randrange(lo, min(hi, len(TERMS)))]


def _fold(text: str) -> str:
    from hoso.search.folding import fold

    return fold(text)


def query_classes() -> list[QueryClass]:
    def q(text: str, vis: Visibility, **filters: object) -> SearchQuery:
        return SearchQuery(text=text, visibility=vis, filters=SearchFilters(**filters))  # type: ignore[arg-type]

    return [
        QueryClass("code", 5, lambda r, n: q(f"hs{r.randint(1, n):06d}", _everyone())),
        QueryClass(
            "name_folded", 5, lambda r, n: q(_fold(teacher_name(r.randint(40, 20000))), _everyone())
        ),
        QueryClass(
            "name_accented", 5, lambda r, n: q(teacher_name(r.randint(40, 20000)), _everyone())
        ),
        QueryClass("rare_term", 5, lambda r, n: q(_fold(_term(r, 250, 400)), _everyone())),
        QueryClass(
            "mid_terms_and",
            5,
            lambda r, n: q(f"{_fold(_term(r, 20, 80))} {_fold(_term(r, 20, 80))}", _everyone()),
        ),
        QueryClass(
            "common_term",
            5,
            lambda r, n: q(
                r.choice(["bao giang", "hoc", "ke hoach", "hoc sinh", "giao vien", "bài dạy"]),
                _everyone(),
            ),
        ),
        QueryClass(
            "common_accented",
            5,
            lambda r, n: q(
                r.choice(["báo giảng", "học", "kế hoạch", "học sinh", "đánh giá"]), _everyone()
            ),
        ),
        QueryClass(
            "phrase_title",
            5,
            lambda r, n: q(f'"ke hoach bai day" {_fold(r.choice(SUBJECTS))}', _everyone()),
        ),
        QueryClass(
            "phrase_quoted",
            5,
            lambda r, n: q(
                r.choice(['"ke hoach bai day"', '"đào tạo"', '"học sinh giỏi"', '"báo cáo"']),
                _everyone(),
            ),
        ),
        QueryClass(
            "prefix",
            5,
            lambda r, n: q(
                r.choice(["nghiep*", "giao*", "kiem*", "hoc*", "chuy*", "thu*"]), _everyone()
            ),
        ),
        QueryClass(
            "teacher_common",
            20,
            lambda r, n: q(
                r.choice(["bao giang", "ke hoach bai day", "tuần 12", "học sinh", "toan"]),
                _teacher(r),
            ),
        ),
        QueryClass(
            "teacher_type_year",
            10,
            lambda r, n: q(
                _fold(_term(r, 0, 100)),
                _teacher(r),
                record_types=frozenset({r.choice(list(RECORD_TYPES))}),
                school_years=frozenset({r.choice(YEARS)}),
            ),
        ),
        QueryClass(
            "phong_filtered",
            10,
            lambda r, n: q(
                _fold(_term(r, 0, 200)),
                _phong(r),
                record_types=frozenset({r.choice(list(RECORD_TYPES))}),
            ),
        ),
        QueryClass(
            "so_common_filtered",
            5,
            lambda r, n: q(
                r.choice(["bao giang", "hoc", "kế hoạch bài dạy", "danh gia"]),
                _everyone(),
                school_years=frozenset({r.choice(YEARS)}),
                states=frozenset({"issued", "signed"}),
            ),
        ),
        QueryClass(
            "filters_only",
            5,
            lambda r, n: q("", _teacher(r), record_types=frozenset({r.choice(list(RECORD_TYPES))})),
        ),
    ]


# --- running ------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def query_plan(n: int, per_class: int, seed: int = 11) -> list[tuple[QueryClass, SearchQuery]]:
    """The same shuffled queries for every backend and pass."""
    rnd = random.Random(seed)
    plan = [(c, c.make(rnd, n)) for c in query_classes() for _ in range(per_class)]
    rnd.shuffle(plan)
    return plan


def run_mix(
    backend: SearchBackend, plan: list[tuple[QueryClass, SearchQuery]]
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {c.name: [] for c in query_classes()}
    for cls, query in plan:
        started = time.perf_counter()
        backend.search(query)
        times[cls.name].append((time.perf_counter() - started) * 1000)
    return times


def _row(label: str, values: list[float], n: str = "") -> str:
    return (
        f"{label:22} {n:>4} {statistics.median(values):8.1f} {percentile(values, 95):8.1f} "
        f"{percentile(values, 99):8.1f} {max(values):8.1f}"
    )


def report(name: str, times: dict[str, list[float]]) -> None:
    weights = {c.name: c.weight for c in query_classes()}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n{name}: latency ms (wall clock, including Python); load average {load}")
    print(f"{'class':22} {'n':>4} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}")
    mix: list[float] = []
    for cls, values in times.items():
        mix.extend(values * weights[cls])
        print(_row(cls, values, str(len(values))))
    flat = [v for values in times.values() for v in values]
    print(_row("ALL (unweighted)", flat, str(len(flat))))
    print(_row("MIX (weighted)", mix))


# --- cross-check: the same answers from both backends -------------------------------------


def _doc_words(doc: SearchDocument) -> tuple[list[str], set[str]]:
    from hoso.search.folding import split_words

    exact = split_words(f"{doc.title}\n{doc.metadata}\n{doc.body}")
    return [_fold(w) for w in exact], set(exact)


def matches(doc: SearchDocument, query: SearchQuery) -> bool:
    """The query's meaning, evaluated on the generated document (the oracle)."""
    from hoso.search.engine import parse_query

    f, vis = query.filters, query.visibility
    facets = (
        (f.record_types, doc.record_type),
        (f.unit_ids, doc.unit_id),
        (f.school_years, doc.school_year),
        (f.states, doc.state),
        (f.owner_ids, doc.owner_id),
    )
    if any(allowed is not None and value not in allowed for allowed, value in facets):
        return False
    if not any(
        (g.unit_ids is None or doc.unit_id in g.unit_ids)
        and (g.owner_id is None or doc.owner_id == g.owner_id)
        and doc.state not in g.exclude_states
        for g in vis.grants
    ):
        return False
    folded, _ = _doc_words(doc)
    text = " ".join(folded)
    for clause in parse_query(query.text).clauses:
        words = [t.folded for t in clause.tokens]
        if clause.prefix:
            ok = any(w.startswith(words[0]) for w in folded)
        else:
            ok = f" {' '.join(words)} " in f" {text} "
        if not ok:
            return False
    return True


def exact_first(doc_ids: list[int], docs: dict[int, SearchDocument], query: SearchQuery) -> bool:
    """Documents holding every marked query word exactly come before the others."""
    from hoso.search.engine import parse_query

    marked = {t.exact for t in parse_query(query.text).exact_tokens}
    if not marked:
        return True
    tiers = [marked <= _doc_words(docs[i])[1] for i in doc_ids]
    return tiers == sorted(tiers, reverse=True)


def cross_check(backends: dict[str, SearchBackend], n: int, per_class: int) -> None:
    """Run a sample of the mix on every backend; check every hit against the generated
    documents, the exact-accent order, and equal answers where both counts are exact."""
    plan = query_plan(n, per_class, seed=23)
    answers = {
        name: [backend.search(replace(q, limit=100)) for _, q in plan]
        for name, backend in backends.items()
    }
    wanted = {i for results in answers.values() for r in results for i in r.ids}
    docs = {d.id: d for d in generate(n) if d.id in wanted}
    print(f"\ncross-check: {len(plan)} queries, {len(wanted)} distinct hits checked")
    problems = 0
    names = list(backends)
    for k, (cls, query) in enumerate(plan):
        for name in names:
            result = answers[name][k]
            wrong = [i for i in result.ids if not matches(docs[i], query)]
            if wrong or not exact_first(result.ids, docs, query):
                problems += 1
                print(f"  WRONG {name} {cls.name} {query.text!r}: {wrong[:5]} / order")
        results = [answers[name][k] for name in names]
        exact = [not r.total_is_lower_bound and r.total < 100 for r in results]
        if len(results) == 2 and all(exact):
            a, b = results
            if a.total != b.total or set(a.ids) != set(b.ids):
                problems += 1
                print(f"  DIFFER {cls.name} {query.text!r}: totals {a.total} vs {b.total}")
    overlap = _overlap(answers, names)
    print(f"  problems: {problems}; top-10 overlap between backends (mean): {overlap}")


def _overlap(answers: dict[str, list[SearchResult]], names: list[str]) -> str:
    if len(names) != 2:
        return "n/a"
    shares = [
        len(set(a.ids[:10]) & set(b.ids[:10])) / max(1, min(10, len(a.ids), len(b.ids)))
        for a, b in zip(answers[names[0]], answers[names[1]], strict=True)
        if a.ids or b.ids
    ]
    return f"{100 * statistics.fmean(shares):.0f} %"


def build_backend(kind: str, args: argparse.Namespace, dsn: str | None = None) -> SearchBackend:
    if kind == "tantivy":
        from hoso.search.tantivy_backend import TantivyBackend

        return TantivyBackend(Path(args.dir) / f"tantivy-{args.n}")
    from hoso.search.postgres_backend import PostgresBackend, connect

    return PostgresBackend(connect(dsn or args.dsn), table=f"bench_search_{args.n}")


def _cache_note(backend: SearchBackend) -> str:
    conn = getattr(backend, "conn", None)
    if conn is None:
        return "index files in the OS cache"
    row = conn.execute("SHOW shared_buffers").fetchone()
    return f"shared_buffers {row[0] if row else '?'}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--quick", action="store_true", help="20,000 versions")
    ap.add_argument("--backends", default="tantivy,postgres")
    ap.add_argument("--dsn", default="host=127.0.0.1 user=postgres dbname=hoso_bench_search")
    ap.add_argument("--warm-dsn", help="a second PostgreSQL (large shared_buffers), same table")
    ap.add_argument("--dir", default="/tmp/hoso-search-bench")
    ap.add_argument("--per-class", type=int, default=40)
    ap.add_argument("--check", type=int, default=5, help="cross-check queries per class (0: no)")
    ap.add_argument("--reuse", action="store_true", help="skip indexing if already built")
    ap.add_argument("--warm", action="store_true", help="`hoso search warm` before the first pass")
    ap.add_argument(
        "--keep", action="store_true", help="keep the database and folder it made (--reuse keeps)"
    )
    args = ap.parse_args()
    if args.quick:
        args.n = 20_000
    print(f"{args.n:,} record versions, {len(TERMS)} terms")
    plan = query_plan(args.n, args.per_class)
    made_dir = not Path(args.dir).exists()
    Path(args.dir).mkdir(parents=True, exist_ok=True)
    made_db = "postgres" in args.backends.split(",") and ensure_database(args.dsn)
    try:
        run(args, plan)
    finally:
        if not (args.keep or args.reuse):
            if made_db:
                drop_database(args.dsn)
            if made_dir:
                shutil.rmtree(args.dir, ignore_errors=True)


def _admin_dsn(dsn: str) -> tuple[str, str]:
    """(a DSN of the same server's maintenance database, the name of `dsn`'s database)."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = str(conninfo_to_dict(dsn).get("dbname") or "")
    return make_conninfo(dsn, dbname="postgres"), name


def ensure_database(dsn: str) -> bool:
    """Create the benchmark's database when it does not exist; True when this run made it."""
    import psycopg
    from psycopg import sql

    admin, name = _admin_dsn(dsn)
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"created database {name} (dropped at the end unless --keep)")
        return True


def drop_database(dsn: str) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_dsn(dsn)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def run(args: argparse.Namespace, plan: Any) -> None:
    backends: dict[str, SearchBackend] = {}
    for kind in args.backends.split(","):
        backend = backends[kind] = build_backend(kind, args)
        if not args.reuse:
            backend.clear()
            started = time.perf_counter()
            bulk = getattr(backend, "bulk_load", None)
            count = (bulk or backend.index)(generate(args.n))
            print(f"{kind}: indexed {count:,} in {time.perf_counter() - started:.1f} s")
        if args.warm:
            started = time.perf_counter()
            megabytes = backend.warm() / 1e6
            print(f"{kind}: warmed {megabytes:,.0f} MB in {time.perf_counter() - started:.1f} s")
        # First pass: the default cache as the server has it; second: every page touched once.
        report(f"{kind}, first pass ({_cache_note(backend)})", run_mix(backend, plan))
        report(f"{kind}, second pass (warm)", run_mix(backend, plan))
        if kind == "postgres" and args.warm_dsn:
            warm = build_backend(kind, args, args.warm_dsn)
            _prewarm(warm)
            run_mix(warm, plan)
            report(f"{kind}, prewarmed ({_cache_note(warm)})", run_mix(warm, plan))
    if args.check:
        cross_check(backends, args.n, args.check)


def _prewarm(backend: SearchBackend) -> None:
    conn = getattr(backend, "conn")  # noqa: B009 - PostgresBackend only
    table = getattr(backend, "table")  # noqa: B009
    conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
    conn.execute(
        "SELECT pg_prewarm(c.oid) FROM pg_class c WHERE c.relname = %s"
        " OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = %s::regclass)",
        (table, table),
    )


if __name__ == "__main__":
    main()
