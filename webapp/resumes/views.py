"""The candidate's resume: upload (checked by content), the parsed fields, earlier uploads.

Every URL with an id goes through `get_resume_or_404`: another candidate's
resume and a missing one both answer 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from webapp import db, uploads
from webapp.auth.access import role_required
from webapp.dateranges import BadQueryParameter
from webapp.htmx import htmx, hx_redirect, render_page_or_block, wants_block
from webapp.models import Resume
from webapp.pagination import page_number
from webapp.resumes import documents, parsing, queries, services
from webapp.resumes.forms import ConfirmForm, ResumeForm, UploadForm
from webapp.resumes.scope import get_resume_or_404

bp = Blueprint("resumes", __name__)

CANDIDATE = "user"
RESUME = "<int:resume_id>"
PAGE = "resumes/index.html"


def _page_number() -> int:
    try:
        return page_number(request.args.get("page", ""))
    except BadQueryParameter as error:
        abort(400, description=str(error))


def _page(block: str = "content", status: int = 200, *, resume: Resume | None = None, **overrides):
    """The resume page (or one of its blocks): `resume` is the one whose fields are shown (default: the newest)."""
    session = db.session()
    user = current_user._get_current_object()
    latest = session.scalar(queries.select_latest(user.id))
    shown = resume or latest
    listing = queries.uploads_page(session, user.id, _page_number())
    upload_form = overrides.pop("upload_form", None) or UploadForm(formdata=None)
    upload_form.describe(services.max_bytes())
    return render_page_or_block(
        PAGE,
        block,
        status,
        resume=shown,
        latest_id=latest.id if latest else None,
        form=overrides.pop("form", None) or (ResumeForm(formdata=None, obj=shown) if shown else None),
        upload_form=upload_form,
        listing=listing,
        # Only files we stored can be downloaded (the demo data names files that do not exist).
        downloadable={
            row.id for row in listing.rows if uploads.stored_path(services.FOLDER, row.file, documents.SUFFIXES)
        },
        **overrides,
    )


@bp.get("/resume")
@role_required(CANDIDATE)
def index():
    return _page("resume_uploads" if htmx.target == "resume-uploads" else "content")


@bp.post("/resume/upload")
@role_required(CANDIDATE)
def upload():
    form = UploadForm()
    try:
        document = documents.read_resume(form.file.data, services.max_bytes())
    except uploads.UploadError as error:
        form.file.errors = [str(error)]
        return _page("resume_upload", 422, upload_form=form)
    session = db.session()
    fields = parsing.parse(document.text, queries.skill_names(session))
    name = uploads.store(services.FOLDER, document.suffix, lambda path: path.write_bytes(document.data))
    try:
        services.add_resume(session, current_user._get_current_object(), name, document.kind, fields)
        session.commit()
    except Exception:
        session.rollback()
        uploads.delete_upload(services.FOLDER, name, documents.SUFFIXES)  # no row, no file
        raise
    found = sum(1 for value in fields.values() if value)
    flash(
        f"Resume uploaded. We filled in {found} of {len(fields)} fields from it: check them below."
        if found > 3
        else "Resume uploaded. We could not read much from this file, so please fill in the fields below.",
        "success",
    )
    return hx_redirect(url_for("resumes.index")) if wants_block() else redirect(url_for("resumes.index"), 303)


@bp.post(f"/resume/{RESUME}")
@role_required(CANDIDATE)
def update(resume_id: int):
    resume = get_resume_or_404(resume_id, for_update=True)
    form = ResumeForm()
    if not form.validate():
        return _page("resume_fields", 422, resume=resume, form=form)
    changed = services.update_fields(db.session(), resume, form.values(), actor=current_user._get_current_object())
    db.session.commit()
    message = "Your resume details are saved." if changed else "Nothing changed."
    if wants_block():
        return _page("resume_fields", resume=resume, saved=message)
    flash(message, "success" if changed else "info")
    return redirect(url_for("resumes.index"), 303)


@bp.get(f"/resume/{RESUME}/file")
@role_required(CANDIDATE)
def download(resume_id: int):
    resume = get_resume_or_404(resume_id)
    path = uploads.stored_path(services.FOLDER, resume.file, documents.SUFFIXES)
    if path is None:
        abort(404)
    kind = path.suffix.removeprefix(".")
    uploaded = f"-{resume.uploaded_at:%Y-%m-%d}" if resume.uploaded_at else ""
    response = send_file(
        path, mimetype=documents.MIME_TYPES[kind], as_attachment=True, download_name=f"resume{uploaded}.{kind}"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get(f"/resume/{RESUME}/delete")
@role_required(CANDIDATE)
def confirm_delete(resume_id: int):
    resume = get_resume_or_404(resume_id)
    latest = db.session.scalar(queries.select_latest(current_user.id))
    return render_template(
        "resumes/confirm_delete.html", resume=resume, is_current=latest.id == resume.id, form=ConfirmForm()
    )


@bp.post(f"/resume/{RESUME}/delete")
@role_required(CANDIDATE)
def delete(resume_id: int):
    resume = get_resume_or_404(resume_id, for_update=True)
    if not ConfirmForm().validate():
        abort(400, description="The form expired. Reload the page and try again.")
    uploaded = resume.uploaded_at
    stored_name = services.delete_resume(db.session(), current_user._get_current_object(), resume)
    db.session.commit()
    uploads.delete_upload(services.FOLDER, stored_name, documents.SUFFIXES)  # only once the row is gone
    flash(f"Deleted the upload from {uploaded:%d %b %Y}." if uploaded else "Deleted the upload.", "success")
    return redirect(url_for("resumes.index"), 303)
