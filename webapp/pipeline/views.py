"""A job's pipeline: the board and the table (/jobs/<id>/pipeline), decisions about candidates, the job's
stages, and the company's pipeline settings (/company/pipeline)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from webapp import db
from webapp.company.scope import current_company_or_404
from webapp.dateranges import BadQueryParameter
from webapp.htmx import render_page_or_block, wants_block
from webapp.jobs.scope import get_job_or_404
from webapp.models import PipelineReason
from webapp.pipeline import emails, queries, services
from webapp.pipeline.forms import (
    SORT_CHOICES,
    STATUS_CHOICES,
    BulkForm,
    DecisionForm,
    ReasonForm,
    ReasonLabelForm,
    StageNameForm,
    TableParams,
    TemplateForm,
    bulk_selection,
)
from webapp.redirects import safe_path
from webapp.scorecards.queries import disagrees
from webapp.team.membership import member_required

bp = Blueprint("pipeline", __name__)

JOB = "/jobs/<int:job_id>/pipeline"
BOARD_BLOCK = "board"


def _board_context(job, stages=None, *, message=None):
    session = db.session()
    stages = stages if stages is not None else queries.stages_of(session, job.id)
    return dict(
        job=job, stages=stages, counts=queries.counts(session, job.id),
        columns=queries.board_cards(session, job.id, [stage.id for stage in stages]),
        reasons=queries.reasons_of(session, job.company_id), message=message, now=datetime.now(UTC),
        disagrees=disagrees, per_column=queries.PER_COLUMN,
    )


def _render_board(job, *, message=None, status: int = 200):
    return render_page_or_block("pipeline/board.html", BOARD_BLOCK, status=status, **_board_context(job, message=message))


def _render_table(job, params: TableParams | None = None, *, message=None, status: int = 200, bulk_form=None):
    session = db.session()
    stages = queries.stages_of(session, job.id)
    if params is None:
        try:
            params = TableParams.parse(job.id, request.args, {stage.id for stage in stages})
        except BadQueryParameter as error:
            abort(400, description=str(error))
    listing = queries.table_page(session, job.id, stage_id=params.stage, status=params.status, search=params.q,
                                 sort=params.sort, page=params.page)
    return render_page_or_block(
        "pipeline/table.html", "table_rows", status=status, job=job, stages=stages,
        counts=queries.counts(session, job.id), listing=listing, params=params.with_(page=listing.page),
        reasons=queries.reasons_of(session, job.company_id), status_choices=STATUS_CHOICES,
        sort_choices=SORT_CHOICES, message=message, now=datetime.now(UTC), disagrees=disagrees,
        bulk_form=bulk_form or BulkForm(formdata=None),
    )


@bp.get(JOB)
@member_required("pipeline.view")
def board(job_id: int):
    """The board (one column per stage), or with ?view=table the filtered, sorted table."""
    job = get_job_or_404(job_id)
    if request.args.get("view") == "table":
        return _render_table(job)
    if request.args.get("view") not in (None, "", "board"):
        abort(400, description="Choose the board or the table view.")
    return _render_board(job)


@bp.get(JOB + "/more")
@member_required("pipeline.view")
def more(job_id: int):
    """A column's next cards after the last one shown (keyset: entered_stage_at, id)."""
    job = get_job_or_404(job_id)
    session = db.session()
    stages = queries.stages_of(session, job.id)
    stage = next((s for s in stages if str(s.id) == request.args.get("stage", "")), None)
    if stage is None:
        abort(400, description="Choose a stage of this job.")
    try:
        after = (datetime.fromisoformat(request.args.get("after", "")), int(request.args.get("after_id", "")))
    except ValueError:
        abort(400, description="Show more from a card of the board.")
    cards, has_more = queries.column_cards(session, job.id, stage.id, after)
    return render_template(
        "pipeline/_more.html", job=job, stage=stage, stages=stages, cards=cards, has_more=has_more,
        reasons=queries.reasons_of(session, job.company_id), now=datetime.now(UTC), disagrees=disagrees,
    )


def _back(job):
    """Where a plain (non-htmx) decision returns: the page the form was on, else the board."""
    return safe_path(request.form.get("next")) or url_for("pipeline.board", job_id=job.id)


def _refuse(job, message: str, status: int):
    """The board again with what went wrong (422), or with the card where someone else just put it (409)."""
    return _render_board(job, message=("error", message), status=status)


