"""All mapped classes, imported so `Base.metadata` knows every table.

Relationships over ON DELETE CASCADE keys use `cascade="all", passive_deletes=True`:
deleting a parent deletes the loaded children in the ORM and leaves the others
to the database, instead of loading them all or nulling their foreign keys.
"""

from webapp.models.analytics import STATISTICS_PERIODS, InterviewStatistics
from webapp.models.rollups import CompanyFunnelDay, DailyMetrics, FunnelDay  # noqa: F401  (registers the rollups)
from webapp.models.counters import (  # noqa: F401
    CompanyDayCount,
    CompanyInterviewCount,
    JobInterviewCount,
    PlatformCount,
    RollupDay,
)
from webapp.models.audit import AuditEvent
from webapp.models.assessment import AssessmentCategory, AssessmentType, InterviewAssessment
from webapp.models.billing import (
    PLAN_INTERVALS,
    PLAN_TYPES,
    SUBSCRIPTION_STATUSES,
    USAGE_TYPES,
    CustomerSubscription,
    SubscriptionPlan,
    UsageRecord,
)
from webapp.models.billing_events import StripeCustomer, WebhookEvent
from webapp.models.company import JOB_FOCUSES, Company, Job
from webapp.models.interview import (
    INTERVIEW_STATUSES,
    PLANNED_STATUSES,
    BehavioralAnalysis,
    CulturalFit,
    InterviewSession,
    interview_date,
)
from webapp.models.mail import OutboxMessage
from webapp.models.learning import (
    LEARNING_PATH_STATUSES,
    RESOURCE_TYPES,
    LearningPath,
    LearningPathResource,
    LearningResource,
)
from webapp.models.security import ATTEMPT_KINDS, LoginAttempt, LoginSession, RecoveryCode, TwoFactorState
from webapp.models.scoring import CandidateRanking, DynamicScoreWeight, ScoreWeight
from webapp.models.rankings import (  # noqa: F401  (registers the tables)
    RankingComponent,
    StaleCandidate,
    StaleJob,
    TechnicalAssessmentType,
)
from webapp.models.sentiment import SENTIMENTS, SentimentContextFactors, SentimentHistory, SentimentSession
from webapp.models.skills import Skill, SkillAssessment, SkillAssessmentHistory, SkillCategory
from webapp.models.users import ROLES, Resume, User, UserOAuthToken
from webapp.models.team import (  # noqa: F401
    JOB_TEAM_ROLES,
    MEMBER_ROLES,
    CompanyInvitation,
    CompanyMember,
    InterviewAssignment,
    JobTeamMember,
    PlanSeatLimit,
)
from webapp.models.pipeline import (  # noqa: F401
    DECISION_ACTIONS,
    OVERRIDE_KINDS,
    PIPELINE_STATUSES,
    REASON_KINDS,
    RECOMMENDATIONS,
    STAGE_KINDS,
    TEMPLATE_KINDS,
    InterviewNote,
    InterviewNoteEdit,
    PipelineCandidate,
    PipelineDecision,
    PipelineEmailTemplate,
    PipelineReason,
    PipelineStage,
    RankingOverride,
    Scorecard,
    ScorecardAttribute,
    ScorecardRating,
)
from webapp.models.archive import InterviewSessionArchive  # noqa: F401  (registers the table)
from webapp.models.settings import UserSetting  # noqa: F401  (registers the table)
from webapp.models.notifications import Notification, NotificationPreference  # noqa: F401  (registers the tables)
from webapp.models import scale_indexes  # noqa: F401  (the migrations' indexes for pages at scale)

__all__ = [
    "ATTEMPT_KINDS",
    "AuditEvent",
    "LoginAttempt",
    "LoginSession",
    "OutboxMessage",
    "RecoveryCode",
    "TwoFactorState",
    "INTERVIEW_STATUSES",
    "PLANNED_STATUSES",
    "JOB_FOCUSES",
    "LEARNING_PATH_STATUSES",
    "PLAN_INTERVALS",
    "PLAN_TYPES",
    "RESOURCE_TYPES",
    "ROLES",
    "SENTIMENTS",
    "STATISTICS_PERIODS",
    "SUBSCRIPTION_STATUSES",
    "USAGE_TYPES",
    "AssessmentCategory",
    "AssessmentType",
    "BehavioralAnalysis",
    "CandidateRanking",
    "Company",
    "CulturalFit",
    "CustomerSubscription",
    "DynamicScoreWeight",
    "InterviewAssessment",
    "InterviewSession",
    "interview_date",
    "InterviewStatistics",
    "Job",
    "LearningPath",
    "LearningPathResource",
    "LearningResource",
    "Resume",
    "ScoreWeight",
    "SentimentContextFactors",
    "SentimentHistory",
    "SentimentSession",
    "Skill",
    "SkillAssessment",
    "SkillAssessmentHistory",
    "SkillCategory",
    "SubscriptionPlan",
    "UsageRecord",
    "User",
    "UserOAuthToken",
    "StripeCustomer",
    "WebhookEvent",
]
