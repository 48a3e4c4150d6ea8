"""Reads of a job's pipeline: its stages, the board's counts and cards, the table view, a card's last mover.

Every read of candidates goes along idx_pipeline_candidate_board (job_id, status, stage_id,
entered_stage_at): the counts are one GROUP BY on it, each column's cards a keyset range of it
(oldest in the stage first), so a job with 5,000 candidates reads 20 cards per column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from webapp.models import PipelineReason, PipelineStage
from webapp.pagination import ListPage, clamp_page
from webapp.scorecards.queries import select_human_scores

PER_COLUMN = 20  # cards a column shows before "Show more"
PER_PAGE = 25  # rows of the table view

# What a card or a table row shows; `c` is pipeline_candidate, `u` the candidate, `r` their ranking.
CARD_COLUMNS = """c.id, c.candidate_id, c.stage_id, c.status, c.entered_stage_at, c.closed_at, c.version,
                  u.first_name, u.last_name, u.email, r.overall_score AS ai_score"""
CARD_JOINS = """JOIN users_user u ON u.id = c.candidate_id
                LEFT JOIN rankings_component r ON r.job_id = c.job_id AND r.candidate_id = c.candidate_id"""


def stages_of(session: Session, job_id: int) -> list[PipelineStage]:
    """The job's stages in position order (idx_pipeline_stage_job)."""
    statement = select(PipelineStage).where(PipelineStage.job_id == job_id).order_by(
        PipelineStage.position, PipelineStage.id
    )
    return list(session.scalars(statement))


def default_stages(session: Session, company_id: int) -> list[PipelineStage]:
    """The company's default stages (copied to new jobs), in position order."""
    statement = select(PipelineStage).where(
        PipelineStage.company_id == company_id, PipelineStage.job_id.is_(None)
    ).order_by(PipelineStage.position, PipelineStage.id)
    return list(session.scalars(statement))


def reasons_of(session: Session, company_id: int, *, with_archived: bool = False) -> list[PipelineReason]:
    """The company's rejection and withdrawal reasons, by kind and position."""
    statement = select(PipelineReason).where(PipelineReason.company_id == company_id)
    if not with_archived:
        statement = statement.where(PipelineReason.archived_at.is_(None))
    return list(session.scalars(statement.order_by(PipelineReason.kind, PipelineReason.position, PipelineReason.id)))


@dataclass(frozen=True)
class Counts:
    """Active candidates per stage id, and how many are closed (rejected or withdrawn)."""

    by_stage: dict[int, int]
    rejected: int
    withdrawn: int

    @property
    def closed(self) -> int:
        return self.rejected + self.withdrawn

    @property
    def active(self) -> int:
        return sum(self.by_stage.values())


def counts(session: Session, job_id: int) -> Counts:
    """One GROUP BY on idx_pipeline_candidate_board (an index-only scan of the job's range)."""
    rows = session.execute(
        text("""SELECT status, stage_id, count(*) AS n FROM pipeline_candidate
                WHERE job_id = :job_id GROUP BY status, stage_id"""),
        {"job_id": job_id},
    ).all()
    by_stage: dict[int, int] = {}
    closed = {"rejected": 0, "withdrawn": 0}
    for status, stage_id, n in rows:
        if status == "active":
            by_stage[stage_id] = n
        else:
            closed[status] += n
    return Counts(by_stage, closed["rejected"], closed["withdrawn"])


@dataclass
class Card:
    """A candidate on the board or in the table, with the AI's and the people's scores."""

    row: object
    human_score: float | None = None
    scorecards: int = 0

    def __getattr__(self, name):
        return getattr(self.row, name)

    def days_in_stage(self, now: datetime) -> int:
        return max(0, (now - self.row.entered_stage_at).days)


def with_human_scores(session: Session, job_id: int, rows: Sequence) -> list[Card]:
    """The rows as cards with their human score and scorecard count (one statement for all of them)."""
    cards = [Card(row) for row in rows]
    if cards:
        scores = {
            row.candidate_id: row
            for row in session.execute(select_human_scores(job_id, [card.candidate_id for card in cards]))
        }
        for card in cards:
            if (score := scores.get(card.candidate_id)) is not None:
                card.human_score, card.scorecards = score.human_score, score.scorecards
    return cards


