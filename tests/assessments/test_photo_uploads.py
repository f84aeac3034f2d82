"""Photos uploaded as soon as they are chosen, one item at a time (no need to send the whole checklist)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liangpai.assessments import services
from liangpai.assessments.models import EvidencePhoto
from liangpai.checklists.loading import load_default_templates
from liangpai.checklists.models import ChecklistCategory, ChecklistItem, ChecklistTemplate
from liangpai.core.errors import TransitionError
from liangpai.core.models import AuditEvent
from tests.assessments.conftest import jpeg_upload

HTMX = {"HTTP_HX_REQUEST": "true"}


def _scored(assessment):
    return assessment.answers.select_related("item").filter(item__is_veto=False).order_by("item__order").first()


def _url(assessment, answer):
    return reverse("assessments:add_photos", args=[assessment.pk, answer.pk])


def test_photos_are_added_at_once_without_touching_the_answers_or_the_version(cast, draft):
    answer = _scored(draft)
    photos = services.add_photos(
        by=cast.users["expert"], assessment=draft, answer_id=answer.pk, uploads=[jpeg_upload(), jpeg_upload()]
    )
    assert len(photos) == 2
    assert all(b"Exif" not in p.file.open("rb").read() for p in photos)
    draft.refresh_from_db()
    assert draft.version == 1  # a checklist form opened before stays valid
    event = AuditEvent.objects.get(action="assessment.photo_add")
    assert event.actor == cast.users["expert"]
    assert event.after["photos_added"] == [f"{answer.item.code}:{p.sha256[:12]}" for p in photos]


def test_a_bad_photo_adds_nothing_and_says_which(cast, draft):
    answer = _scored(draft)
    fake = SimpleUploadedFile("现场.jpg", b"<html><script>alert(1)</script>", content_type="image/jpeg")
    with pytest.raises(services.AnswerErrors) as caught:
        services.add_photos(
            by=cast.users["expert"], assessment=draft, answer_id=answer.pk, uploads=[jpeg_upload(), fake]
        )
    assert "现场.jpg" in caught.value.by_answer[answer.pk][0]
    assert not EvidencePhoto.objects.exists()
    assert not AuditEvent.objects.filter(action="assessment.photo_add").exists()


def test_the_limit_of_six_holds_for_immediate_uploads(cast, draft):
    answer = _scored(draft)
    services.add_photos(by=cast.users["expert"], assessment=draft, answer_id=answer.pk, uploads=[jpeg_upload()] * 1)
    with pytest.raises(services.AnswerErrors, match="最多保留 6 张"):
        services.add_photos(
            by=cast.users["expert"], assessment=draft, answer_id=answer.pk, uploads=[jpeg_upload() for _ in range(6)]
        )
    assert EvidencePhoto.objects.count() == 1


def test_only_a_draft_takes_photos_and_only_from_those_who_fill_it(cast, draft, fill):
    answer = _scored(draft)
    with pytest.raises(PermissionDenied):
        services.add_photos(
            by=cast.users["group_member"], assessment=draft, answer_id=answer.pk, uploads=[jpeg_upload()]
        )
    fill(draft, fraction=Decimal("0.9"))
    draft.refresh_from_db()
    services.move(by=cast.users["town_a_emergency"], assessment=draft, expected_version=draft.version, move="submit")
    with pytest.raises(TransitionError, match="只有填报中的评估可以修改"):
        services.add_photos(by=cast.users["expert"], assessment=draft, answer_id=answer.pk, uploads=[jpeg_upload()])
    assert not EvidencePhoto.objects.exists()


def test_whoever_uploads_photos_in_a_round_does_not_review_it(cast, draft, fill):
    fill(draft, fraction=Decimal("0.9"))
    services.add_photos(
        by=cast.users["town_a_union"], assessment=draft, answer_id=_scored(draft).pk, uploads=[jpeg_upload()]
    )
    draft.refresh_from_db()
    assert cast.users["town_a_union"].pk in services.authors_of_round(draft)


def test_the_page_swaps_in_the_items_photos(cast, draft):
    answer = _scored(draft)
    client = cast.client_for("town_a_emergency")
    response = client.post(_url(draft, answer), {f"a{answer.pk}-photos": jpeg_upload()}, **HTMX)
    text = response.content.decode()
    assert response.status_code == 200
    photo = EvidencePhoto.objects.get()
    assert text.startswith(f'<div id="photos-{answer.pk}">')
    assert reverse("assessments:photo", args=[draft.pk, photo.pk]) in text
    assert "已上传 1 张照片" in text
    assert f'name="a{answer.pk}-remove" value="{photo.pk}"' in text


def test_a_refused_upload_is_said_in_place(cast, draft):
    answer = _scored(draft)
    fake = SimpleUploadedFile("说明.pdf", b"%PDF-1.7 not a photo", content_type="application/pdf")
    response = cast.client_for("town_a_emergency").post(_url(draft, answer), {f"a{answer.pk}-photos": fake}, **HTMX)
    assert response.status_code == 200
    assert "说明.pdf" in response.content.decode()
    assert not EvidencePhoto.objects.exists()


def test_without_scripts_the_upload_returns_to_the_item(cast, draft):
    answer = _scored(draft)
    response = cast.client_for("town_a_emergency").post(_url(draft, answer), {f"a{answer.pk}-photos": jpeg_upload()})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:edit", args=[draft.pk]) + f"#item-{answer.pk}"
    assert EvidencePhoto.objects.count() == 1


def test_an_upload_above_the_limit_stops_and_says_so(cast, draft, settings):
    settings.IMAGE_MAX_UPLOAD_BYTES = 100
    answer = _scored(draft)
    response = cast.client_for("town_a_emergency").post(
        _url(draft, answer), {f"a{answer.pk}-photos": jpeg_upload()}, **HTMX
    )
    assert "没有上传" in response.content.decode()
    assert not EvidencePhoto.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("town_b_union", 404), ("group_member", 403), ("contact_a", 403)])
def test_others_cannot_upload(cast, draft, who, status):
    answer = _scored(draft)
    response = cast.client_for(who).post(_url(draft, answer), {f"a{answer.pk}-photos": jpeg_upload()}, **HTMX)
    assert response.status_code == status
    assert not EvidencePhoto.objects.exists()


def test_an_answer_of_another_assessment_is_not_found(cast, draft):
    other = services.start_assessment(by=cast.users["town_a_union"], enterprise=cast.enterprise_a2, year=2026)
    response = cast.client_for("town_a_union").post(
        _url(draft, _scored(other)), {f"a{_scored(other).pk}-photos": jpeg_upload()}, **HTMX
    )
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_photo_file_that_cannot_be_deleted_does_not_take_the_new_photo_with_it(cast, monkeypatch, caplog):
    """Removing a photo deletes its file after the commit; if that fails, the photo just added must stay whole."""
    load_default_templates(ChecklistTemplate, ChecklistCategory, ChecklistItem)  # a flushed database has none
    by = cast.users["town_a_union"]
    assessment = services.start_assessment(by=by, enterprise=cast.enterprise_a, year=2026)
    answer = _scored(assessment)
    header = services.Header(None, "", "")
    services.save_answers(
        by=by,
        assessment=assessment,
        expected_version=1,
        changes=services.Changes(header, {}, {answer.pk: [jpeg_upload("旧.jpg")]}),
    )
    old = EvidencePhoto.objects.get()
    storage = EvidencePhoto._meta.get_field("file").storage

    def delete(name: str) -> None:
        raise PermissionError(f"cannot delete {name}")

    monkeypatch.setattr(storage, "delete", delete)
    services.save_answers(
        by=by,
        assessment=assessment,
        expected_version=2,
        changes=services.Changes(header, {}, {answer.pk: [jpeg_upload("新.jpg")]}, frozenset({old.pk})),
    )
    monkeypatch.undo()
    new = EvidencePhoto.objects.get()
    assert new.pk != old.pk
    assert storage.exists(new.file.name)
    assert "cannot delete" in caplog.text  # logged for someone to clean up
    storage.delete(old.file.name)
    storage.delete(new.file.name)
