"""Starting and saving an assessment: validation, photos, conflicts and the audit record."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from liangpai.assessments import services
from liangpai.assessments.models import Assessment, AssessmentAnswer, EvidencePhoto, evidence_storage
from liangpai.checklists.models import ChecklistTemplate
from liangpai.core.audit import verify_chain
from liangpai.core.errors import Conflict, PublishedError, TransitionError
from liangpai.core.models import AuditEvent
from liangpai.enterprises.models import Enterprise
from liangpai.grades.models import AnnualGrade
from tests.assessments.conftest import jpeg_upload

HEADER = services.Header(None, "", "")


def _first_scored(assessment):
    return assessment.answers.select_related("item").filter(item__is_veto=False).order_by("item__order").first()


def _save(assessment, by, answers=None, photos=None, removed=frozenset(), header=HEADER):
    assessment.refresh_from_db()
    return services.save_answers(
        by=by,
        assessment=assessment,
        expected_version=assessment.version,
        changes=services.Changes(header, answers or {}, photos or {}, frozenset(removed)),
    )


def _stored_files():
    storage = evidence_storage()
    found = []
    stack = [""]
    while stack:
        folder = stack.pop()
        try:
            dirs, files = storage.listdir(folder)
        except FileNotFoundError:
            continue
        stack.extend(f"{folder}/{d}".lstrip("/") for d in dirs)
        found.extend(f"{folder}/{f}".lstrip("/") for f in files)
    return found


# --- starting ---------------------------------------------------------------------------


def test_a_new_assessment_is_a_draft_with_one_empty_answer_per_item(cast, draft):
    template = ChecklistTemplate.objects.get(scale=cast.enterprise_a.scale, year=2026, status="active")
    assert draft.template == template
    assert draft.status == Assessment.Status.DRAFT
    items = template.categories.values_list("items", flat=True)
    assert sorted(draft.answers.values_list("item_id", flat=True)) == sorted(items)
    assert not draft.answers.filter(awarded__isnull=False).exists()
    event = AuditEvent.objects.get(action="assessment.create")
    assert event.actor == cast.users["town_a_union"]
    assert event.object_id == str(draft.pk)


def test_starting_twice_names_the_assessment_that_exists(cast, draft):
    with pytest.raises(services.AlreadyStarted, match="已经开始") as caught:
        services.start_assessment(by=cast.users["town_a_emergency"], enterprise=cast.enterprise_a, year=2026)
    assert caught.value.assessment == draft
    assert Assessment.objects.count() == 1


def test_no_active_template_for_the_year_is_said_plainly(cast):
    with pytest.raises(services.AssessmentError, match=r"2027 年.*评估模板尚未启用"):
        services.start_assessment(by=cast.users["town_a_union"], enterprise=cast.enterprise_a, year=2027)
    assert not Assessment.objects.exists()


def test_a_closed_enterprise_is_not_assessed(cast):
    Enterprise.objects.filter(pk=cast.enterprise_a.pk).update(status=Enterprise.Status.CLOSED)
    cast.enterprise_a.refresh_from_db()
    with pytest.raises(services.AssessmentError, match="已关停"):
        services.start_assessment(by=cast.users["town_a_union"], enterprise=cast.enterprise_a, year=2026)


def test_a_published_year_takes_no_new_assessment(cast):
    AnnualGrade.objects.create(enterprise=cast.enterprise_b, year=2026, final_grade="A", is_published=True)
    with pytest.raises(PublishedError):
        services.start_assessment(by=cast.users["town_a_union"], enterprise=cast.enterprise_a, year=2026)


@pytest.mark.parametrize("who", ["town_b_union", "group_member", "contact_a", "outsider"])
def test_only_assessors_of_the_enterprise_may_start(cast, who):
    with pytest.raises(PermissionDenied):
        services.start_assessment(by=cast.users[who], enterprise=cast.enterprise_a, year=2026)


@pytest.mark.parametrize(
    "who", ["city_admin", "city_emergency", "town_a_union", "town_a_emergency", "group_leader", "expert"]
)
def test_the_union_the_emergency_offices_the_group_leader_and_the_expert_may_start(cast, who):
    assessment = services.start_assessment(by=cast.users[who], enterprise=cast.enterprise_a, year=2026)
    assert assessment.created_by == cast.users[who]


# --- saving answers ---------------------------------------------------------------------


def test_a_save_stores_the_answers_and_records_each_change(cast, draft):
    answer = _first_scored(draft)
    header = services.Header(None, "张三、李四", "总体较好")
    _save(
        draft,
        cast.users["group_leader"],
        {answer.pk: services.Answer(Decimal("1.5"), note=" 台账不全 ")},
        header=header,
    )
    answer.refresh_from_db()
    draft.refresh_from_db()
    assert (answer.awarded, answer.note) == (Decimal("1.5"), "台账不全")
    assert (draft.version, draft.assessors, draft.summary, draft.updated_by) == (
        2,
        "张三、李四",
        "总体较好",
        cast.users["group_leader"],
    )
    event = AuditEvent.objects.get(action="assessment.save")
    code = answer.item.code
    assert event.before[code] == {"awarded": None, "not_applicable": False, "veto_failed": False, "note": ""}
    assert event.after[code] == {"awarded": "1.5", "not_applicable": False, "veto_failed": False, "note": "台账不全"}
    assert event.after["assessors"] == "张三、李四"
    assert event.before["assessors"] == ""
    assert verify_chain() is None


def test_a_save_that_changes_nothing_records_nothing(cast, draft):
    _save(draft, cast.users["town_a_union"], {_first_scored(draft).pk: services.Answer(None)})
    draft.refresh_from_db()
    assert draft.version == 1
    assert not AuditEvent.objects.filter(action="assessment.save").exists()


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (services.Answer(Decimal("999")), "超过了该项分值"),
        (services.Answer(Decimal("-1")), "不能是负数"),
        (services.Answer(Decimal("1"), not_applicable=True), "已标为不适用"),
        (services.Answer(Decimal("1"), veto_failed=True), "不是否决项"),
        (services.Answer(Decimal("NaN")), "不是有效的数字"),
    ],
)
def test_a_wrong_answer_is_named_and_nothing_is_saved(cast, draft, answer, message):
    target = _first_scored(draft)
    other = draft.answers.exclude(pk=target.pk).filter(item__is_veto=False).first()
    with pytest.raises(services.AnswerErrors, match="1 个评价项目填写有误") as caught:
        _save(draft, cast.users["town_a_union"], {target.pk: answer, other.pk: services.Answer(Decimal(1))})
    assert message in caught.value.by_answer[target.pk][0]
    assert target.item.code in caught.value.by_answer[target.pk][0]
    assert not AssessmentAnswer.objects.filter(assessment=draft, awarded__isnull=False).exists()
    draft.refresh_from_db()
    assert draft.version == 1


def test_a_veto_item_cannot_be_not_applicable(cast, draft):
    veto = draft.answers.filter(item__is_veto=True).first()
    with pytest.raises(services.AnswerErrors) as caught:
        _save(draft, cast.users["town_a_union"], {veto.pk: services.Answer(None, not_applicable=True)})
    assert "不能标为不适用" in caught.value.by_answer[veto.pk][0]


def test_an_answer_of_another_assessment_is_refused(cast, draft):
    other = services.start_assessment(by=cast.users["town_a_union"], enterprise=cast.enterprise_a2, year=2026)
    foreign = other.answers.first()
    with pytest.raises(services.AssessmentError, match="表单与这份评估不符"):
        _save(draft, cast.users["town_a_union"], {foreign.pk: services.Answer(Decimal(1))})
    foreign.refresh_from_db()
    assert foreign.awarded is None


def test_a_stale_form_gets_a_conflict_and_overwrites_nothing(cast, draft):
    answer = _first_scored(draft)
    changes = services.Changes(HEADER, {answer.pk: services.Answer(Decimal(1))})
    services.save_answers(by=cast.users["town_a_union"], assessment=draft, expected_version=1, changes=changes)
    late = services.Changes(HEADER, {answer.pk: services.Answer(Decimal(2))})
    with pytest.raises(Conflict, match="别人已修改了这份评估（现在是第 2 版）"):
        services.save_answers(by=cast.users["town_a_emergency"], assessment=draft, expected_version=1, changes=late)
    answer.refresh_from_db()
    assert answer.awarded == Decimal(1)
    assert AuditEvent.objects.filter(action="assessment.save").count() == 1


def test_a_submitted_assessment_is_not_edited(cast, draft, fill):
    fill(draft, fraction=Decimal("0.9"))
    draft.refresh_from_db()
    services.move(by=cast.users["town_a_union"], assessment=draft, expected_version=draft.version, move="submit")
    with pytest.raises(TransitionError, match="只有填报中的评估可以修改"):
        _save(draft, cast.users["town_a_union"], {_first_scored(draft).pk: services.Answer(Decimal(0))})


@pytest.mark.parametrize("who", ["town_b_union", "group_member", "contact_a"])
def test_saving_needs_the_right_to_fill(cast, draft, who):
    with pytest.raises(PermissionDenied):
        _save(draft, cast.users[who], {_first_scored(draft).pk: services.Answer(Decimal(1))})


# --- photos -----------------------------------------------------------------------------


def test_a_photo_is_stored_re_encoded_without_its_metadata(cast, draft):
    answer = _first_scored(draft)
    upload = jpeg_upload()
    original = upload.read()
    upload.seek(0)
    _save(draft, cast.users["expert"], photos={answer.pk: [upload]})
    photo = EvidencePhoto.objects.get(answer=answer)
    with photo.file.open("rb") as handle:
        stored = handle.read()
    assert stored != original
    assert b"PhoneCam" not in stored
    assert b"secret comment" not in stored
    assert b"Exif" not in stored
    assert photo.file.name.endswith((".jpg", ".png"))
    assert "现场" not in photo.file.name
    assert (photo.width, photo.height, photo.size, photo.uploaded_by) == (64, 48, len(stored), cast.users["expert"])
    with Image.open(photo.file.path) as image:
        assert not image.getexif()
    event = AuditEvent.objects.get(action="assessment.save")
    assert event.after["photos_added"] == [f"{answer.item.code}:{photo.sha256[:12]}"]


def test_a_file_that_is_not_a_photo_rejects_the_whole_save(cast, draft, settings, tmp_path):
    settings.PRIVATE_ROOT = tmp_path  # this test's own files only (other workers store photos meanwhile)
    answer = _first_scored(draft)
    fake = SimpleUploadedFile("照片.jpg", b"<svg onload=alert(1)></svg>", content_type="image/jpeg")
    before = _stored_files()
    with pytest.raises(services.AnswerErrors) as caught:
        _save(
            draft,
            cast.users["town_a_union"],
            {answer.pk: services.Answer(Decimal(1))},
            photos={answer.pk: [jpeg_upload(), fake]},
        )
    assert "照片.jpg" in caught.value.by_answer[answer.pk][0]
    assert not EvidencePhoto.objects.exists()
    assert _stored_files() == before
    answer.refresh_from_db()
    assert answer.awarded is None


def test_at_most_six_photos_per_item(cast, draft):
    answer = _first_scored(draft)
    _save(
        draft,
        cast.users["town_a_union"],
        photos={answer.pk: [jpeg_upload() for _ in range(services.MAX_PHOTOS_PER_ITEM)]},
    )
    with pytest.raises(services.AnswerErrors) as caught:
        _save(draft, cast.users["town_a_union"], photos={answer.pk: [jpeg_upload()]})
    assert "最多保留 6 张照片" in caught.value.by_answer[answer.pk][0]
    assert EvidencePhoto.objects.count() == services.MAX_PHOTOS_PER_ITEM


def test_removing_a_photo_deletes_it_and_its_file_and_is_recorded(cast, draft, django_capture_on_commit_callbacks):
    answer = _first_scored(draft)
    _save(draft, cast.users["town_a_union"], photos={answer.pk: [jpeg_upload(), jpeg_upload(size=(30, 30))]})
    first, second = EvidencePhoto.objects.order_by("id")
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the removal is committed
        _save(draft, cast.users["town_a_union"], removed={first.pk})
    assert list(EvidencePhoto.objects.all()) == [second]
    assert not evidence_storage().exists(first.file.name)
    assert evidence_storage().exists(second.file.name)
    event = AuditEvent.objects.filter(action="assessment.save").latest("id")
    assert event.before["photos_removed"] == [f"{answer.item.code}:{first.sha256[:12]}"]


def test_a_photo_of_another_assessment_cannot_be_removed(cast, draft):
    other = services.start_assessment(by=cast.users["town_a_union"], enterprise=cast.enterprise_a2, year=2026)
    answer = _first_scored(other)
    _save(other, cast.users["town_a_union"], photos={answer.pk: [jpeg_upload()]})
    photo = EvidencePhoto.objects.get()
    with pytest.raises(services.AssessmentError, match="不属于这份评估"):
        _save(draft, cast.users["town_a_union"], removed={photo.pk})
    assert EvidencePhoto.objects.filter(pk=photo.pk).exists()
