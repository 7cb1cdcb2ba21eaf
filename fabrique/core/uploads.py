"""Files people upload (documents and photos of equipment and projects): what is accepted,
where it is stored, and how it is served back.

Uploads are checked before anything is written: the size, the extension among a short list,
and the first bytes, which must be those of the type the extension claims (a ``.pdf`` that
is not a PDF is refused, naming the file). They are stored under ``MEDIA_ROOT`` with a random
name, never the sender's, and served by the views that check who may read them (there is no
public media address): images and PDFs inline, everything else as a download, always with
``nosniff`` so that a browser never runs what it was given as a document.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from fabrique.core import audit

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    content_type: str
    signatures: tuple[bytes, ...]  # the file starts with one of them; empty: any text
    image: bool = False
    inline: bool = False


KINDS: dict[str, Kind] = {
    ".pdf": Kind("application/pdf", (b"%PDF-",), inline=True),
    ".png": Kind("image/png", (b"\x89PNG\r\n\x1a\n",), image=True, inline=True),
    ".jpg": Kind("image/jpeg", (b"\xff\xd8\xff",), image=True, inline=True),
    ".jpeg": Kind("image/jpeg", (b"\xff\xd8\xff",), image=True, inline=True),
    ".webp": Kind("image/webp", (b"RIFF",), image=True, inline=True),
    ".docx": Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)
    ),
    ".xlsx": Kind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)
    ),
    ".pptx": Kind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    ".odt": Kind("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    ".zip": Kind("application/zip", (b"PK\x03\x04",)),
    # CAD and fabrication files: plain text or binary formats without a reliable signature.
    ".stl": Kind("model/stl", ()),
    ".step": Kind("model/step", (b"ISO-10303-21",)),
    ".stp": Kind("model/step", (b"ISO-10303-21",)),
    ".dxf": Kind("image/vnd.dxf", ()),
    ".gcode": Kind("text/x-gcode", ()),
    ".txt": Kind("text/plain", ()),
    ".csv": Kind("text/csv", ()),
}
IMAGE_EXTENSIONS = tuple(sorted(ext for ext, kind in KINDS.items() if kind.image))


def extension(name: str) -> str:
    return PurePath(name).suffix.lower()


def check_upload(
    uploaded: UploadedFile, *, images_only: bool = False, max_bytes: int = MAX_UPLOAD_BYTES
) -> Kind:
    """The kind of ``uploaded``, or a ValidationError naming the file and the problem."""
    name = uploaded.name or ""
    ext = extension(name)
    allowed = IMAGE_EXTENSIONS if images_only else tuple(sorted(KINDS))
    if ext not in allowed:
        raise ValidationError(
            _("%(name)s: files of this type are not accepted (accepted: %(allowed)s).")
            % {"name": name, "allowed": ", ".join(allowed)},
            code="file_type",
        )
    if uploaded.size is None or uploaded.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("%(name)s is %(size)s MB; files are accepted up to %(limit)s MB.")
            % {
                "name": name,
                "size": f"{uploaded.size / 1024 / 1024:.1f}",
                "limit": max_bytes // (1024 * 1024),
            },
            code="too_big",
        )
    kind = KINDS[ext]
    uploaded.seek(0)
    head = uploaded.read(64)
    uploaded.seek(0)
    if kind.signatures and not any(head.startswith(s) for s in kind.signatures):
        raise ValidationError(
            _("%(name)s is not a %(type)s file, whatever its name says.")
            % {"name": name, "type": ext.lstrip(".").upper()},
            code="file_content",
        )
    if ext == ".webp" and head[8:12] != b"WEBP":
        raise ValidationError(
            _("%(name)s is not a %(type)s file, whatever its name says.")
            % {"name": name, "type": "WEBP"},
            code="file_content",
        )
    return kind


def stored_name(folder: str, original: str) -> str:
    """A random storage name under ``folder``, keeping only the original's extension."""
    today = dt.date.today()
    return f"{folder}/{today:%Y/%m}/{secrets.token_urlsafe(16)}{extension(original)}"


def save_with_file(
    record: models.Model, file: UploadedFile | None, *, by: object, field: str = "file"
) -> None:
    """Save ``record`` (validated, audited as ``by``) with ``file``, checked beforehand, stored
    in its ``field``; the stored file is removed again if the record is refused."""
    stored: FieldFile = getattr(record, field)
    if file is not None:
        stored.save(file.name or "document", file, save=False)
    try:
        record.full_clean()
        with audit.acting_as(by):
            record.save()
    except Exception:
        if stored:
            stored.delete(save=False)
        raise


def serve(file: FieldFile, *, download_name: str) -> FileResponse:
    """The stored file as a response: images and PDFs inline, the rest as a download."""
    if not file:
        raise Http404
    kind = KINDS.get(extension(file.name or ""))
    try:
        handle = file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    inline = kind is not None and kind.inline
    name = download_name
    if extension(name) != extension(file.name or ""):
        name += extension(file.name or "")
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=name,
        content_type=kind.content_type if kind else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
