"""The admin catalog: an overview, and list/create/edit/delete for each kind in kinds.KINDS.

Every kind gets the same seven routes from one set of view functions; what differs
between kinds (model, form, columns, search, filters, dependents) lives in its spec.
"""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp import db
from webapp.admin.queries import page_of
from webapp.auth.access import role_required
from webapp.catalog import queries, services
from webapp.catalog.forms import ListArguments
from webapp.catalog.kinds import KINDS, Kind
from webapp.htmx import render_page_or_block, wants_block

bp = Blueprint("catalog", __name__, url_prefix="/admin/catalog")

ROWS_BLOCK = "catalog_rows"


@bp.get("/")
@role_required("admin")
def index():
    return render_template("catalog/index.html", kinds=KINDS, counts=queries.catalog_counts(db.session()))


def list_items(kind: Kind):
    session = db.session()
    args = ListArguments(request.args, kind.listing, tuple(f.name for f in kind.filters))
    context = dict(kind=kind, args=args, state=args.state(kind.listing.default_sort),
                   filtered=bool(args.q or any(args.filters.values())))
    if not wants_block():  # the filter selects sit outside the rows block
        context["filter_options"] = {f.name: f.options(session) for f in kind.filters}
    if args.error:
        # htmx does not swap 4xx answers: the rows block comes back as 200 with the message.
        status = 200 if wants_block() else 400
        return render_page_or_block("catalog/list.html", ROWS_BLOCK, status=status, rows=[], page=None, **context)
    total = session.scalar(queries.count_rows(kind.listing, args.q, args.filters))
    page = page_of(total, args.page, queries.PER_PAGE)
    rows = session.execute(queries.select_rows(kind.listing, args.q, args.filters, args.sort, page)).all()
    response = render_page_or_block("catalog/list.html", ROWS_BLOCK, rows=rows, page=page, **context)
    if wants_block():
        # The address bar shows the canonical state (empty fields and the default sort left out).
        page_arg = {"page": page.number} if page.number > 1 else {}
        response.headers["HX-Push-Url"] = url_for(request.endpoint, **context["state"], **page_arg)
    return response


def new(kind: Kind):
    form = kind.form()
    form.load_choices(db.session())
    return render_template("catalog/form.html", kind=kind, form=form, item=None)


def create(kind: Kind):
    session = db.session()
    form = kind.form()
    form.load_choices(session)
    if not form.validate():
        return render_template("catalog/form.html", kind=kind, form=form, item=None), 422
    try:
        item = services.create(session, kind, form.model_values(), actor=current_user)
    except services.FieldConflict as conflict:
        return _refused(kind, form, None, conflict)
    session.commit()
    flash(f"Added the {kind.singular} “{kind.label_of(item)}”.", "success")
    return redirect(url_for(f"catalog.{kind.slug}_index"))


def edit(kind: Kind, item_id: int):
    item = _get_or_404(kind, item_id)
    form = kind.form(obj=item)
    form.load_choices(db.session())
    return render_template("catalog/form.html", kind=kind, form=form, item=item)


def update(kind: Kind, item_id: int):
    session = db.session()
    item = _get_or_404(kind, item_id, for_update=True)
    form = kind.form()
    form.load_choices(session)
    if not form.validate():
        return render_template("catalog/form.html", kind=kind, form=form, item=item), 422
    try:
        changed = services.update(session, kind, item, form.model_values(), actor=current_user)
    except services.FieldConflict as conflict:
        return _refused(kind, form, item_id, conflict)
    session.commit()
    label = kind.label_of(item)
    if changed:
        flash(f"Saved “{label}”.", "success")
    else:
        flash(f"Nothing changed in “{label}”.", "info")
    return redirect(url_for(f"catalog.{kind.slug}_index"))


def _refused(kind: Kind, form, item_id: int | None, conflict: services.FieldConflict):
    """The database refused the write (a name taken or a choice deleted meanwhile): a field message, 422."""
    db.session.rollback()  # drop the refused row, or the next query would autoflush it again
    form[conflict.field].errors = [*form[conflict.field].errors, conflict.message]
    form.load_choices(db.session())  # the refusal may be a choice that no longer exists
    item = _get_or_404(kind, item_id) if item_id is not None else None
    return render_template("catalog/form.html", kind=kind, form=form, item=item), 422


def confirm_delete(kind: Kind, item_id: int):
    item = _get_or_404(kind, item_id)
    counts = db.session.execute(kind.dependents(item.id)).one()._mapping
    return render_template("catalog/confirm_delete.html", kind=kind, item=item, counts=counts)


def delete(kind: Kind, item_id: int):
    session = db.session()
    item = _get_or_404(kind, item_id, for_update=True)
    label = kind.label_of(item)
    try:
        counts = services.delete(session, kind, item, actor=current_user)
    except services.DeleteRefused:
        session.rollback()
        item = _get_or_404(kind, item_id)
        counts = session.execute(kind.dependents(item.id)).one()._mapping
        return render_template("catalog/confirm_delete.html", kind=kind, item=item, counts=counts, refused=True), 409
    session.commit()
    removed = [f"{counts[d.key]} {d.one if counts[d.key] == 1 else d.many}"
               for d in kind.dependent_labels if d.deleted and counts[d.key]]
    with_what = f" with {', '.join(removed)}" if removed else ""
    flash(f"Deleted the {kind.singular} “{label}”{with_what}.", "success")
    return redirect(url_for(f"catalog.{kind.slug}_index"))


def _get_or_404(kind: Kind, item_id: int, for_update: bool = False):
    item = db.session.get(kind.model, item_id, with_for_update=for_update or None)
    return item if item is not None else abort(404)


ITEM = "<int:item_id>"


def _register(kind: Kind) -> None:
    routes = (
        ("index", "", ["GET"], list_items),
        ("new", "/new", ["GET"], new),
        ("create", "", ["POST"], create),
        ("edit", f"/{ITEM}/edit", ["GET"], edit),
        ("update", f"/{ITEM}", ["POST"], update),
        ("confirm_delete", f"/{ITEM}/delete", ["GET"], confirm_delete),
        ("delete", f"/{ITEM}/delete", ["POST"], delete),
    )
    for action, rule, methods, view in routes:
        bp.add_url_rule(
            f"/{kind.slug.replace('_', '-')}{rule}",
            f"{kind.slug}_{action}",
            role_required("admin")(partial(view, kind)),
            methods=methods,
        )


for _kind in KINDS:
    _register(_kind)