def _decision(form, job, stages, reasons, action) -> services.Decision:
    """The form's decision checked against the job's stages and the company's reasons (Refused: 422)."""
    stage = None
    if action == services.MOVE:
        stage = next((s for s in stages if s.id == form.stage.data), None)
        if stage is None:
            raise services.Refused("Choose a stage of this job to move to.")
    reason = None
    if action in services.REASON_KIND:
        kind = services.REASON_KIND[action]
        reason = next((r for r in reasons if r.id == form.reason.data and r.kind == kind), None)
        if reason is None:
            raise services.Refused(f"Choose a {kind} reason from the list.")
    send = bool(form.send_email.data) and (
        action == services.REJECT or (action == services.MOVE and stage.kind == "offer"))
    return services.Decision(action, stage, services.reason_text(reason, form.note.data or ""), send)


@bp.post(JOB + "/<int:candidate_id>/decide")
@member_required("pipeline.decide")
def decide(job_id: int, candidate_id: int):
    """Move, reject, withdraw or reopen one candidate, if nobody changed them since the page was drawn."""
    job = get_job_or_404(job_id)
    session = db.session()
    card = queries.entry(session, job.id, candidate_id)
    if card is None:
        abort(404)
    form = DecisionForm()
    if not form.validate():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return _refuse(job, message, 422)
    stages = queries.stages_of(session, job.id)
    try:
        decision = _decision(form, job, stages, queries.reasons_of(session, job.company_id), form.action.data)
        services.decide(session, job, current_company_or_404(), card, decision, seen_version=form.version.data,
                        actor=current_user)
    except services.Refused as refused:
        session.rollback()
        return _refuse(job, str(refused), 422)
    except services.Conflict as conflict:
        session.rollback()
        return _refuse(job, str(conflict), 409)
    except IntegrityError:  # the stage was deleted meanwhile (its foreign key refused the move)
        session.rollback()
        return _refuse(job, "That stage was just deleted; nothing was changed.", 409)
    session.commit()
    message = _done_message(card, decision)
    if wants_block():
        return render_page_or_block("pipeline/board.html", BOARD_BLOCK,
                                    **_board_context(job, stages, message=("success", message)))
    flash(message, "success")
    return redirect(_back(job), 303)


def _done_message(card, decision: services.Decision) -> str:
    from webapp.templating import person_name

    name = person_name(card)
    email = " The email is on its way." if decision.send_email else ""
    if decision.action == services.MOVE:
        return f"Moved {name} to {decision.stage.name}.{email}"
    if decision.action == services.REOPEN:
        return f"Reopened {name}: back in the running."
    return f"{'Rejected' if decision.action == services.REJECT else 'Withdrew'} {name}.{email}"


@bp.post(JOB + "/bulk")
@member_required("pipeline.decide")
def bulk(job_id: int):
    """Move or reject the ticked candidates in one transaction; each is checked against the version seen."""
    job = get_job_or_404(job_id)
    session = db.session()
    form = BulkForm()
    params = TableParams(job_id=job.id, view="table")
    try:
        selection = bulk_selection(request.form)
    except ValueError as error:
        return _render_table(job, params, message=("error", str(error)), status=422, bulk_form=form)
    if not form.validate():
        message = " ".join(error for errors in form.errors.values() for error in errors)
        return _render_table(job, params, message=("error", message), status=422, bulk_form=form)
    stages = queries.stages_of(session, job.id)
    try:
        decision = _decision(form, job, stages, queries.reasons_of(session, job.company_id), form.action.data)
    except services.Refused as refused:
        return _render_table(job, params, message=("error", str(refused)), status=422, bulk_form=form)
    cards = queries.entries(session, job.id, list(selection))
    if len(cards) != len(selection):
        abort(404)  # a candidate who is not on this job's pipeline: as if the id did not exist
    outcome = services.decide_many(session, job, current_company_or_404(), cards, selection, decision,
                                   actor=current_user)
    session.commit()
    verb = "Moved" if decision.action == services.MOVE else "Rejected"
    if outcome.done:
        where = f" to {decision.stage.name}" if decision.stage else ""
        flash(f"{verb} {len(outcome.done)} candidate{'s' if len(outcome.done) != 1 else ''}{where}: "
              f"{', '.join(outcome.done)}.", "success")
    if outcome.skipped:
        flash(f"Skipped {len(outcome.skipped)}: " + " ".join(outcome.skipped), "error")
    return redirect(safe_path(request.form.get("next")) or url_for("pipeline.board", job_id=job.id, view="table"),
                    303)


