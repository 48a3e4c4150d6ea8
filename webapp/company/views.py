"""The employer's own company: profile, logo and interview timing. No ids in these URLs:
every employer only ever reaches the company their account owns."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, send_file, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block
from sqlalchemy.exc import IntegrityError

from webapp import db, uploads
from webapp.auth.access import role_required
from webapp.company import queries, services
from webapp.company.forms import (
    COMMON_INDUSTRIES,
    ConfirmForm,
    CreateCompanyForm,
    LogoForm,
    ProfileForm,
    TimingForm,
)
from webapp.company.scope import current_company_or_404
from webapp.htmx import render_page_or_block, wants_block
from webapp.models import Company
from webapp.team.membership import activate, current_membership, member_required

bp = Blueprint("company", __name__, url_prefix="/company")

PAGE = "company/show.html"


def _page(company: Company, block: str = "content", status: int = 200, **overrides):
    """The company page (or one of its blocks); forms not given are filled from the company."""
    profile = overrides.pop("profile_form", None) or ProfileForm(formdata=None, obj=company)
    timing = overrides.pop("timing_form", None) or TimingForm(formdata=None, obj=company)
    return render_page_or_block(
        PAGE,
        block,
        status,
        company=company,
        profile_form=profile,
        logo_form=overrides.pop("logo_form", None) or LogoForm(formdata=None),
        remove_logo_form=ConfirmForm(formdata=None),
        timing_form=timing,
        preview=_preview(timing),
        platform_defaults=services.PLATFORM_DEFAULTS,
        industries=COMMON_INDUSTRIES,
        has_logo=uploads.stored_path(services.LOGO_FOLDER, company.company_logo) is not None,
        **overrides,
    )


def _saved(company: Company, block: str, message: str, **overrides):
    """After a successful save: the re-rendered block for htmx, else flash and redirect."""
    if wants_block():
        return _page(company, block, saved=message, **overrides)
    flash(message, "success")
    return redirect(url_for("company.show", _anchor=block.replace("_", "-")))


@bp.get("")
@role_required("employer")
def show():
    membership = current_membership()
    if membership is None:
        # Older accounts may have no company row yet: offer to create one.
        return render_template("company/new.html", form=CreateCompanyForm(formdata=None))
    if not membership.can("company.manage"):
        abort(403)
    return _page(membership.company)


@bp.post("/create")
@role_required("employer")
def create():
    if db.session.scalar(queries.select_company_of(current_user.id)) is not None:
        flash("Your company already exists; edit it here.", "info")
        return redirect(url_for("company.show"))
    form = CreateCompanyForm()
    if not form.validate():
        return render_template("company/new.html", form=form), 422
    company = services.create_company(db.session(), current_user, form.company_name.data)
    try:
        db.session.commit()
    except IntegrityError:
        # A double click created it a moment ago (company_company.user_id is unique).
        db.session.rollback()
    else:
        activate(company.id)
    flash("Company created. Fill in the rest of your profile whenever you are ready.", "success")
    return redirect(url_for("company.show"))


@bp.post("")
@member_required("company.manage")
def update():
    company = current_company_or_404()
    form = ProfileForm()
    if not form.validate():
        return _page(company, "company_profile", 422, profile_form=form)
    services.update_profile(db.session(), company, form.values(), actor=current_user)
    db.session.commit()
    return _saved(company, "company_profile", "Company profile saved.", profile_form=ProfileForm(formdata=None, obj=company))


# --- logo -------------------------------------------------------------------------------


@bp.get("/logo")
@member_required("company.manage")
def logo():
    company = current_company_or_404()
    path = uploads.stored_path(services.LOGO_FOLDER, company.company_logo)
    if path is None:
        abort(404)
    return send_file(path, mimetype="image/png", max_age=0)


@bp.post("/logo")
@member_required("company.manage")
def upload_logo():
    company = _locked(current_company_or_404())
    form = LogoForm()
    try:
        name = uploads.save_image(
            form.logo.data,
            services.LOGO_FOLDER,
            max_bytes=services.LOGO_MAX_BYTES,
            max_side=services.LOGO_MAX_SIDE,
        )
    except uploads.UploadError as error:
        form.logo.errors = [str(error)]
        return _page(company, "company_logo", 422, logo_form=form)
    _commit_logo(company, name)
    return _saved(company, "company_logo", "Logo updated.")


@bp.post("/logo/remove")
@member_required("company.manage")
def remove_logo():
    company = _locked(current_company_or_404())
    if company.company_logo is None:
        return _saved(company, "company_logo", "There was no logo to remove.")
    _commit_logo(company, None)
    return _saved(company, "company_logo", "Logo removed.")


def _locked(company: Company) -> Company:
    # Two uploads at once must not both think they replace the same old file.
    db.session.refresh(company, with_for_update=True)
    return company


def _commit_logo(company: Company, name: str | None) -> None:
    """Point the row at the new file; the old file goes only once the row no longer names it."""
    previous = services.set_logo(db.session(), company, name, actor=current_user)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        uploads.delete_upload(services.LOGO_FOLDER, name)
        raise
    if previous != name:
        uploads.delete_upload(services.LOGO_FOLDER, previous)


# --- interview timing -------------------------------------------------------------------


@bp.post("/timing")
@member_required("company.manage")
def update_timing():
    company = current_company_or_404()
    form = TimingForm()
    if not form.validate():
        return _page(company, "company_timing", 422, timing_form=form)
    services.update_timing(db.session(), company, form.timing(), actor=current_user)
    db.session.commit()
    return _saved(company, "company_timing", "Interview timing saved.", timing_form=TimingForm(formdata=None, obj=company))


@bp.post("/timing/preview")
@member_required("company.manage")
def timing_preview():
    """The timeline line for the values being typed; reads the form only, writes nothing."""
    form = TimingForm()
    form.validate()
    return render_block(PAGE, "timing_preview", preview=_preview(form))


def _preview(form: TimingForm) -> dict:
    """{"line": ..., "defaults": bool} for coherent settings, else {"problem": the first thing to fix}.

    A submitted form reports its own field errors; stored settings (never validated
    by these rules if they predate them) are checked here so no wrong timeline is drawn.
    """
    timing = form.timing()
    problems = {name: errors[0] for name, errors in form.errors.items() if name in form._fields and errors}
    problems = problems or services.timing_problems(timing)
    if problems:
        name, message = next(iter(problems.items()))
        return {"problem": f"{form[name].label.text}: {message}"}
    return {"line": services.describe_timeline(timing), "defaults": not timing.custom_interview_timing}
