"""Files carried inside a PDF as associated files (PDF 2.0 /AF, as PDF/A-3 does).

The học bạ PDF carries its XML data: unsigned in the document catalog when the PDF is made, and
each signer's signed XML on that signer's own signature field, written in the same incremental
update as the signature and therefore covered by it. Why not replace the catalog's file at each
signature: the catalog and its name tree then change after the earlier signatures, which
pyHanko, Adobe and other validators report as a disallowed change; a new signature field with
everything it points to is an allowed one. pyHanko's change analysis approves a new
signature field together with what its appearance (/AP) points to, so the file hangs on the
field's appearance XObject (/AF on a form XObject, PDF 2.0 §14.13): on the stamp pyHanko draws
for a visible signature (`style_with_attachment`), on an empty one for an invisible signature
(`invisible_field_with_attachment`). The latest signed XML is the one on the last signature
field that carries it (`latest_attachment`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.content import RawContent
from pyhanko.pdf_utils.embed import EmbeddedFileObject, EmbeddedFileParams, FileSpec, embed_file
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.sign import fields
from pyhanko.stamp import StaticStampStyle, TextStampStyle
from pyhanko.stamp.base import BaseStampStyle


@dataclass(frozen=True)
class Attachment:
    """A file to carry: its name, bytes, MIME type, description, and relationship to the
    document (PDF 2.0 /AFRelationship: Data = the data the document presents)."""

    name: str
    data: bytes
    mime_type: str = "text/xml"
    description: str = ""
    relationship: str = "/Data"

    def file_spec(self, writer: BasePdfFileWriter) -> FileSpec:
        stream = EmbeddedFileObject.from_file_data(
            writer,
            self.data,
            params=EmbeddedFileParams(embed_size=True, embed_checksum=True),
            mime_type=self.mime_type,
        )
        return FileSpec(
            file_spec_string=self.name,
            file_name=self.name,
            embedded_data=stream,
            description=self.description or None,
            af_relationship=generic.NameObject(self.relationship),
        )


def attach_to_document(pdf: bytes, attachment: Attachment) -> bytes:
    """Embed into the catalog (/Names /EmbeddedFiles and /AF). Only for a PDF not yet signed."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    embed_file(writer, attachment.file_spec(writer))
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def attach_to_appearance(
    writer: BasePdfFileWriter, annot: generic.DictionaryObject, attachment: Attachment
) -> None:
    """Associate `attachment` with the normal appearance of a widget made in this update."""
    normal_ref = annot["/AP"].raw_get("/N")
    xobject = normal_ref.get_object()
    spec_ref = writer.add_object(attachment.file_spec(writer).as_pdf_object())
    xobject["/AF"] = generic.ArrayObject([spec_ref])
    writer.update_container(xobject)


def invisible_field_with_attachment(
    writer: BasePdfFileWriter, spec: fields.SigFieldSpec, attachment: Attachment
) -> None:
    """Create the (invisible) signature field now, as pyHanko would, with an empty appearance
    that carries `attachment`; the signer then fills this field."""
    fields.append_signature_field(writer, spec)
    name = spec.sig_field_name
    for found, _, field_ref in fields.enumerate_sig_fields(writer, with_name=name):
        if found == name:
            annot = field_ref.get_object()
            empty = RawContent(b"", box=BoxConstraints(width=1, height=1)).as_form_xobject()
            annot["/AP"] = generic.DictionaryObject({"/N": writer.add_object(empty)})
            attach_to_appearance(writer, annot, attachment)
            writer.mark_update(field_ref)


class _AttachingStamp:
    """pyHanko's stamp, whose appearance then carries the attachment."""

    def __init__(self, stamp: Any, writer: BasePdfFileWriter, attachment: Attachment) -> None:
        self._stamp, self._writer, self._attachment = stamp, writer, attachment

    def apply_appearance(self, sig_annot: generic.DictionaryObject) -> None:
        self._stamp.apply_appearance(sig_annot)
        attach_to_appearance(self._writer, sig_annot, self._attachment)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stamp, name)


@dataclass(frozen=True)
class AttachingTextStampStyle(TextStampStyle):
    attachment: Attachment | None = None

    def create_stamp(self, writer: Any, box: Any, text_params: dict[str, Any]) -> Any:
        stamp = super().create_stamp(writer, box, text_params)
        return _AttachingStamp(stamp, writer, self.attachment) if self.attachment else stamp


@dataclass(frozen=True)
class AttachingStaticStampStyle(StaticStampStyle):
    attachment: Attachment | None = None

    def create_stamp(self, writer: Any, box: Any, text_params: dict[str, Any]) -> Any:
        stamp = super().create_stamp(writer, box, text_params)
        return _AttachingStamp(stamp, writer, self.attachment) if self.attachment else stamp


def style_with_attachment(style: BaseStampStyle, attachment: Attachment) -> BaseStampStyle:
    """The same stamp style (text block or image), its appearance carrying `attachment`."""
    kind: type[BaseStampStyle]
    if isinstance(style, TextStampStyle):
        kind = AttachingTextStampStyle
    elif isinstance(style, StaticStampStyle):
        kind = AttachingStaticStampStyle
    else:
        raise TypeError(f"no attaching variant of {type(style).__name__}")
    values = {f.name: getattr(style, f.name) for f in dataclasses.fields(style) if f.init}
    return kind(**values, attachment=attachment)


def attached_files(pdf: bytes) -> list[tuple[str, str, bytes]]:
    """Every associated file: (where, name, bytes), the catalog's first, then each signature
    field's in the order of the form's fields (the signing order)."""
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    found = [("catalog", *_file(spec)) for spec in _af(reader.root)]
    try:
        form_fields = reader.root["/AcroForm"]["/Fields"]
    except KeyError:
        form_fields = []
    for field_ref in form_fields:
        field = field_ref.get_object()
        name = str(field["/T"]) if "/T" in field else ""
        for widget in [field, *(kid.get_object() for kid in _kids(field))]:
            found += [(name, *_file(spec)) for spec in _af(_normal_appearance(widget))]
    return found


def _kids(field: generic.DictionaryObject) -> list[Any]:
    return list(field["/Kids"]) if "/Kids" in field else []


def _normal_appearance(widget: generic.DictionaryObject) -> generic.DictionaryObject:
    try:
        normal = widget["/AP"]["/N"]
    except KeyError:
        return generic.DictionaryObject()
    return normal if isinstance(normal, generic.StreamObject) else generic.DictionaryObject()


def latest_attachment(pdf: bytes, name: str) -> bytes | None:
    """The last file called `name` (the one the last signature covers), or None."""
    matches = [data for _, file_name, data in attached_files(pdf) if file_name == name]
    return matches[-1] if matches else None


def _af(holder: generic.DictionaryObject) -> list[generic.DictionaryObject]:
    if "/AF" not in holder:
        return []
    return [spec.get_object() for spec in holder["/AF"]]


def _file(spec: generic.DictionaryObject) -> tuple[str, bytes]:
    name = str(spec["/UF"] if "/UF" in spec else spec["/F"])
    stream = spec["/EF"]["/F"]
    return name, stream.data