# --- stages: a job's (pipeline.configure) and the company's defaults (pipeline.company_settings) ----------


STAGE_OPS = ("rename", "up", "down", "delete")


def _stage_op(stages, *, company_id: int, job_id: int | None, page):
    """Rename, move up or down, or delete (after a confirmation) one of `stages`; `page(status, **ctx)` redraws."""
    session = db.session()
    stage = next((s for s in stages if str(s.id) == request.form.get("stage_id", "")), None)
    op = request.form.get("op", "")
    if stage is None or op not in STAGE_OPS:
        return page(400, error="Choose a stage and what to do with it.")
    if op == "rename":
        form = StageNameForm()
        if not form.validate():
            return page(422, error=" ".join(form.name.errors), rename_id=stage.id, rename_form=form)
        services.rename_stage(session, stage, form.name.data, actor=current_user)
        message = f"Renamed the stage to “{form.name.data}”."
    elif op in ("up", "down"):
        if not services.move_stage(session, stages, stage, op, actor=current_user):
            return page(422, error=f"“{stage.name}” is already the {'first' if op == 'up' else 'last'} stage.")
        message = f"Moved “{stage.name}” {op}."
    else:
        if request.form.get("confirmed") != "yes":
            return render_template("pipeline/confirm_stage_delete.html", stage=stage, job_id=job_id,
                                   in_use=job_id is not None and services.stage_in_use(session, stage))
        try:
            services.delete_stage(session, stage, actor=current_user)
        except services.Refused as refused:
            session.rollback()
            return page(422, error=str(refused))
        except IntegrityError:  # a candidate was moved to it meanwhile
            session.rollback()
            return page(409, error="Someone just moved a candidate to this stage; it was not deleted.")
        message = f"Deleted the stage “{stage.name}”."
    session.commit()
    flash(message, "success")
    return None


@bp.get(JOB + "/stages")
@member_required("pipeline.configure")
def stages(job_id: int):
    job = get_job_or_404(job_id)
    return _stages_page(job)


def _stages_page(job, status: int = 200, **context):
    session = db.session()
    stages = queries.stages_of(session, job.id)
    counts = queries.counts(session, job.id)
    context.setdefault("add_form", StageNameForm(formdata=None))
    return render_template("pipeline/stages.html", job=job, stages=stages, counts=counts, **context), status


@bp.post(JOB + "/stages")
@member_required("pipeline.configure")
def stage_add(job_id: int):
    job = get_job_or_404(job_id, for_update=True)  # two additions at once get distinct positions
    form = StageNameForm()
    if not form.validate():
        return _stages_page(job, 422, add_form=form)
    services.add_stage(db.session(), job.company_id, job.id, form.name.data, actor=current_user)
    db.session.commit()
    flash(f"Added the stage “{form.name.data}” at the end.", "success")
    return redirect(url_for("pipeline.stages", job_id=job.id), 303)


@bp.post(JOB + "/stages/update")
@member_required("pipeline.configure")
def stage_update(job_id: int):
    job = get_job_or_404(job_id, for_update=True)
    stages = queries.stages_of(db.session(), job.id)
    answer = _stage_op(stages, company_id=job.company_id, job_id=job.id,
                       page=lambda status, **context: _stages_page(job, status, **context))
    return answer or redirect(url_for("pipeline.stages", job_id=job.id), 303)


def _settings_page(status: int = 200, **context):
    session = db.session()
    company = current_company_or_404()
    context.setdefault("add_form", StageNameForm(formdata=None))
    context.setdefault("reason_form", ReasonForm(formdata=None))
    templates = {kind: emails.template_for(session, company.id, kind) for kind in emails.KIND_LABELS}
    forms = context.pop("template_forms", {})
    template_forms = {kind: forms.get(kind) or TemplateForm(formdata=None, subject=t.subject, body=t.body,
                                                             prefix=kind)
                      for kind, t in templates.items()}
    return render_template(
        "pipeline/settings.html", company=company, stages=queries.default_stages(session, company.id),
        reasons=queries.reasons_of(session, company.id, with_archived=True), templates=templates,
        template_forms=template_forms, kind_labels=emails.KIND_LABELS, placeholders=emails.PLACEHOLDERS,
        preview=_preview_values(company), render=emails.render, **context,
    ), status


