"""A job's stages (/jobs/<id>/pipeline/stages) and the company's pipeline settings (/company/pipeline):
default stages, reasons, the rejection and offer emails; what is written, what is refused, who may."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from tests.factories import (
    PASSWORD,
    gen_company,
    gen_interview,
    gen_job,
    gen_member,
    gen_user,
)
from webapp.models import (
    AuditEvent,
    OutboxMessage,
    PipelineEmailTemplate,
    PipelineReason,
    PipelineStage,
)


def writes(db_session) -> int:
    """Rows written so far in the test's transaction, on every table."""
    return db_session.execute(text(
        "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_user_tables"
    )).scalar_one()


def names(db_session, company_id, job_id=None):
    db_session.expire_all()
    statement = select(PipelineStage.name).where(PipelineStage.company_id == company_id)
    statement = statement.where(PipelineStage.job_id == job_id if job_id else PipelineStage.job_id.is_(None))
    return list(db_session.scalars(statement.order_by(PipelineStage.position)))


def stage(db_session, job_id, kind):
    return db_session.scalar(select(PipelineStage).where(PipelineStage.job_id == job_id, PipelineStage.kind == kind))


@pytest.fixture
def world(db_session, auth):
    owner = gen_user(db_session, role="employer", first_name="Olive", last_name="Owner")
    company = gen_company(db_session, owner)
    job = gen_job(db_session, company, title="Stage Job")
    assert auth.login(owner.email, PASSWORD).status_code == 302
    return dict(owner=owner, company=company, job=job)


BUILT_IN = ["Applied", "AI interview", "Review", "Team interview", "Offer", "Hired"]


def test_a_jobs_stages_are_renamed_added_reordered_and_an_empty_custom_one_deleted(client, db_session, world):
    job, company = world["job"], world["company"]
    url = f"/jobs/{job.id}/pipeline/stages"
    assert client.get(url).status_code == 200
    review = stage(db_session, job.id, "review")
    assert client.post(url + "/update", data={"stage_id": review.id, "op": "rename", "name": "Screening"}).status_code == 303
    assert client.post(url, data={"name": "Take-home task"}).status_code == 303
    assert names(db_session, company.id, job.id) == ["Applied", "AI interview", "Screening", "Team interview", "Offer",
                                                     "Hired", "Take-home task"]
    custom = db_session.scalar(select(PipelineStage).where(PipelineStage.job_id == job.id,
                                                           PipelineStage.kind == "custom"))
    for _ in range(3):
        assert client.post(url + "/update", data={"stage_id": custom.id, "op": "up"}).status_code == 303
    assert names(db_session, company.id, job.id)[3] == "Take-home task"
    # deleting asks first, and writes nothing until confirmed
    before = writes(db_session)
    confirm = client.post(url + "/update", data={"stage_id": custom.id, "op": "delete"})
    assert confirm.status_code == 200 and "Delete the stage “Take-home task”?" in confirm.get_data(as_text=True)
    assert writes(db_session) == before
    assert client.post(url + "/update", data={"stage_id": custom.id, "op": "delete", "confirmed": "yes"}).status_code == 303
    assert names(db_session, company.id, job.id) == ["Applied", "AI interview", "Screening", "Team interview", "Offer",
                                                     "Hired"]
    actions = set(db_session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("pipeline.stage%"))))
    assert actions == {"pipeline.stage_renamed", "pipeline.stage_added", "pipeline.stage_moved",
                       "pipeline.stage_deleted"}
    # the new name is on the board
    assert "Screening" in client.get(f"/jobs/{job.id}/pipeline").get_data(as_text=True)


def test_built_in_stages_and_stages_with_candidates_are_not_deleted(client, db_session, world):
    job = world["job"]
    url = f"/jobs/{job.id}/pipeline/stages"
    client.post(url, data={"name": "Trial day"})
    custom = db_session.scalar(select(PipelineStage).where(PipelineStage.job_id == job.id,
                                                           PipelineStage.kind == "custom"))
    gen_interview(db_session, gen_user(db_session), job)
    db_session.execute(text("UPDATE pipeline_candidate SET stage_id = :s WHERE job_id = :j"),
                       {"s": custom.id, "j": job.id})
    before = writes(db_session)
    response = client.post(url + "/update", data={"stage_id": custom.id, "op": "delete", "confirmed": "yes"})
    assert response.status_code == 422 and "still has candidates" in response.get_data(as_text=True)
    review = stage(db_session, job.id, "review")
    response = client.post(url + "/update", data={"stage_id": review.id, "op": "delete", "confirmed": "yes"})
    assert response.status_code == 422 and "built-in stage" in response.get_data(as_text=True)
    assert writes(db_session) == before


@pytest.mark.parametrize("data, status, message", [
    ({"name": ""}, 422, "Enter the stage"),
    ({"name": "x" * 61}, 422, "Keep the name to 60 characters or fewer."),
    ({"name": "bad\x00name"}, 422, "control characters"),
])
def test_bad_stage_names_are_refused_and_write_nothing(client, db_session, world, data, status, message):
    before = writes(db_session)
    response = client.post(f"/jobs/{world['job'].id}/pipeline/stages", data=data)
    assert response.status_code == status and message in response.get_data(as_text=True)
    assert writes(db_session) == before


def test_a_stage_of_another_job_or_an_unknown_op_is_refused(client, db_session, world):
    other = gen_job(db_session, world["company"])
    foreign = stage(db_session, other.id, "review")
    before = writes(db_session)
    url = f"/jobs/{world['job'].id}/pipeline/stages/update"
    assert client.post(url, data={"stage_id": foreign.id, "op": "rename", "name": "Mine"}).status_code == 400
    assert client.post(url, data={"stage_id": stage(db_session, world["job"].id, "review").id,
                                  "op": "explode"}).status_code == 400
    first = stage(db_session, world["job"].id, "applied")
    assert client.post(url, data={"stage_id": first.id, "op": "up"}).status_code == 422
    assert writes(db_session) == before


