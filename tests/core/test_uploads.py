"""Uploaded files: checked before anything is written, stored under a random name, served
with headers that keep a browser from running them."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from fabrique.core import audit, uploads
from fabrique.platforms.models import ProjectDocument
from tests.factories_platforms import InnovationProjectFactory, ProjectDocumentFactory
from tests.filesamples import pdf_upload, png_upload, read_served


def code_of(upload, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        uploads.check_upload(upload, **kwargs)
    return caught.value.code


def test_real_pdf_and_png_files_are_accepted():
    assert uploads.check_upload(pdf_upload()).content_type == "application/pdf"
    assert uploads.check_upload(png_upload(), images_only=True).image


def test_a_file_whose_content_is_not_what_its_name_says_is_refused_naming_it():
    fake = SimpleUploadedFile("devis.pdf", b"<html><script>alert(1)</script></html>")

    with translation.override("en"), pytest.raises(ValidationError) as caught:
        uploads.check_upload(fake)
    assert caught.value.messages == ["devis.pdf is not a PDF file, whatever its name says."]


def test_unknown_types_empty_and_oversized_files_are_refused():
    assert code_of(SimpleUploadedFile("outil.exe", b"MZ\x90\x00")) == "file_type"
    assert code_of(SimpleUploadedFile("vide.txt", b"")) == "empty"
    assert code_of(pdf_upload(), max_bytes=100) == "too_big"
    assert code_of(pdf_upload(), images_only=True) == "file_type"


def test_stored_names_keep_only_the_extension():
    name = uploads.stored_name("projects", "../../etc/Plan secret.PDF")

    assert name.startswith("projects/")
    assert name.endswith(".pdf")
    assert "secret" not in name
    assert ".." not in name


@pytest.mark.django_db
def test_a_record_with_an_empty_file_field_is_audited():
    """The audit snapshot of a link-only document (empty file field) is written."""
    document = ProjectDocumentFactory()

    assert audit.snapshot(document)["file"] is None
    assert ProjectDocument.objects.filter(pk=document.pk).exists()


@pytest.mark.django_db
def test_served_files_carry_nosniff_and_pdfs_open_inline():
    document = ProjectDocumentFactory.build(url="", project=InnovationProjectFactory())
    document.file.save("plan.pdf", pdf_upload(), save=True)

    response = uploads.serve(document.file, download_name="Plan de la pièce")

    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert read_served(response).startswith(b"%PDF-")