def _preview_values(company) -> dict:
    return {"candidate_name": "Alex Example", "job_title": "Backend Engineer", "company_name": company.company_name}


def _settings_url(anchor: str) -> str:
    return url_for("pipeline.settings") + "#" + anchor


@bp.get("/company/pipeline")
@member_required("pipeline.company_settings")
def settings():
    return _settings_page()


@bp.post("/company/pipeline/stages")
@member_required("pipeline.company_settings")
def default_stage_add():
    company = current_company_or_404()
    form = StageNameForm()
    if not form.validate():
        return _settings_page(422, add_form=form)
    services.add_stage(db.session(), company.id, None, form.name.data, actor=current_user)
    db.session.commit()
    flash(f"Added the stage “{form.name.data}” to the default pipeline.", "success")
    return redirect(_settings_url("stages-title"), 303)


@bp.post("/company/pipeline/stages/update")
@member_required("pipeline.company_settings")
def default_stage_update():
    company = current_company_or_404()
    stages = queries.default_stages(db.session(), company.id)
    answer = _stage_op(stages, company_id=company.id, job_id=None, page=_settings_page)
    return answer or redirect(_settings_url("stages-title"), 303)


@bp.post("/company/pipeline/reasons")
@member_required("pipeline.company_settings")
def reason_add():
    company = current_company_or_404()
    form = ReasonForm()
    if not form.validate():
        return _settings_page(422, reason_form=form)
    try:
        services.add_reason(db.session(), company.id, form.kind.data, form.label.data, actor=current_user)
    except services.Refused as refused:
        db.session.rollback()
        form.label.errors = [str(refused)]
        return _settings_page(422, reason_form=form)
    db.session.commit()
    flash(f"Added the reason “{form.label.data}”.", "success")
    return redirect(_settings_url("reasons-title"), 303)


@bp.post("/company/pipeline/reasons/update")
@member_required("pipeline.company_settings")
def reason_update():
    """Rename, archive or restore one of the company's reasons (named in the form)."""
    company = current_company_or_404()
    session = db.session()
    raw = request.form.get("reason_id", "")
    if not (raw.isascii() and raw.isdigit()):
        return _settings_page(400, error="Choose a reason from the list.")
    reason = session.get(PipelineReason, int(raw)) if int(raw) < 2**31 else None
    if reason is None or reason.company_id != company.id:
        abort(404)  # another company's reason: as if it did not exist
    op = request.form.get("op", "")
    if op == "rename":
        form = ReasonLabelForm()
        if not form.validate():
            return _settings_page(422, error=" ".join(form.label.errors))
        try:
            services.rename_reason(session, reason, form.label.data, actor=current_user)
        except services.Refused as refused:
            session.rollback()
            return _settings_page(422, error=str(refused))
        message = f"Renamed the reason to “{form.label.data}”."
    elif op in ("archive", "restore"):
        services.archive_reason(session, reason, archived=op == "archive", actor=current_user)
        message = (f"Archived “{reason.label}”: it is no longer offered." if op == "archive"
                   else f"Restored “{reason.label}”.")
    else:
        return _settings_page(400, error="Choose what to do with the reason.")
    session.commit()
    flash(message, "success")
    return redirect(_settings_url("reasons-title"), 303)


@bp.post("/company/pipeline/templates")
@member_required("pipeline.company_settings")
def template_save():
    """Save the rejection or offer email (unknown placeholders are refused); with preview=1, only show it."""
    company = current_company_or_404()
    kind = request.form.get("kind", "")
    if kind not in emails.KIND_LABELS:
        return _settings_page(400, error="Choose the rejection or the offer email.")
    form = TemplateForm(prefix=kind)
    if not form.validate():
        return _settings_page(422, template_forms={kind: form})
    if request.form.get("preview") == "1":
        previewed = emails.Template(kind, form.subject.data, form.body.data)
        return _settings_page(200, template_forms={kind: form}, previewed={kind: previewed})
    services.save_template(db.session(), company.id, kind, form.subject.data, form.body.data, actor=current_user)
    db.session.commit()
    flash(f"Saved the {emails.KIND_LABELS[kind].lower()}.", "success")
    return redirect(_settings_url(f"template-{kind}"), 303)