def test_the_company_defaults_are_what_new_jobs_start_with(client, db_session, world):
    company = world["company"]
    assert client.get("/company/pipeline").status_code == 200
    assert client.post("/company/pipeline/stages", data={"name": "Reference check"}).status_code == 303
    assert names(db_session, company.id) == BUILT_IN + ["Reference check"]
    job = gen_job(db_session, company)
    assert names(db_session, company.id, job.id) == BUILT_IN + ["Reference check"]
    default = db_session.scalar(select(PipelineStage).where(PipelineStage.company_id == company.id,
                                                            PipelineStage.job_id.is_(None),
                                                            PipelineStage.kind == "custom"))
    assert client.post("/company/pipeline/stages/update",
                       data={"stage_id": default.id, "op": "delete", "confirmed": "yes"}).status_code == 303
    assert names(db_session, company.id) == BUILT_IN
    assert "Reference check" in names(db_session, company.id, job.id)  # the job keeps its own copy


def test_reasons_are_added_renamed_archived_and_archived_ones_are_not_offered(client, db_session, world):
    company, job = world["company"], world["job"]
    assert client.post("/company/pipeline/reasons", data={"kind": "rejection", "label": "No work permit"}).status_code == 303
    reason = db_session.scalar(select(PipelineReason).where(PipelineReason.company_id == company.id,
                                                            PipelineReason.label == "No work permit"))
    duplicate = client.post("/company/pipeline/reasons", data={"kind": "rejection", "label": "no WORK permit"})
    assert duplicate.status_code == 422 and "already on the list" in duplicate.get_data(as_text=True)
    assert client.post("/company/pipeline/reasons/update",
                       data={"reason_id": reason.id, "op": "rename", "label": "No right to work"}).status_code == 303
    gen_interview(db_session, gen_user(db_session), job)
    assert "No right to work" in client.get(f"/jobs/{job.id}/pipeline").get_data(as_text=True)
    assert client.post("/company/pipeline/reasons/update",
                       data={"reason_id": reason.id, "op": "archive"}).status_code == 303
    assert f'<option value="{reason.id}">' not in client.get(f"/jobs/{job.id}/pipeline").get_data(as_text=True)
    assert "No right to work (archived)" not in client.get("/company/pipeline").get_data(as_text=True)
    assert "Rejection reason (archived)" in client.get("/company/pipeline").get_data(as_text=True)


def test_another_companys_reason_is_404(client, db_session, world):
    stranger = gen_company(db_session)
    theirs = db_session.scalar(select(PipelineReason).where(PipelineReason.company_id == stranger.id))
    before = writes(db_session)
    assert client.post("/company/pipeline/reasons/update",
                       data={"reason_id": theirs.id, "op": "archive"}).status_code == 404
    assert writes(db_session) == before


def test_an_edited_rejection_email_is_previewed_saved_and_sent(client, db_session, world):
    company, job = world["company"], world["job"]
    form = {"kind": "rejection", "rejection-subject": "About {job_title}",
            "rejection-body": "Hi {candidate_name}, thanks from {company_name}."}
    before = writes(db_session)
    preview = client.post("/company/pipeline/templates", data=form | {"preview": "1"})
    assert preview.status_code == 200
    assert f"Hi Alex Example, thanks from {company.company_name}." in preview.get_data(as_text=True)
    assert writes(db_session) == before
    assert client.post("/company/pipeline/templates", data=form).status_code == 303
    saved = db_session.scalar(select(PipelineEmailTemplate).where(PipelineEmailTemplate.company_id == company.id))
    assert (saved.kind, saved.subject) == ("rejection", "About {job_title}")
    candidate = gen_user(db_session, first_name="Cleo", last_name="Candidate")
    gen_interview(db_session, candidate, job)
    reason = db_session.scalar(select(PipelineReason.id).where(PipelineReason.company_id == company.id,
                                                               PipelineReason.kind == "rejection").limit(1))
    client.post(f"/jobs/{job.id}/pipeline/{candidate.id}/decide",
                data={"action": "reject", "reason": reason, "version": 1, "send_email": "y"})
    mail = db_session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == candidate.email))
    assert (mail.subject, mail.body_text) == (f"About {job.title}",
                                              f"Hi Cleo Candidate, thanks from {company.company_name}.")


def test_unknown_placeholders_are_refused_when_a_template_is_saved(client, db_session, world):
    before = writes(db_session)
    response = client.post("/company/pipeline/templates", data={
        "kind": "offer", "offer-subject": "Offer", "offer-body": "Dear {candidate_name}, your salary is {salary}."})
    assert response.status_code == 422
    assert "Unknown placeholder {salary}" in response.get_data(as_text=True)
    assert client.post("/company/pipeline/templates", data={"kind": "memo"}).status_code == 400
    assert writes(db_session) == before


@pytest.mark.parametrize("role, settings, stages", [
    ("admin", 200, 200), ("recruiter", 403, 200), ("hiring_manager", 403, 403), ("interviewer", 403, 403),
])
def test_who_may_change_the_pipeline(client, auth, db_session, world, role, settings, stages):
    member = gen_member(db_session, world["company"], role=role)
    auth.logout()
    assert auth.login(member.user.email, PASSWORD).status_code == 302
    assert client.get("/company/pipeline").status_code == settings
    assert client.get(f"/jobs/{world['job'].id}/pipeline/stages").status_code == stages
