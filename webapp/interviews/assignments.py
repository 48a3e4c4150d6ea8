"""An interview's assigned interviewers: who they are, and assigning or unassigning a company member.

An interviewer member sees only the interviews assigned to them (webapp.team.scope); members with
`interviews.manage` choose them among the company's members. Nothing here commits: the view does, once.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import Select, and_, case, delete, func, select, union
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from webapp.audit import services as audit
from webapp.jobs.forms import member_id
from webapp.models import CompanyMember, InterviewAssignment, InterviewSession, User
from webapp.team import policy


def select_people(company_id: int, interview_id: int, with_members: bool) -> Select:
    """One row per person: the interview's assigned interviewers (assigned true) and, `with_members`, the
    company's other members to choose from; (id, names, email, member_role, assigned). Assigned first,
    then members whose role is interviewer, then by name."""
    assigned = select(InterviewAssignment.user_id).where(InterviewAssignment.interview_session_id == interview_id)
    people = (
        union(assigned, select(CompanyMember.user_id).where(CompanyMember.company_id == company_id))
        if with_members else assigned
    ).subquery("people")
    is_assigned = InterviewAssignment.user_id.is_not(None)
    return (
        select(User.id, User.first_name, User.last_name, User.email, CompanyMember.role.label("member_role"),
               is_assigned.label("assigned"))
        .select_from(people)
        .join(User, User.id == people.c.user_id)
        .outerjoin(CompanyMember, and_(CompanyMember.user_id == User.id, CompanyMember.company_id == company_id))
        .outerjoin(InterviewAssignment, and_(InterviewAssignment.user_id == User.id,
                                             InterviewAssignment.interview_session_id == interview_id))
        .order_by(is_assigned.desc(), case((CompanyMember.role == policy.INTERVIEWER, 0), else_=1),
                  func.lower(User.first_name), func.lower(User.last_name), User.email, User.id)
    )


def display_name(row) -> str:
    return " ".join(part for part in (row.first_name, row.last_name) if part) or row.email


def _a_member(form, field):
    if field.data is None or field.data not in {choice.value for choice in field.choices}:
        raise ValidationError("Choose a member of this company.")


class AssignForm(FlaskForm):
    """Assign an interviewer (the view sets the choices: the company's members)."""

    user_id = SelectField("Interviewer", coerce=member_id, validate_choice=False, validators=[_a_member])

    def offer(self, people: list, *, unassigned_only: bool) -> AssignForm:
        """Choices from `people` rows: every company member, or (to show) those not yet assigned."""
        self.user_id.choices = [
            SelectChoice(row.id, f"{display_name(row)} ({policy.ROLE_LABELS[row.member_role]})")
            for row in people
            if row.member_role is not None and not (unassigned_only and row.assigned)
        ]
        return self


def assign(session: Session, interview: InterviewSession, user_id: int, *, actor: User | None = None) -> bool:
    """Assign a company member (the caller checked) to the interview; False when already assigned.

    ON CONFLICT: two recruiters assigning the same person at once make one row and one audit event.
    """
    added = session.scalar(
        insert(InterviewAssignment)
        .values(interview_session_id=interview.id, user_id=user_id, assigned_by_id=actor.id if actor else None)
        .on_conflict_do_nothing(index_elements=["interview_session_id", "user_id"])
        .returning(InterviewAssignment.user_id)
    )
    if added is None:
        return False
    audit.record(session, "interview.interviewer_assigned", actor=actor, target=interview,
                 details={"session_id": interview.session_id, "user_id": user_id})
    return True


def unassign(session: Session, interview: InterviewSession, user_id: int, *, actor: User | None = None) -> bool:
    """Take an interviewer off the interview; False when they were not assigned."""
    removed = session.scalar(
        delete(InterviewAssignment)
        .where(InterviewAssignment.interview_session_id == interview.id, InterviewAssignment.user_id == user_id)
        .returning(InterviewAssignment.user_id)
    )
    if removed is None:
        return False
    audit.record(session, "interview.interviewer_unassigned", actor=actor, target=interview,
                 details={"session_id": interview.session_id, "user_id": user_id})
    return True