def board_cards(session: Session, job_id: int, stage_ids: Sequence[int], limit: int = PER_COLUMN) -> dict[int, list]:
    """Each stage's first `limit` active cards, oldest in the stage first: one statement, a range per column."""
    rows = session.execute(
        text(f"""SELECT {CARD_COLUMNS}
                 FROM unnest(CAST(:stage_ids AS integer[])) AS s(id)
                 CROSS JOIN LATERAL (
                     SELECT * FROM pipeline_candidate p
                     WHERE p.job_id = :job_id AND p.status = 'active' AND p.stage_id = s.id
                     ORDER BY p.entered_stage_at, p.id LIMIT :limit
                 ) c
                 {CARD_JOINS}
                 ORDER BY c.stage_id, c.entered_stage_at, c.id"""),
        {"job_id": job_id, "stage_ids": list(stage_ids), "limit": limit},
    ).all()
    cards = with_human_scores(session, job_id, rows)
    columns: dict[int, list] = {stage_id: [] for stage_id in stage_ids}
    for card in cards:
        columns[card.stage_id].append(card)
    return columns


def column_cards(
    session: Session, job_id: int, stage_id: int, after: tuple[datetime, int] | None, limit: int = PER_COLUMN
) -> tuple[list[Card], bool]:
    """The next `limit` active cards of one column after the keyset `after` (entered_stage_at, id); and whether
    more follow."""
    keyset = "AND (p.entered_stage_at, p.id) > (:after_at, :after_id)" if after else ""
    rows = session.execute(
        text(f"""SELECT {CARD_COLUMNS}
                 FROM (SELECT * FROM pipeline_candidate p
                       WHERE p.job_id = :job_id AND p.status = 'active' AND p.stage_id = :stage_id {keyset}
                       ORDER BY p.entered_stage_at, p.id LIMIT :limit) c
                 {CARD_JOINS}
                 ORDER BY c.entered_stage_at, c.id"""),
        {"job_id": job_id, "stage_id": stage_id, "limit": limit + 1,
         "after_at": after[0] if after else None, "after_id": after[1] if after else None},
    ).all()
    return with_human_scores(session, job_id, rows[:limit]), len(rows) > limit


def entry(session: Session, job_id: int, candidate_id: int):
    """One candidate's place on the job (with what a card shows), or None."""
    row = session.execute(
        text(f"SELECT {CARD_COLUMNS} FROM pipeline_candidate c {CARD_JOINS}"
             " WHERE c.job_id = :job_id AND c.candidate_id = :candidate_id"),
        {"job_id": job_id, "candidate_id": candidate_id},
    ).one_or_none()
    return None if row is None else with_human_scores(session, job_id, [row])[0]


def entries(session: Session, job_id: int, candidate_ids: Sequence[int]) -> list:
    """These candidates' places on the job (bulk actions), by candidate id."""
    return session.execute(
        text(f"SELECT {CARD_COLUMNS} FROM pipeline_candidate c {CARD_JOINS}"
             " WHERE c.job_id = :job_id AND c.candidate_id = ANY(CAST(:ids AS integer[])) ORDER BY c.candidate_id"),
        {"job_id": job_id, "ids": list(candidate_ids)},
    ).all()


def last_decision(session: Session, pipeline_candidate_id: int):
    """Who made the latest decision about a place and where it left them (name, stage, action), or None."""
    return session.execute(
        text("""SELECT d.action, d.decided_at, s.name AS stage_name,
                       u.first_name, u.last_name, u.email
                FROM pipeline_decision d
                LEFT JOIN pipeline_stage s ON s.id = d.to_stage_id
                LEFT JOIN users_user u ON u.id = d.decided_by_id
                WHERE d.pipeline_candidate_id = :id
                ORDER BY d.decided_at DESC, d.id DESC LIMIT 1"""),
        {"id": pipeline_candidate_id},
    ).one_or_none()


