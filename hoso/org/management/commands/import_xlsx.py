from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hoso.core.errors import DomainError
from hoso.org.importing.columns import SHEETS
from hoso.org.importing.services import ImportRejected, import_file
from hoso.org.models import Unit


class Command(BaseCommand):
    help = (
        "Nhập dữ liệu từ Excel: "
        "hoso import staff|students|classes|enrolments TỆP --school MÃ --user TÊN"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(SHEETS))
        parser.add_argument("path")
        parser.add_argument("--school", required=True, help="mã trường, ví dụ TH1")
        parser.add_argument("--user", required=True, help="tài khoản thực hiện (được ghi nhật ký)")

    def handle(self, *args: Any, **options: Any) -> None:
        school = Unit.objects.filter(code=options["school"]).first()
        user = get_user_model().objects.filter(username=options["user"]).first()
        if school is None or user is None:
            raise CommandError("Không tìm thấy trường hoặc tài khoản.")
        try:
            result = import_file(
                actor=user,
                kind=options["kind"],
                school=school,
                data=Path(options["path"]).read_bytes(),
            )
        except ImportRejected as rejected:
            for error in rejected.result.errors:
                self.stderr.write(f"Dòng {error.row}: {error.message}")
            raise CommandError(rejected.message) from rejected
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Đã nhập {result.rows} dòng: thêm {result.created}, "
            f"cập nhật {result.updated}, không đổi {result.unchanged}."
        )
