"""A lesson attachment or a library file attached to a form the page refuses for another reason is kept
(prm.forms.KeepUploadsMixin): sent again without re-attaching, the lesson or the asset gets it."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enablement.documents import simple_pdf
from enablement.models import LibraryAsset

pytestmark = pytest.mark.django_db

PDF = simple_pdf("Northwind pitch", ["Move data in minutes."])


def _token(body: str, field: str) -> str:
    return re.search(rf'name="{field}_kept" value="([^"]+)"', body)[1]


def test_a_refused_lesson_keeps_its_attachment(program_admin, client_for, course):
    client = client_for(program_admin)
    url = reverse("enablement:manage_lesson_new", args=[course.pk])
    response = client.post(url, {"title": "", "attachment": SimpleUploadedFile("guide.pdf", PDF)})
    body = response.content.decode()
    assert not course.lessons.filter(title="Sources").exists()
    assert 'data-testid="kept-upload"' in body and "Kept: guide.pdf" in body
    response = client.post(url, {"title": "Sources", "attachment_kept": _token(body, "attachment")})
    assert response.status_code == 302
    lesson = course.lessons.get(title="Sources")
    assert lesson.attachment and lesson.attachment.read() == PDF


def test_a_refused_asset_keeps_its_file(program_admin, client_for):
    client = client_for(program_admin)
    url = reverse("enablement:manage_asset_new")
    response = client.post(url, {"title": "", "category": "battle_card", "file": SimpleUploadedFile("card.pdf", PDF)})
    body = response.content.decode()
    assert not LibraryAsset.objects.exists() and "Kept: card.pdf" in body
    data = {"title": "Battle card", "category": "battle_card", "file_kept": _token(body, "file")}
    assert client.post(url, data).status_code == 302
    version = LibraryAsset.objects.get(title="Battle card").versions.get()
    assert version.file.read() == PDF


def test_a_refused_file_is_not_kept(program_admin, client_for):
    fake = SimpleUploadedFile("card.pdf", b"MZ\x90\x00" + b"\x00" * 40)
    response = client_for(program_admin).post(
        reverse("enablement:manage_asset_new"), {"title": "", "category": "battle_card", "file": fake}
    )
    assert "Kept:" not in response.content.decode()