# --- the table view ----------------------------------------------------------------------------

# sort key -> ORDER BY over `c` (pipeline_candidate), `u` (users) and `r` (its ranking); a whitelist.
TABLE_SORTS = {
    "entered": "c.entered_stage_at ASC, c.id ASC",
    "-entered": "c.entered_stage_at DESC, c.id DESC",
    "name": "lower(concat_ws(' ', u.first_name, u.last_name, u.email)) ASC, c.id ASC",
    "-name": "lower(concat_ws(' ', u.first_name, u.last_name, u.email)) DESC, c.id DESC",
    "ai": "r.overall_score DESC NULLS LAST, c.id ASC",
    "-ai": "r.overall_score ASC NULLS LAST, c.id ASC",
    "stage": "st.position ASC, c.entered_stage_at ASC, c.id ASC",
    "-stage": "st.position DESC, c.entered_stage_at ASC, c.id ASC",
}


@dataclass(frozen=True)
class TablePage(ListPage):
    cards: list = field(default_factory=list)


def table_page(
    session: Session, job_id: int, *, stage_id: int | None, status: str, search: str, sort: str, page: int,
    per_page: int = PER_PAGE,
) -> TablePage:
    """One page of the job's candidates filtered and sorted, with the matching count: one statement (plus the
    human scores of the page's rows)."""
    conditions = ["c.job_id = :job_id"]
    if status == "closed":
        conditions.append("c.status IN ('rejected', 'withdrawn')")
    elif status != "all":
        conditions.append("c.status = :status")
    if stage_id is not None:
        conditions.append("c.stage_id = :stage_id")
    if search:
        conditions.append("concat_ws(' ', u.first_name, u.last_name, u.email) ILIKE :pattern")
    where = " AND ".join(conditions)
    # without a search the count is an index-only range of idx_pipeline_candidate_board
    names = "JOIN users_user u ON u.id = c.candidate_id" if search else ""
    pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    params = {"job_id": job_id, "status": status, "stage_id": stage_id, "pattern": pattern,
              "limit": per_page, "offset": (page - 1) * per_page}
    result = session.execute(
        text(f"""WITH matching AS (
                     SELECT count(*) AS n FROM pipeline_candidate c {names}
                     WHERE {where}
                 )
                 SELECT matching.n AS matching, page.* FROM matching LEFT JOIN (
                     SELECT {CARD_COLUMNS}, st.name AS stage_name, st.position AS stage_position,
                            last.reason AS last_reason, last.decided_at AS last_decided_at,
                            last.decider_first_name, last.decider_last_name, last.decider_email
                     FROM pipeline_candidate c {CARD_JOINS}
                     JOIN pipeline_stage st ON st.id = c.stage_id
                     -- the latest decision (who closed a candidate, and why): idx_pipeline_decision_candidate
                     LEFT JOIN LATERAL (
                         SELECT d.reason, d.decided_at, du.first_name AS decider_first_name,
                                du.last_name AS decider_last_name, du.email AS decider_email
                         FROM pipeline_decision d LEFT JOIN users_user du ON du.id = d.decided_by_id
                         WHERE d.pipeline_candidate_id = c.id
                         ORDER BY d.decided_at DESC, d.id DESC LIMIT 1
                     ) last ON true
                     WHERE {where}
                     ORDER BY {TABLE_SORTS[sort]}
                     LIMIT :limit OFFSET :offset
                 ) page ON true"""),
        params,
    ).all()
    matching = result[0].matching
    rows = [row for row in result if row.id is not None]
    clamped, pages = clamp_page(page, matching, per_page)
    if clamped != page and not rows:
        return table_page(session, job_id, stage_id=stage_id, status=status, search=search, sort=sort,
                          page=clamped, per_page=per_page)
    cards = with_human_scores(session, job_id, rows)
    return TablePage(rows, matching, page, pages, per_page, cards=cards)
