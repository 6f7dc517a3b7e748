"""Content library: gated by tier and partner type, private files, versions, download counts, upload checks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enablement import services
from enablement.documents import simple_pdf
from enablement.models import LibraryAsset
from tests.factories import tier

pytestmark = pytest.mark.django_db


def pdf_file(name="deck.pdf"):
    return SimpleUploadedFile(name, simple_pdf("Northwind pitch", ["Move data in minutes."]), "application/pdf")


@pytest.fixture
def assets(program_admin):
    def make(title, **data):
        return services.save_library_asset(
            actor=program_admin, data={"title": title, "category": "pitch_deck", **data}, file=pdf_file()
        )

    return {
        "open": make("Northwind pitch deck"),
        "platinum": make("Platinum price sheet", min_tier=tier("Platinum")),
        "msp": make("MSP campaign in a box", audience_types=["msp"]),
    }


def test_library_lists_only_assets_the_partner_may_see(partner_user, assets, client_for, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        body = client_for(partner_user).get(reverse("enablement:library")).content.decode()
    assert "Northwind pitch deck" in body
    assert "Platinum price sheet" not in body and "MSP campaign in a box" not in body


def test_a_tier_that_may_not_see_an_asset_gets_404_for_its_file(partner_user, assets, client_for):
    client = client_for(partner_user)
    assert client.get(reverse("enablement:library_download", args=[assets["platinum"].pk])).status_code == 404
    assert client.get(reverse("enablement:library_download", args=[assets["msp"].pk])).status_code == 404


def test_download_is_an_attachment_with_nosniff_and_counts(partner_user, assets, client_for):
    asset = assets["open"]
    response = client_for(partner_user).get(reverse("enablement:library_download", args=[asset.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    asset.refresh_from_db()
    assert asset.download_count == 1


def test_files_are_not_under_a_public_url(partner_user, assets, client_for, settings):
    version = assets["open"].versions.get()
    assert client_for(partner_user).get(settings.MEDIA_URL + version.file.name).status_code == 404


def test_a_new_file_becomes_the_next_version(program_admin, partner_user, assets, client_for):
    asset = assets["open"]
    services.add_asset_version(actor=program_admin, asset=asset, file=pdf_file("deck-v2.pdf"))
    assert list(asset.versions.values_list("number", flat=True)) == [2, 1]
    response = client_for(partner_user).get(reverse("enablement:library_download", args=[asset.pk]))
    assert "deck-v2.pdf" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "only .pdf, .pptx"),
        ("deck.pdf", b"<html><script>alert(1)</script>", "not a real PDF file"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_uploads_are_checked_with_clear_field_messages(program_admin, client_for, name, content, message):
    response = client_for(program_admin).post(
        reverse("enablement:manage_asset_new"),
        {"title": "Bad", "category": "battle_card", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LibraryAsset.objects.filter(title="Bad").exists()


def test_uploads_over_the_size_limit_are_refused(program_admin, client_for, settings):
    settings.ENABLEMENT_MAX_UPLOAD_MB = 0
    response = client_for(program_admin).post(
        reverse("enablement:manage_asset_new"), {"title": "Big", "category": "battle_card", "file": pdf_file()}
    )
    assert "larger than" in response.content.decode()


def test_program_admin_uploads_through_the_page(program_admin, client_for):
    response = client_for(program_admin).post(
        reverse("enablement:manage_asset_new"),
        {"title": "Battle card vs. legacy ETL", "category": "battle_card", "published": "on", "file": pdf_file()},
    )
    assert response.status_code == 302
    assert LibraryAsset.objects.get(title="Battle card vs. legacy ETL").versions.count() == 1


def test_partners_may_not_author_the_library(partner_admin, client_for):
    assert client_for(partner_admin).get(reverse("enablement:manage_asset_new")).status_code == 403
