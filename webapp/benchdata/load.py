"""The bench-data load: a plan in Python (companies, jobs, session counts), rows in set-based SQL.

Only the shape (a few thousand companies and jobs) is computed in Python, from a
fixed-seed RNG; every big table is filled by one INSERT ... SELECT over
generate_series with `setseed`, so a run with the same N and the same clock
gives the same data. Ids are explicit (the tables are truncated with RESTART
IDENTITY first) so stages join on arithmetic instead of lookups, and sessions
are numbered in start-time order so the table's physical order is the
platform's, not one company's after another.

Triggers and foreign-key checks are skipped while loading
(`session_replication_role = replica`, when the role may set it); what they
maintain is rebuilt at the end by the project's own code: rankings recompute,
`stats rollup`, and the activity counters' recount.
"""

from __future__ import annotations

import math
import random
import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from webapp.demo import catalog as cat
from webapp.demo.seed import _Seeder

BENCH_DOMAIN = "bench.jobhive.test"
PASSWORD = cat.DEMO_PASSWORD
LOGINS = {
    "biggest employer": f"big@{BENCH_DOMAIN}",
    "small employer": f"small@{BENCH_DOMAIN}",
    "admin": f"admin@{BENCH_DOMAIN}",
    "candidate": f"candidate@{BENCH_DOMAIN}",
    "hiring manager": f"manager@{BENCH_DOMAIN}",
    "interviewer": f"interviewer@{BENCH_DOMAIN}",
}
# The biggest employer's team: a hiring manager of its first jobs (the hot job included) and an
# interviewer assigned to one of every ASSIGNED_EVERY of its interviews.
MANAGER_JOBS = 3
ASSIGNED_EVERY = 500
RANDOM_SEED = 20261204
PRACTICE_SHARE = 0.08
BIGGEST_SHARE = 0.20
HOT_SHARE = 0.005
STAR_PRACTICE_SESSIONS = 40
SPECIAL_POINTS = 250
HISTORY_DAYS = 365
TITLES = (
    "Senior Backend Engineer", "Frontend Engineer", "Data Engineer", "Site Reliability Engineer",
    "Product Manager", "Machine Learning Engineer", "QA Automation Engineer", "Engineering Manager",
    "Customer Success Manager", "Solutions Architect", "Mobile Engineer", "Security Engineer",
    "Data Analyst", "Technical Writer", "Platform Engineer", "Sales Engineer",
)
FOCUSES = ("technical", "balanced", "behavioral")
NAME_WORDS = (
    ("Northwind", "Blue Harbor", "Copperleaf", "Summit", "Lumen", "Ironbridge", "Silverline", "Redwood",
     "Brightpath", "Keystone", "Tidewater", "Evergreen", "Orbital", "Granite", "Polaris", "Meridian"),
    ("Labs", "Systems", "Health", "Logistics", "Robotics", "Analytics", "Finance", "Retail", "Energy", "Studios"),
)
INDUSTRIES = ("Software", "Healthcare", "Logistics", "Finance", "Retail", "Energy", "Robotics & Automation",
              "Education", "Media", "Manufacturing")


class BenchDataRefused(Exception):
    """The database holds users that bench-data did not create."""


@dataclass
class Shape:
    """How many of everything, and which job gets how many sessions (job id = index + 1)."""

    sessions: int
    companies: int
    candidates: int
    practice: int
    job_company: list[int] = field(default_factory=list)
    job_sessions: list[int] = field(default_factory=list)
    job_focus: list[str] = field(default_factory=list)
    job_active: list[bool] = field(default_factory=list)
    job_title: list[str] = field(default_factory=list)

    @property
    def first_candidate(self) -> int:
        # user 1 is the admin, users 2..companies+1 own the companies in order
        return self.companies + 2


def _split(total: int, parts: int, rng: random.Random, cap: int) -> list[int]:
    """`total` spread over `parts` with uneven random weights, none above `cap`; sums exactly to `total`."""
    weights = [rng.uniform(0.2, 1.8) for _ in range(parts)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    counts[0] += total - sum(counts)
    for i, n in enumerate(counts):
        if n > cap:
            counts[i] = cap
            smallest = counts.index(min(counts))
            counts[smallest] += n - cap
    return counts


def plan(sessions: int) -> Shape:
    """The platform for `sessions` sessions: Zipf-like company sizes, one company with 20%."""
    rng = random.Random(RANDOM_SEED)
    scale = sessions / 1_000_000
    companies = max(6, round(5000 * scale))
    shape = Shape(sessions, companies, max(60, round(200_000 * scale)), round(sessions * PRACTICE_SHARE))
    employer = sessions - shape.practice
    biggest = round(sessions * BIGGEST_SHARE)
    rest = employer - biggest
    weights = [1 / (k + 5) for k in range(2, companies + 1)]
    sizes = [max(1, int(rest * w / sum(weights))) for w in weights]
    sizes[0] += rest - sum(sizes)
    big_jobs = max(4, round(400 * scale))
    # The hot job stays the busiest one at any scale: at least twice the biggest company's average job.
    hot = max(round(sessions * HOT_SHARE), 2 * biggest // big_jobs)
    per_company = [[hot, *_split(biggest - hot, big_jobs - 1, rng, hot - 1)]]
    per_company += [
        _split(size, max(1 + k % 3, min(60, math.ceil(size / 250)), math.ceil(2 * size / hot)), rng, hot - 1)
        for k, size in enumerate(sizes)
    ]
    for company_id, counts in enumerate(per_company, start=1):
        for n in counts:
            first = not shape.job_company
            shape.job_company.append(company_id)
            shape.job_sessions.append(n)
            shape.job_focus.append("technical" if first else rng.choices(FOCUSES, (4, 4, 2))[0])
            shape.job_active.append(first or rng.random() < 0.8)
            shape.job_title.append(TITLES[0] if first else rng.choice(TITLES))
    return shape


# --- SQL, stage by stage --------------------------------------------------------------------------

# A score around `center` (sd `spread`), clamped to 0..100 with two decimals, as DECIMAL(5,2) holds it.
SCORE_FUNCTION = """
CREATE OR REPLACE FUNCTION pg_temp.bench_score(center numeric, spread numeric) RETURNS numeric
LANGUAGE sql VOLATILE AS $$
    SELECT round(least(100, greatest(0, center + spread * 2 * CAST(random() + random() + random() - 1.5 AS numeric))), 2)
$$
"""

USERS = """
INSERT INTO users_user (id, username, email, password, first_name, last_name, is_verified, is_active, is_staff,
                        created_at, enable_2fa, role, resume, avatar, auth_provider, social_links)
SELECT 1, 'bench-admin', 'admin@' || :domain, :password, 'Ada', 'Admin', true, true, true,
       CAST(:now AS timestamptz) - interval '800 days', false, 'admin', NULL, NULL, 'email', CAST('{}' AS jsonb)
UNION ALL
SELECT k + 1,
       CASE k WHEN 1 THEN 'big' WHEN :companies THEN 'small' ELSE 'employer' || k END,
       CASE k WHEN 1 THEN 'big' WHEN :companies THEN 'small' ELSE 'employer' || k END || '@' || :domain,
       :password, (CAST(:first_names AS text[]))[1 + k % :n_first], (CAST(:last_names AS text[]))[1 + k * 7 % :n_last],
       true, true, false, CAST(:now AS timestamptz) - make_interval(days => 420 + k % 380), false, 'employer',
       NULL, NULL, 'email', CAST('{}' AS jsonb)
FROM generate_series(1, :companies) k
UNION ALL
SELECT :first_candidate + c,
       CASE c WHEN 0 THEN 'candidate' ELSE 'candidate' || c END,
       CASE c WHEN 0 THEN 'candidate' ELSE 'candidate' || c END || '@' || :domain,
       :password, (CAST(:first_names AS text[]))[1 + c % :n_first], (CAST(:last_names AS text[]))[1 + c * 13 % :n_last],
       c % 7 <> 0, true, false, CAST(:now AS timestamptz) - make_interval(days => 380 + c % 300), false, 'user',
       'resumes/candidate' || c || '.pdf', CASE WHEN c % 2 = 0 THEN 'avatars/candidate' || c || '.png' END,
       CASE c % 5 WHEN 0 THEN 'google' WHEN 1 THEN 'github' ELSE 'email' END,
       jsonb_build_object('linkedin', 'https://www.linkedin.com/in/bench-candidate-' || c)
FROM generate_series(0, :candidates - 1) c
"""

RESUMES = """
INSERT INTO users_resume (user_id, file, uploaded_at, first_name, last_name, email, phone, linkedin, github,
                          skills, work_experience, education, summary, projects_worked, achievements)
SELECT u.id, 'resumes/' || u.username || '.pdf', u.created_at + interval '1 day', u.first_name, u.last_name, u.email,
       '+1 415-555-' || lpad((u.id % 10000)::text, 4, '0'), 'https://www.linkedin.com/in/' || u.username,
       'https://github.com/' || u.username,
       (CAST(:skills AS text[]))[1 + u.id % :n_skills] || ', ' || (CAST(:skills AS text[]))[1 + u.id * 3 % :n_skills],
       '2021-present  Software Engineer, Example Corp', 'BSc Computer Science',
       'Engineer with ' || (3 + u.id % 10) || ' years of experience.', 'Rebuilt a reporting pipeline.',
       'Cut p95 latency by ' || (20 + u.id % 40) || '%.'
FROM users_user u WHERE u.role = 'user' AND u.id % 2 = 0
"""

COMPANIES = """
INSERT INTO company_company (id, user_id, company_name, contact_email, phone_number, address, industry, company_logo,
                             website, description, is_recruiting_agency, created_at, updated_at, team_member_count)
SELECT k, k + 1,
       CASE k WHEN 1 THEN 'Bench Megacorp' WHEN :companies THEN 'Bench Tiny Shop'
            ELSE (CAST(:words1 AS text[]))[1 + k % :n_words1] || ' '
                 || (CAST(:words2 AS text[]))[1 + (k / :n_words1) % :n_words2] || ' ' || k END,
       'talent' || k || '@example.com', '+1 206-555-' || lpad((k % 10000)::text, 4, '0'),
       k || ' Market Street, Seattle, WA 98101', (CAST(:industries AS text[]))[1 + k % :n_industries],
       'company_logos/bench-' || k || '.png', 'https://www.bench-company-' || k || '.example.com',
       'A company generated by bench-data.', k % 11 = 0,
       CAST(:now AS timestamptz) - make_interval(days => 410 + k % 380),
       CAST(:now AS timestamptz) - make_interval(days => k % 60), 5 + (k * 37) % 400
FROM generate_series(1, :companies) k
"""

JOBS = """
INSERT INTO company_job (id, company_id, title, description, requirements, job_focus, is_active, created_at, updated_at)
SELECT j.id, j.company_id, j.title,
       'As our ' || j.title || ' you will build and run the products our customers rely on.',
       '- 3+ years of professional experience' || chr(10) || '- Clear written and spoken English',
       j.focus, j.active, CAST(:now AS timestamptz) - make_interval(days => 370 + j.id % 30),
       CAST(:now AS timestamptz) - make_interval(days => j.id % 90)
FROM (SELECT company_id, title, focus, active, CAST(ord AS integer) AS id
      FROM unnest(CAST(:company_ids AS integer[]), CAST(:titles AS text[]), CAST(:focuses AS text[]),
                  CAST(:actives AS boolean[])) WITH ORDINALITY AS u(company_id, title, focus, active, ord)) j
"""

# Who, which job, which status, when (started, or planned): one row per session, numbered afterwards in that order.
PLAN_SESSIONS = """
CREATE TEMP TABLE bench_plan ON COMMIT DROP AS
SELECT job_id, user_id, is_practice, status,
       CASE status
           WHEN 'scheduled' THEN date_trunc('hour', CAST(:now AS timestamptz) + make_interval(days => 1) + random() * interval '20 days')
           WHEN 'in_progress' THEN CAST(:now AS timestamptz) - make_interval(mins => 5 + floor(random() * 20)::int)
           ELSE date_trunc('minute', CAST(:now AS timestamptz) - make_interval(days => 1) - random() * interval '363 days')
       END AS start_time
FROM (
    SELECT j.job_id, :first_candidate + floor(random() * :candidates)::int AS user_id,
           CASE WHEN random() < 0.002 THEN NULL ELSE false END AS is_practice,
           CASE WHEN r < 0.66 THEN 'completed' WHEN r < 0.78 THEN 'cancelled' WHEN r < 0.86 THEN 'no_show'
                WHEN r < 0.93 THEN 'rescheduled' WHEN r < 0.999 THEN 'scheduled' ELSE 'in_progress' END AS status
    FROM (SELECT CAST(job_id AS integer) AS job_id, n FROM unnest(CAST(:job_sessions AS integer[])) WITH ORDINALITY AS t(n, job_id)) j
    CROSS JOIN LATERAL (SELECT random() AS r FROM generate_series(1, j.n)) g
    UNION ALL
    SELECT CASE WHEN random() < 0.33 THEN 1 + floor(random() * :jobs)::int END,
           CASE WHEN g <= :star_practice THEN :first_candidate ELSE :first_candidate + floor(random() * :candidates)::int END,
           true,
           CASE WHEN g <= :star_practice OR r < 0.85 THEN 'completed' WHEN r < 0.9 THEN 'cancelled' ELSE 'scheduled' END
    FROM (SELECT g, random() AS r FROM generate_series(1, :practice) g) p
) planned
"""

SESSIONS = """
INSERT INTO interview_interviewsession (
    id, session_id, user_id, job_id, start_time, end_time, scheduled_time, completion_time, duration,
    max_duration_minutes, time_extension_count, status, is_active, completion_percentage, technical_accuracy,
    behavioral_score, is_practice, enable_behavioral_analysis, interviewer_notes, technical_difficulty_reported,
    reminder_sent, reminder_time, calendar_event_id, calendar_link, response_times, attention_metrics,
    employer_metrics, interviewer_growth_metrics, knowledge_gaps, suggested_resources, warning_sent_at,
    created_at, updated_at)
SELECT id, 'bench-' || lpad(id::text, 8, '0'), user_id, job_id,
       -- A planned interview has not started: NULL, its planned time in scheduled_time (migration 0016).
       CASE WHEN status NOT IN ('scheduled', 'rescheduled') THEN start_time END,
       CASE WHEN done THEN start_time + make_interval(secs => duration) END, start_time,
       CASE WHEN done THEN start_time + make_interval(secs => duration) END, CASE WHEN done THEN duration END,
       max_minutes, 0, status, status IN ('scheduled', 'in_progress', 'rescheduled'),
       CASE status WHEN 'completed' THEN 100 WHEN 'in_progress' THEN 10 + floor(random() * 70)::int ELSE 0 END,
       CASE WHEN done THEN pg_temp.bench_score(tech, 7) END, CASE WHEN done THEN pg_temp.bench_score(soft, 7) END,
       is_practice, CASE WHEN done OR status = 'in_progress' THEN random() < 0.7 ELSE random() < 0.5 END,
       CASE WHEN status = 'cancelled' THEN 'Cancelled by the candidate: scheduling conflict.'
            WHEN status = 'no_show' THEN 'Candidate did not join within 10 minutes of the start time.'
            WHEN done AND random() < 0.3 THEN (CAST(:notes AS text[]))[1 + id % :n_notes] END,
       random() < 0.03, start_time <= CAST(:now AS timestamptz) + interval '30 minutes', 30,
       CASE WHEN is_practice IS NOT TRUE THEN 'evt-bench-' || id END,
       CASE WHEN is_practice IS NOT TRUE THEN 'https://calendar.example.com/event/evt-bench-' || id END,
       CASE WHEN done THEN jsonb_build_array(round(20 + random() * 160), round(20 + random() * 160),
                                             round(20 + random() * 160), round(20 + random() * 160))
            ELSE '[]' END,
       CASE WHEN done THEN jsonb_build_object('eye_contact_pct', round(60 + random() * 30), 'focus_pct',
                                              round(70 + random() * 25), 'tab_switches', id % 4, 'camera_on', true)
            ELSE '{}' END,
       CASE WHEN done THEN jsonb_build_object('questions_asked', 6 + id % 7, 'follow_up_questions', 1 + id % 5,
                                              'candidate_talk_ratio', 0.6) ELSE '{}' END,
       CASE WHEN done THEN jsonb_build_object('question_relevance', 80, 'follow_up_depth', 70, 'bias_flags', 0)
            ELSE '{}' END,
       CASE WHEN done THEN jsonb_build_array(jsonb_build_object(
                'skill', (CAST(:skills AS text[]))[1 + id % :n_skills], 'score', 40 + id % 20, 'priority', 'medium'))
            ELSE '[]' END,
       '[]', '[]',
       -- Booked 1-9 days ahead; one planned further ahead than that was booked in the last ten days (not
       -- all in the last hour: that would put weeks of bookings, and their pipeline entries, on today).
       least(start_time - make_interval(days => 1 + id % 9), CAST(:now AS timestamptz) - make_interval(hours => 1 + id % 240)),
       CASE WHEN done THEN start_time + make_interval(secs => duration + 300)
            WHEN start_time <= CAST(:now AS timestamptz) THEN start_time
            ELSE least(start_time - make_interval(days => 1 + id % 9),
                       CAST(:now AS timestamptz) - make_interval(hours => 1 + id % 240)) END
FROM (
    SELECT CAST(row_number() OVER (ORDER BY p.start_time, p.job_id, p.user_id) AS integer) AS id, p.*, p.status = 'completed' AS done,
           CASE WHEN p.is_practice THEN 20 ELSE 30 END AS max_minutes,
           round(CASE WHEN p.is_practice THEN 20 ELSE 30 END * 60 * (0.55 + 0.45 * random()))::float8 AS duration,
           45 + p.user_id * 37 % 45 AS tech, 50 + p.user_id * 53 % 40 AS soft
    FROM bench_plan p
) planned
"""

# The interview page's showcase: the hot job's latest completed interview gets a long run and 250 points.
SPECIAL = """
UPDATE interview_interviewsession
SET duration = 2700, max_duration_minutes = 45, end_time = start_time + interval '45 minutes',
    completion_time = start_time + interval '45 minutes', enable_behavioral_analysis = true, is_practice = false
WHERE id = (SELECT id FROM interview_interviewsession
            WHERE job_id = 1 AND status = 'completed' AND start_time < CAST(:now AS timestamptz) - interval '1 day'
            ORDER BY start_time DESC LIMIT 1)
RETURNING id, session_id
"""

SENTIMENT_SESSIONS = """
INSERT INTO interview_sentimentsession (
    id, session_id, interview_session_id, user_id, positive_score, negative_score, neutral_score, mixed_score,
    overall_sentiment, confidence_level, engagement_score, professionalism_score, clarity_score, employer_visible,
    interviewer_visible, is_practice, detailed_feedback, improvement_suggestions, practice_focus_areas,
    created_at, updated_at)
SELECT id, 'sent-' || session_id, id, user_id, pos, neg, neu, mix,
       CASE greatest(pos, neg, neu, mix) WHEN pos THEN 'positive' WHEN neg THEN 'negative' WHEN neu THEN 'neutral'
            ELSE 'mixed' END,
       pg_temp.bench_score(behavioral_score, 8), pg_temp.bench_score(behavioral_score + 5, 8),
       pg_temp.bench_score(82, 7), pg_temp.bench_score(behavioral_score - 3, 8),
       CASE WHEN is_practice THEN false ELSE id = :special OR random() < 0.93 END, true, is_practice,
       CASE WHEN is_practice THEN jsonb_build_object(
                'summary', 'Practice run: overall ' || round((technical_accuracy + behavioral_score) / 2) || '/100.',
                'strengths', jsonb_build_array('Clear explanation of past projects', 'Calm under follow-up questions'),
                'areas_to_improve', jsonb_build_array(knowledge_gaps -> 0 ->> 'skill'),
                'overall_rating', round((technical_accuracy + behavioral_score) / 2, 1))
            ELSE '{}' END,
       CASE WHEN is_practice THEN jsonb_build_array('Open with a one-sentence summary before going into detail.',
                                                    'Use the STAR structure: situation, task, action, result.')
            ELSE '[]' END,
       CASE WHEN is_practice THEN jsonb_build_array(knowledge_gaps -> 0 ->> 'skill') ELSE '[]' END,
       start_time, end_time
FROM (
    SELECT s.*, trunc((20 + 40 * random())::numeric, 2) AS pos, trunc((30 * random())::numeric, 2) AS neg,
           trunc((7 * random())::numeric, 2) AS neu, trunc((3 * random())::numeric, 2) AS mix
    FROM interview_interviewsession s WHERE s.status = 'completed'
) s
"""

# Points spread evenly over each completed interview (so they land in its months' partitions),
# and their context factors from the same statement's RETURNING.
HISTORY = """
WITH points AS (
    INSERT INTO interview_sentimenthistory (sentiment_session_id, interview_session_id, positive_score,
        negative_score, neutral_score, mixed_score, overall_sentiment, confidence, timestamp, detail)
    SELECT id, id, pos, neg, neu, mix,
           CASE greatest(pos, neg, neu, mix) WHEN pos THEN 'positive' WHEN neg THEN 'negative'
                WHEN neu THEN 'neutral' ELSE 'mixed' END,
           pg_temp.bench_score(behavioral_score, 8), at, 'Q' || (1 + (i - 1) * 8 / n) || ': answer'
    FROM (
        SELECT s.id, s.behavioral_score, i, n, s.start_time + make_interval(secs => s.duration * (i - 0.5) / n) AS at,
               trunc((20 + 40 * random())::numeric, 2) AS pos, trunc((30 * random())::numeric, 2) AS neg,
               trunc((7 * random())::numeric, 2) AS neu, trunc((3 * random())::numeric, 2) AS mix
        FROM interview_interviewsession s
        CROSS JOIN LATERAL (SELECT CASE WHEN s.id = :special THEN :special_points ELSE 6 + s.id % 7 END AS n) c
        CROSS JOIN LATERAL generate_series(1, c.n) i
        WHERE s.status = 'completed'
    ) p
    RETURNING id, timestamp, confidence, positive_score
)
INSERT INTO interview_sentimentcontextfactors (sentiment_history_id, sentiment_history_timestamp,
    value_alignment_score, requirement_addressing_score, response_relevance_score, confidence_score,
    enthusiasm_score, authenticity_score, key_themes, flags)
SELECT id, timestamp, pg_temp.bench_score(70, 10), pg_temp.bench_score(65, 10), pg_temp.bench_score(68, 9),
       confidence, pg_temp.bench_score(positive_score + 25, 10), pg_temp.bench_score(78, 8),
       jsonb_build_array((CAST(:themes AS text[]))[1 + id % :n_themes]),
       CASE WHEN random() < 0.1 THEN '["hesitation"]'::jsonb ELSE '[]'::jsonb END
FROM points
"""

SKILLS = """
INSERT INTO interview_skillassessment (interview_session_id, sentiment_session_id, skill_id, accumulated_score,
                                       update_count)
SELECT s.id, s.id, (CAST(:skill_ids AS integer[]))[1 + (s.id * 7 + k * 5) % :n_skills],
       pg_temp.bench_score(CASE WHEN k = 2 THEN s.behavioral_score ELSE s.technical_accuracy END, 8), 2 + (s.id + k) % 4
FROM interview_interviewsession s CROSS JOIN generate_series(0, 2) k
WHERE s.status = 'completed'
"""

SKILL_HISTORY = """
INSERT INTO interview_skillassessmenthistory (skill_assessment_id, score, timestamp, details)
SELECT a.id, pg_temp.bench_score(a.accumulated_score, 5), s.start_time + make_interval(secs => s.duration * j / 3.0),
       jsonb_build_object('question', 2 * j, 'running_average', a.accumulated_score)
FROM interview_skillassessment a
JOIN interview_interviewsession s ON s.id = a.interview_session_id
CROSS JOIN LATERAL generate_series(1, 1 + a.id % 2) j
"""

ASSESSMENTS = """
INSERT INTO interview_interviewassessment (interview_session_id, assessment_type_id, category_id, score, details,
                                           created_at)
SELECT s.id, t.type_id, t.category_ids[1 + s.id % cardinality(t.category_ids)],
       pg_temp.bench_score(CASE WHEN t.soft THEN s.behavioral_score ELSE s.technical_accuracy END, 8),
       jsonb_build_object('evidence_count', 1 + s.id % 5), s.end_time
FROM interview_interviewsession s
LEFT JOIN company_job j ON j.id = s.job_id
JOIN (SELECT * FROM unnest(CAST(:focuses AS text[]), CAST(:type_ids AS integer[]), CAST(:softs AS boolean[]),
                           CAST(:categories AS text[])) AS t(focus, type_id, soft, categories)) t0
     ON t0.focus = coalesce(j.job_focus, 'balanced')
CROSS JOIN LATERAL (SELECT t0.type_id, t0.soft, CAST(t0.categories AS integer[]) AS category_ids) t
WHERE s.status = 'completed'
"""

CULTURAL_FIT = """
INSERT INTO interview_culturalfit (id, interview_session_id, score, comments, created_at)
SELECT id, id, fit,
       CASE WHEN fit >= 80 THEN 'Strong alignment with the team''s values; collaborative, ownership-minded answers.'
            WHEN fit >= 60 THEN 'Good fit; some answers leaned on individual rather than team results.'
            ELSE 'Limited evidence of fit with our ways of working; probe further in a follow-up.' END,
       end_time
FROM (SELECT s.*, pg_temp.bench_score(s.behavioral_score * 0.8 + 15, 6) AS fit
      FROM interview_interviewsession s WHERE s.status = 'completed') s
"""

BEHAVIORAL = """
INSERT INTO interview_behavioralanalysis (id, interview_session_id, confidence_score, fear_score, sincerity_score,
    nervousness_score, excitement_score, curiosity_score, adaptability_score, created_at, raw_data)
SELECT id, id, pg_temp.bench_score(behavioral_score, 9), pg_temp.bench_score((100 - behavioral_score) * 0.4, 6),
       pg_temp.bench_score(80, 8), pg_temp.bench_score((100 - behavioral_score) * 0.7, 8), pg_temp.bench_score(60, 12),
       pg_temp.bench_score(behavioral_score - 5, 10), pg_temp.bench_score(behavioral_score, 10), end_time,
       jsonb_build_object('model', 'jobhive-affect-bench', 'sample_rate_hz', 2, 'frames_analyzed',
                          round(duration * 2), 'dominant_emotion',
                          CASE WHEN behavioral_score >= 65 THEN 'calm' ELSE 'tense' END)
FROM interview_interviewsession
WHERE status = 'completed' AND enable_behavioral_analysis
"""

DYNAMIC_WEIGHTS = """
INSERT INTO interview_dynamicscoreweight (job_id, base_technical_weight, base_skills_weight, base_cultural_fit_weight,
    base_sentiment_weight, technical_adjustment, skills_adjustment, cultural_fit_adjustment, sentiment_adjustment,
    value_alignment_weight, confidence_weight, enthusiasm_weight, authenticity_weight, last_updated)
SELECT j.id, w.technical_weight, w.skills_weight, w.cultural_fit_weight, w.sentiment_weight,
       CASE WHEN j.id % 2 = 0 THEN 0.05 ELSE 0 END, CASE WHEN j.id % 2 = 0 THEN -0.05 ELSE 0 END, 0, 0,
       0.40, 0.20, 0.20, 0.20, j.created_at + interval '3 days'
FROM company_job j JOIN interview_scoreweight w ON w.job_focus = j.job_focus
WHERE j.id % 3 = 0
"""

LEARNING = """
WITH paths AS (
    INSERT INTO interview_learningpath (interview_session_id, status, created_at, updated_at)
    SELECT id, (ARRAY['draft', 'active', 'completed'])[1 + id % 3], end_time + interval '10 minutes',
           least(end_time + interval '10 days', CAST(:now AS timestamptz))
    FROM interview_interviewsession WHERE status = 'completed' AND is_practice
    RETURNING id, status, created_at, updated_at
)
INSERT INTO interview_learningpathresource (learning_path_id, resource_id, order_position, completed, completion_date)
SELECT p.id, (CAST(:resource_ids AS integer[]))[1 + (p.id * 11 + pos * 3) % :n_resources], pos, done,
       CASE WHEN done THEN p.created_at + (p.updated_at - p.created_at) * pos / 6 END
FROM paths p
CROSS JOIN LATERAL generate_series(1, 3 + p.id % 3) pos
CROSS JOIN LATERAL (SELECT p.status = 'completed' OR (p.status = 'active' AND pos = 1) AS done) d
"""

SUBSCRIPTIONS = """
INSERT INTO billing_customersubscription (user_id, plan_id, status, stripe_customer_id, stripe_subscription_id,
    stripe_subscription_item_id, start_date, end_date, trial_end, current_period_start, current_period_end,
    cancel_at_period_end, created_at, updated_at)
SELECT id, plan_id, status, 'cus_bench' || id, CASE WHEN paid THEN 'sub_bench' || id END,
       CASE WHEN paid THEN 'si_bench' || id ELSE '' END, created_at + interval '10 days',
       CASE WHEN status = 'canceled' THEN CAST(:now AS timestamptz) - interval '3 days' END, NULL,
       CAST(:now AS timestamptz) - make_interval(days => id % 28),
       CAST(:now AS timestamptz) - make_interval(days => id % 28) + interval '1 month',
       status = 'canceled', created_at + interval '10 days', CAST(:now AS timestamptz) - make_interval(days => id % 28)
FROM (
    SELECT u.id, u.created_at, p.plan_id, p.paid,
           CASE WHEN u.id IN (2, :first_candidate) THEN 'active' WHEN u.id % 31 = 0 THEN 'past_due'
                WHEN u.id % 47 = 0 THEN 'canceled' ELSE 'active' END AS status
    FROM users_user u
    CROSS JOIN LATERAL (
        SELECT CASE WHEN u.id = 2 THEN :enterprise
                    WHEN u.role = 'employer' AND u.id <= 2 + :companies / 20 THEN :growth
                    WHEN u.role = 'employer' AND u.id % 5 = 0 THEN :growth_annual
                    WHEN u.role = 'employer' THEN :starter
                    WHEN u.id = :first_candidate THEN :pro
                    WHEN u.id % 3 = 0 THEN :candidate_free
                    WHEN u.id % 3 = 1 THEN :pro
                    ELSE :pro_annual END AS plan_id
    ) chosen
    JOIN (SELECT id AS plan_id, price > 0 AS paid FROM billing_subscriptionplan) p USING (plan_id)
    WHERE u.role = 'employer' OR u.id = :first_candidate OR (u.role = 'user' AND u.id % 4 = 0)
) subscribed
"""

USAGE = """
INSERT INTO billing_usagerecord (user_id, subscription_id, usage_type, quantity, resource_id, metadata, created_at)
SELECT c.user_id, b.id, 'job_posting', 1, j.id::text, jsonb_build_object('job_title', j.title), j.created_at
FROM company_job j JOIN company_company c ON c.id = j.company_id JOIN billing_customersubscription b ON b.user_id = c.user_id
UNION ALL
SELECT b.user_id, b.id, 'interview', 1, s.session_id,
       CASE WHEN s.is_practice THEN jsonb_build_object('practice', true)
            ELSE jsonb_build_object('job_id', s.job_id, 'session_id', s.session_id) END,
       s.start_time
FROM interview_interviewsession s
LEFT JOIN company_job j ON j.id = s.job_id
LEFT JOIN company_company c ON c.id = j.company_id
JOIN billing_customersubscription b ON b.user_id = CASE WHEN s.is_practice THEN s.user_id ELSE c.user_id END
WHERE s.status IN ('completed', 'in_progress') AND s.start_time >= CAST(:now AS timestamptz) - interval '120 days'
  AND s.start_time >= b.start_date AND (b.end_date IS NULL OR s.start_time <= b.end_date)
ORDER BY 7
"""

# Every company's account is its owner (the trigger that does it is off while loading); the
# biggest employer gets a hiring manager and an interviewer, so their scoped pages can be timed.
HIRING_TEAMS = [
    """
    INSERT INTO company_member (company_id, user_id, role, created_at, updated_at)
    SELECT id, user_id, 'owner', created_at, created_at FROM company_company WHERE user_id IS NOT NULL
    """,
    """
    INSERT INTO users_user (username, email, password, first_name, last_name, is_verified, is_active, is_staff,
                            created_at, enable_2fa, role, auth_provider, social_links)
    VALUES ('manager', :manager, :password, 'Hannah', 'Manager', true, true, false,
            CAST(:now AS timestamptz) - interval '300 days', false, 'employer', 'email', CAST('{}' AS jsonb)),
           ('interviewer', :interviewer, :password, 'Noah', 'Interviewer', true, true, false,
            CAST(:now AS timestamptz) - interval '300 days', false, 'employer', 'email', CAST('{}' AS jsonb))
    """,
    """
    INSERT INTO company_member (company_id, user_id, role, created_at, updated_at)
    SELECT 1, u.id, CASE u.email WHEN :manager THEN 'hiring_manager' ELSE 'interviewer' END, u.created_at, u.created_at
    FROM users_user u WHERE u.email IN (:manager, :interviewer)
    """,
    """
    INSERT INTO company_jobteam (job_id, user_id, team_role, created_at)
    SELECT j.id, u.id, 'hiring_manager', u.created_at
    FROM company_job j CROSS JOIN users_user u
    WHERE j.company_id = 1 AND u.email = :manager ORDER BY j.id LIMIT :manager_jobs
    """,
    """
    INSERT INTO interview_assignment (interview_session_id, user_id, assigned_by_id, created_at)
    SELECT s.id, u.id, 2, s.created_at
    FROM interview_interviewsession s JOIN company_job j ON j.id = s.job_id CROSS JOIN users_user u
    WHERE j.company_id = 1 AND s.id % :every = 0 AND u.email = :interviewer
    """,
]

# Decisions (migration 0018), whose triggers are off while loading. Stage ids are arithmetic:
# company k's defaults are (k - 1) * 6 + position, job j's stages :job_stages + (j - 1) * 6 + position,
# job j's scorecard attributes (j - 1) * 4 + position (the built-in positions: 1 Applied, 2 AI interview,
# 3 Review, 4 Team interview, 5 Offer, 6 Hired).
PIPELINE_SETUP = [
    """
    INSERT INTO pipeline_stage (id, company_id, job_id, name, kind, position, created_at, updated_at)
    SELECT (c.id - 1) * 6 + s.position, c.id, NULL, s.name, s.kind, s.position, c.created_at, c.created_at
    FROM company_company c CROSS JOIN pipeline_builtin_stages() s
    """,
    """
    INSERT INTO pipeline_reason (company_id, kind, label, position, created_at)
    SELECT c.id, r.kind, r.label, r.position, c.created_at
    FROM company_company c CROSS JOIN pipeline_builtin_reasons() r
    """,
    """
    INSERT INTO pipeline_stage (id, company_id, job_id, name, kind, position, created_at, updated_at)
    SELECT :job_stages + (j.id - 1) * 6 + s.position, j.company_id, j.id, s.name, s.kind, s.position, j.created_at,
           j.created_at
    FROM company_job j CROSS JOIN pipeline_builtin_stages() s
    """,
    """
    INSERT INTO interview_scorecardattribute (id, job_id, name, position, created_at)
    SELECT (j.id - 1) * 4 + a.position, j.id, a.name, a.position, j.created_at
    FROM company_job j CROSS JOIN pipeline_builtin_attributes() a
    """,
]

# A number in [0, 1) drawn from a key, not from random(): the same rows get the same draws whatever
# order the planner reads them in, so a refill gives exactly the same decisions and scorecards.
UNIT_FUNCTION = """
CREATE OR REPLACE FUNCTION pg_temp.bench_unit(key bigint, salt integer) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$ SELECT (hashint8(key * 31 + salt) & 2147483647) / 2147483648.0 $$
"""

# Every (job, candidate) of real sessions, where they ended up and when they got there: most wait at
# the AI interview or Review, about 30% were rejected, some withdrew, a few % reached each later stage.
# The biggest employer's hiring manager takes half the decisions on their jobs, owners the rest.
PIPELINE_PLAN = """
CREATE TEMP TABLE bench_pipe ON COMMIT DROP AS
SELECT p.*, t.*,
       CASE p.final_pos WHEN 1 THEN p.first_at WHEN 2 THEN p.first_at WHEN 3 THEN t.t3 WHEN 4 THEN t.t4
            WHEN 5 THEN t.t5 ELSE t.t6 END AS entered_at
FROM (
    SELECT CAST(row_number() OVER (ORDER BY e.first_at, e.job_id, e.user_id) AS integer) AS id, e.*, j.company_id,
           CASE WHEN m.user_id IS NOT NULL AND pg_temp.bench_unit(e.pair, 2) < 0.5 THEN m.user_id ELSE c.user_id END
               AS decider,
           CASE WHEN e.completed_at IS NULL THEN
                    CASE WHEN r < 0.06 THEN 1 ELSE 2 END
                WHEN r < 0.40 THEN 3 WHEN r < 0.44 THEN 4 WHEN r < 0.45 THEN 5
                WHEN r < 0.48 THEN 3 WHEN r < 0.50 THEN 4 WHEN r < 0.51 THEN 5
                WHEN r < 0.88 THEN 3 WHEN r < 0.95 THEN 4 WHEN r < 0.98 THEN 5 ELSE 6 END AS final_pos,
           CASE WHEN e.completed_at IS NULL THEN
                    CASE WHEN r < 0.06 THEN 'active' WHEN r < 0.16 THEN 'withdrawn' WHEN r < 0.22 THEN 'rejected'
                         ELSE 'active' END
                WHEN r < 0.45 THEN 'rejected' WHEN r < 0.51 THEN 'withdrawn' ELSE 'active' END AS status
    FROM (
        SELECT s.job_id, s.user_id, min(coalesce(s.created_at, s.start_time, s.scheduled_time)) AS first_at,
               min(s.end_time) FILTER (WHERE s.status = 'completed') AS completed_at,
               CAST(s.job_id AS bigint) * 4294967296 + s.user_id AS pair,
               pg_temp.bench_unit(CAST(s.job_id AS bigint) * 4294967296 + s.user_id, 1) AS r
        FROM interview_interviewsession s
        WHERE s.job_id IS NOT NULL AND s.user_id IS NOT NULL AND s.is_practice IS NOT TRUE
        GROUP BY s.job_id, s.user_id
    ) e
    JOIN company_job j ON j.id = e.job_id
    JOIN company_company c ON c.id = j.company_id
    LEFT JOIN company_jobteam m ON m.job_id = e.job_id AND m.team_role = 'hiring_manager'
) p
-- Each step takes a share of the time left until now, at most a week or two.
CROSS JOIN LATERAL (SELECT p.completed_at AS t3) x3
CROSS JOIN LATERAL (SELECT x3.t3 + least((CAST(:now AS timestamptz) - x3.t3) * 0.25, interval '7 days') AS t4) x4
CROSS JOIN LATERAL (SELECT x4.t4 + least((CAST(:now AS timestamptz) - x4.t4) * 0.3, interval '10 days') AS t5) x5
CROSS JOIN LATERAL (SELECT x5.t5 + least((CAST(:now AS timestamptz) - x5.t5) * 0.3, interval '7 days') AS t6) x6
CROSS JOIN LATERAL (SELECT x3.t3, x4.t4, x5.t5, x6.t6) t
"""

PIPELINE_CANDIDATES = """
INSERT INTO pipeline_candidate (id, job_id, candidate_id, stage_id, status, entered_stage_at, closed_at, version,
                                created_at, updated_at)
SELECT id, job_id, user_id, :job_stages + (job_id - 1) * 6 + final_pos, status, entered_at,
       CASE WHEN status <> 'active' THEN closed END,
       1 + greatest(final_pos - 2, 0) + (status <> 'active')::int, first_at,
       CASE WHEN status <> 'active' THEN closed ELSE entered_at END
FROM (SELECT p.*, p.entered_at + least((CAST(:now AS timestamptz) - p.entered_at) * 0.3, interval '5 days') AS closed
      FROM bench_pipe p) p
"""

# 'entered' (by the trigger, or by a person at Applied), the moves (Review by the trigger when the AI
# interview completed), then the rejection or withdrawal with a reason from the company's list.
PIPELINE_DECISIONS = """
INSERT INTO pipeline_decision (pipeline_candidate_id, company_id, job_id, action, from_stage_id, to_stage_id,
                               from_kind, to_kind, reason, decided_by_id, decided_at)
SELECT p.id, p.company_id, p.job_id, 'entered', NULL, :job_stages + (p.job_id - 1) * 6 + least(p.final_pos, 2),
       NULL, (CAST(:kinds AS text[]))[least(p.final_pos, 2)], NULL,
       CASE WHEN p.final_pos = 1 THEN p.decider END, p.first_at
FROM bench_pipe p
UNION ALL
SELECT p.id, p.company_id, p.job_id, 'moved', :job_stages + (p.job_id - 1) * 6 + k - 1,
       :job_stages + (p.job_id - 1) * 6 + k, (CAST(:kinds AS text[]))[k - 1], (CAST(:kinds AS text[]))[k],
       CASE WHEN k = 3 THEN 'AI interview completed' END, CASE WHEN k > 3 THEN p.decider END,
       CASE k WHEN 3 THEN p.t3 WHEN 4 THEN p.t4 WHEN 5 THEN p.t5 ELSE p.t6 END
FROM bench_pipe p CROSS JOIN LATERAL generate_series(3, p.final_pos) k
UNION ALL
SELECT p.id, p.company_id, p.job_id, CASE p.status WHEN 'rejected' THEN 'rejected' ELSE 'withdrawn' END,
       :job_stages + (p.job_id - 1) * 6 + p.final_pos, :job_stages + (p.job_id - 1) * 6 + p.final_pos,
       (CAST(:kinds AS text[]))[p.final_pos], (CAST(:kinds AS text[]))[p.final_pos],
       CASE p.status WHEN 'rejected' THEN (CAST(:rejections AS text[]))[1 + p.id % cardinality(CAST(:rejections AS text[]))]
            ELSE (CAST(:withdrawals AS text[]))[1 + p.id % cardinality(CAST(:withdrawals AS text[]))] END,
       p.decider, c.closed_at
FROM bench_pipe p JOIN pipeline_candidate c ON c.id = p.id
WHERE p.status <> 'active'
ORDER BY 11
"""

# Scorecards for about 5% of completed real interviews, mostly of candidates who reached the team
# interview; ratings follow the AI's scores, 15% of scorecards 35 points off them; 4% still drafts.
SCORECARDS = [
    """
    CREATE TEMP TABLE bench_cards ON COMMIT DROP AS
    SELECT CAST(row_number() OVER (ORDER BY s.end_time, s.id) AS integer) AS id, s.id AS session_id, s.job_id,
           s.end_time, (s.technical_accuracy + s.behavioral_score) / 2
               + CASE WHEN pg_temp.bench_unit(p.pair, 4) < 0.15 THEN CASE WHEN pg_temp.bench_unit(p.pair, 5) < 0.5
                      THEN -35 ELSE 35 END ELSE 0 END AS center,
           CASE WHEN a.user_id IS NOT NULL THEN a.user_id ELSE p.decider END AS author,
           pg_temp.bench_unit(p.pair, 6) < 0.04 AS draft, p.pair
    FROM interview_interviewsession s
    JOIN bench_pipe p ON p.job_id = s.job_id AND p.user_id = s.user_id
    LEFT JOIN interview_assignment a ON a.interview_session_id = s.id
    WHERE s.status = 'completed' AND s.is_practice IS NOT TRUE
      AND pg_temp.bench_unit(p.pair, 3) < CASE WHEN p.final_pos >= 4 THEN 0.2 ELSE 0.015 END
    """,
    """
    CREATE TEMP TABLE bench_ratings ON COMMIT DROP AS
    SELECT c.id AS scorecard_id, (c.job_id - 1) * 4 + k AS attribute_id,
           CAST(greatest(1, least(4, round(1 + 3 * (c.center + 12 * (pg_temp.bench_unit(c.pair, 6 + 2 * k)
                                                                     + pg_temp.bench_unit(c.pair, 7 + 2 * k) - 1)) / 100)))
                AS smallint) AS rating
    FROM bench_cards c CROSS JOIN generate_series(1, 4) k
    """,
    """
    INSERT INTO interview_scorecard (id, interview_session_id, author_id, recommendation, notes, submitted_at,
                                     created_at, updated_at)
    SELECT c.id, c.session_id, c.author,
           CASE WHEN r.mean < 1.75 THEN 'strong_no' WHEN r.mean < 2.5 THEN 'no' WHEN r.mean < 3.25 THEN 'yes'
                ELSE 'strong_yes' END,
           (CAST(:card_notes AS text[]))[1 + c.id % cardinality(CAST(:card_notes AS text[]))],
           CASE WHEN NOT c.draft THEN c.end_time + least((CAST(:now AS timestamptz) - c.end_time) * 0.5,
                                                         interval '2 days') END,
           c.end_time + interval '1 hour',
           c.end_time + least((CAST(:now AS timestamptz) - c.end_time) * 0.5, interval '2 days')
    FROM bench_cards c
    JOIN (SELECT scorecard_id, avg(rating) AS mean FROM bench_ratings GROUP BY scorecard_id) r
      ON r.scorecard_id = c.id
    """,
    "INSERT INTO interview_scorecardrating (scorecard_id, attribute_id, rating) SELECT * FROM bench_ratings",
]

# The notes so far become each interview's first note (as the migration's backfill does), and the hot
# job gets a few pins (candidates at the team interview or later) and exclusions, with their reasons.
PIPELINE_EXTRAS = [
    """
    INSERT INTO interview_note (interview_session_id, author_id, body, created_at)
    SELECT id, NULL, interviewer_notes, coalesce(updated_at, created_at, CAST(:now AS timestamptz))
    FROM interview_interviewsession
    WHERE length(btrim(coalesce(interviewer_notes, ''))) > 0
    """,
    """
    INSERT INTO rankings_override (job_id, candidate_id, kind, reason, created_by_id, created_at)
    SELECT job_id, user_id, kind, reason, decider, least(entered_at + interval '1 day', CAST(:now AS timestamptz))
    FROM (
        SELECT p.*, 'pin' AS kind, 'Strong team interview; the panel wants them first in line.' AS reason,
               row_number() OVER (ORDER BY p.id) AS n
        FROM bench_pipe p WHERE p.job_id = 1 AND p.final_pos >= 4 AND p.status = 'active'
    ) pins WHERE n <= :pins
    UNION ALL
    SELECT job_id, user_id, kind, reason, decider, least(entered_at + interval '1 day', CAST(:now AS timestamptz))
    FROM (
        SELECT p.*, 'exclude' AS kind, 'Applied twice under different emails; ranked on the other application.'
                   AS reason, row_number() OVER (ORDER BY p.id) AS n
        FROM bench_pipe p WHERE p.job_id = 1 AND p.final_pos = 3 AND p.status = 'active'
    ) excluded WHERE n <= :exclusions
    """,
]
PIPELINE_KINDS = ("applied", "ai_interview", "review", "team_interview", "offer", "hired")
PIPELINE_EXPLICIT_IDS = ("pipeline_stage", "interview_scorecardattribute", "pipeline_candidate", "interview_scorecard")
SCORECARD_NOTES = (
    "Clear, structured answers; would like to see more depth on testing.",
    "Solid fundamentals, a little slow on the design question.",
    "Great ownership stories; strong communicator.",
    "Struggled to explain trade-offs; not convinced yet.",
)
HOT_JOB_PINS = 3
HOT_JOB_EXCLUSIONS = 2

# Tables whose ids are given explicitly: their sequences continue after the largest.
EXPLICIT_IDS = ("users_user", "company_company", "company_job", "interview_interviewsession",
                "interview_sentimentsession", "interview_culturalfit", "interview_behavioralanalysis")


@dataclass
class Report:
    sessions: int
    seconds: float
    hot_job_id: int
    showcase_session_id: str
    counts: dict[str, int]


def is_bench_database(connection: Connection) -> bool:
    """True when the database has no users table yet, no users, or only bench users."""
    if connection.scalar(text("SELECT to_regclass('public.users_user')")) is None:
        return True
    return not connection.scalar(
        text("SELECT EXISTS (SELECT 1 FROM users_user WHERE email NOT LIKE :pattern)"), {"pattern": f"%@{BENCH_DOMAIN}"}
    )


def _truncate_all(connection: Connection) -> None:
    """Empty every table (partitions through their parent), keeping alembic_version."""
    tables = connection.scalars(
        text(
            "SELECT quote_ident(relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace "
            "AND relkind IN ('r', 'p') AND NOT relispartition AND relname <> 'alembic_version' ORDER BY relname"
        )
    ).all()
    connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


# The tables the load writes millions of rows into: their secondary indexes are built once,
# after the rows are in, instead of being maintained row by row (several times faster).
BULK_TABLES = (
    "interview_interviewsession", "interview_sentimentsession", "interview_sentimenthistory",
    "interview_sentimentcontextfactors", "interview_skillassessment", "interview_skillassessmenthistory",
    "interview_interviewassessment", "interview_culturalfit", "interview_behavioralanalysis",
    "pipeline_candidate", "pipeline_decision", "interview_note",
)

# Plain indexes (no constraint behind them) of those tables; a partitioned table's own ones only.
SECONDARY_INDEXES = """
SELECT quote_ident(ic.relname) AS name, pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class t ON t.oid = i.indrelid
WHERE t.relnamespace = 'public'::regnamespace AND t.relname = ANY(:tables) AND NOT t.relispartition
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
ORDER BY t.relname, ic.relname
"""


def _drop_secondary_indexes(connection: Connection) -> list[str]:
    """Drop the bulk tables' plain indexes; returns the statements that create them again.

    Run inside the load's transaction: if the load fails, the drops roll back with it.
    """
    rows = connection.execute(text(SECONDARY_INDEXES), {"tables": list(BULK_TABLES)}).all()
    for row in rows:
        connection.execute(text(f"DROP INDEX {row.name}"))
    # A partitioned table's index is printed "ON ONLY parent"; created plainly it covers every partition.
    return [row.definition.replace(" ON ONLY ", " ON ", 1) for row in rows]


def fill(engine: Engine, sessions: int, *, echo: Callable[[str], None] = print, now: datetime | None = None) -> Report:
    """Empty the (bench or empty, already migrated) database and fill it for `sessions` sessions."""
    started = time.perf_counter()
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    shape = plan(sessions)
    with engine.connect() as connection:
        if not is_bench_database(connection):
            raise BenchDataRefused(
                f"This database has users outside @{BENCH_DOMAIN}: bench-data only fills an empty database "
                "or one it filled before. Nothing was changed."
            )
        connection.rollback()
        loader = _Loader(connection, shape, now, echo)
        loader.run()
        return Report(sessions, time.perf_counter() - started, 1, loader.showcase, loader.counts())


class _Loader:
    def __init__(self, connection: Connection, shape: Shape, now: datetime, echo: Callable[[str], None]) -> None:
        self.c = connection
        self.shape = shape
        self.now = now
        self.echo = echo
        self.special = 0
        self.showcase = ""
        self.loading = False  # inside the load's single transaction: stages do not commit

    def sql(self, statement: str, **params) -> int:
        return self.c.execute(text(statement), {"now": self.now, **params}).rowcount

    def stage(self, name: str, work: Callable[[], object]) -> None:
        start = time.perf_counter()
        # One seed per stage (not per run), so a stage draws the same numbers whatever ran before it.
        self.c.execute(text("SELECT setseed(:seed)"), {"seed": zlib.crc32(name.encode()) / 2**32})
        result = work()
        if not self.loading:
            self.c.commit()
        detail = f" ({result:,} rows)" if isinstance(result, int) else f" ({result})" if isinstance(result, str) else ""
        self.echo(f"  {name:<28} {time.perf_counter() - start:7.1f} s{detail}")

    def run(self) -> None:
        c, shape = self.c, self.shape
        self.echo(
            f"bench-data: {shape.sessions:,} sessions, {shape.companies:,} companies, {len(shape.job_company):,} jobs, "
            f"{shape.candidates:,} candidates"
        )
        c.execute(text("SET synchronous_commit = off"))
        c.execute(text("SET work_mem = '256MB'"))
        c.execute(text("SET maintenance_work_mem = '512MB'"))
        self.stage("empty tables", lambda: _truncate_all(c))
        self._skip_triggers()
        c.execute(text(SCORE_FUNCTION))
        # One transaction from here to the rebuilt indexes: a failed load leaves the database as it was.
        self.loading = True
        indexes = _drop_secondary_indexes(c)
        self.stage("catalogs", self._catalogs)
        self.stage("users", self._users)
        self.stage("companies and jobs", self._companies)
        self.stage("interview sessions", self._sessions)
        self.stage("sentiment sessions", lambda: self.sql(SENTIMENT_SESSIONS, special=self.special))
        self.stage("partitions", self._partitions)
        self.stage("sentiment points", self._history)
        self.stage("skill assessments", lambda: self.sql(SKILLS, skill_ids=self.skill_ids, n_skills=len(self.skill_ids)))
        self.stage("skill history", lambda: self.sql(SKILL_HISTORY))
        self.stage("interview assessments", self._assessments)
        self.stage("cultural fit", lambda: self.sql(CULTURAL_FIT))
        self.stage("behavioral analysis", lambda: self.sql(BEHAVIORAL))
        self.stage("score weights", lambda: self.sql(DYNAMIC_WEIGHTS))
        self.stage("learning paths", self._learning)
        self.stage("subscriptions", self._subscriptions)
        self.stage("usage records", lambda: self.sql(USAGE))
        self.stage("sequences", self._sequences)
        self.stage("hiring teams", self._hiring_teams)
        self.stage("decisions", self._pipeline)
        self.stage("indexes", lambda: self._create_indexes(indexes))
        self.loading = False
        c.execute(text("SET session_replication_role = DEFAULT"))
        c.commit()
        self.stage("analyze", lambda: c.execute(text("ANALYZE")))
        self.stage("rankings recompute", self._rankings)
        self.stage("stats rollup", self._rollup)
        self.stage("activity counters", self._counters)
        self.stage("vacuum analyze", self._vacuum)
        self.c.execute(
            text("SELECT set_config('bench.comment', :comment, false)"),
            {"comment": f"JobHive bench data: {shape.sessions} sessions, filled {self.now.isoformat()}"},
        )
        c.execute(text("DO $$ BEGIN EXECUTE format('COMMENT ON DATABASE %I IS %L', current_database(), "
                       "current_setting('bench.comment')); END $$"))
        c.commit()

    def _create_indexes(self, statements: list[str]) -> str:
        for statement in statements:
            self.c.execute(text(statement))
        return f"{len(statements)} built"

    def _skip_triggers(self) -> None:
        # Skips the freshness and counter triggers and the FK checks while loading; rebuilt at the end.
        try:
            self.c.execute(text("SET session_replication_role = replica"))
            self.c.commit()
        except Exception:  # noqa: BLE001 - a role that may not: load with triggers, slower
            self.c.rollback()
            self.echo("  (session_replication_role not permitted: loading with triggers on)")

    def _catalogs(self) -> None:
        # The demo's catalogs (skills, resources, assessment types, plans, focus weights), through its own code.
        session = Session(bind=self.c, join_transaction_mode="create_savepoint")
        seeder = _Seeder(session, self.now)
        self.password = seeder.password
        for step in (seeder._skills, seeder._resources, seeder._assessment_catalog, seeder._plans,
                     seeder._score_weights):
            step()
        session.commit()
        self.skill_ids = sorted(seeder.skill_ids.values())
        self.skill_names = [name for name, _ in sorted(seeder.skill_ids.items(), key=lambda item: item[1])]
        self.resource_ids = sorted(r["resource_id"] for rs in seeder.resources.values() for r in rs)
        self.assessment_types = seeder.assessment_types
        self.plans = {name: plan["id"] for name, plan in seeder.plans.items()}

    def _users(self) -> int:
        shape = self.shape
        n = self.sql(
            USERS, domain=BENCH_DOMAIN, password=self.password, companies=shape.companies,
            candidates=shape.candidates, first_candidate=shape.first_candidate,
            first_names=list(cat.FIRST_NAMES), n_first=len(cat.FIRST_NAMES),
            last_names=list(cat.LAST_NAMES), n_last=len(cat.LAST_NAMES),
        )
        self.sql(RESUMES, skills=self.skill_names, n_skills=len(self.skill_names))
        return n

    def _companies(self) -> int:
        shape = self.shape
        self.sql(
            COMPANIES, companies=shape.companies, words1=list(NAME_WORDS[0]), n_words1=len(NAME_WORDS[0]),
            words2=list(NAME_WORDS[1]), n_words2=len(NAME_WORDS[1]), industries=list(INDUSTRIES),
            n_industries=len(INDUSTRIES),
        )
        return self.sql(
            JOBS, company_ids=shape.job_company, titles=shape.job_title, focuses=shape.job_focus,
            actives=shape.job_active,
        )

    def _sessions(self) -> int:
        shape = self.shape
        self.sql(
            PLAN_SESSIONS, first_candidate=shape.first_candidate, candidates=shape.candidates,
            job_sessions=shape.job_sessions, jobs=len(shape.job_sessions), practice=shape.practice,
            star_practice=min(STAR_PRACTICE_SESSIONS, shape.practice),
        )
        n = self.sql(
            SESSIONS, notes=list(_NOTES), n_notes=len(_NOTES), skills=self.skill_names, n_skills=len(self.skill_names)
        )
        self.special, self.showcase = self.c.execute(text(SPECIAL), {"now": self.now}).one()
        return n

    def _partitions(self) -> int:
        first, last = self.now - timedelta(days=HISTORY_DAYS + 1), self.now + timedelta(days=62)
        return len(self.c.execute(
            text("SELECT create_monthly_partition(m::date) FROM generate_series("
                 "date_trunc('month', CAST(:first AS timestamptz) AT TIME ZONE 'UTC'), "
                 "CAST(:last AS timestamptz) AT TIME ZONE 'UTC', interval '1 month') m"),
            {"first": first, "last": last},
        ).all())

    def _history(self) -> int:
        themes = [t for group in cat.THEMES.values() for t in group]
        return self.sql(HISTORY, special=self.special, special_points=SPECIAL_POINTS, themes=themes,
                        n_themes=len(themes))

    def _assessments(self) -> int:
        focuses, type_ids, softs, categories = [], [], [], []
        for focus, names in cat.FOCUS_ASSESSMENTS.items():
            for name in names:
                type_id, cats = self.assessment_types[name]
                focuses.append(focus)
                type_ids.append(type_id)
                softs.append(name in cat.SOFT_ASSESSMENT_TYPES)
                categories.append("{" + ",".join(str(category_id) for category_id, _ in cats) + "}")
        return self.sql(ASSESSMENTS, focuses=focuses, type_ids=type_ids, softs=softs, categories=categories)

    def _learning(self) -> int:
        return self.sql(LEARNING, resource_ids=self.resource_ids, n_resources=len(self.resource_ids))

    def _subscriptions(self) -> int:
        p = self.plans
        return self.sql(
            SUBSCRIPTIONS, first_candidate=self.shape.first_candidate, companies=self.shape.companies,
            enterprise=p["Employer Enterprise"], growth=p["Employer Growth"],
            growth_annual=p["Employer Growth (annual)"], starter=p["Employer Starter"], pro=p["Candidate Pro"],
            candidate_free=p["Candidate Free"], pro_annual=p["Candidate Pro (annual)"],
        )

    def _sequences(self, tables: Sequence[str] = EXPLICIT_IDS) -> None:
        for table in tables:
            self.c.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), coalesce(max(id), 0) + 1, false) FROM {table}"
            ))

    def _hiring_teams(self) -> None:
        for statement in HIRING_TEAMS:
            self.sql(
                statement, manager=LOGINS["hiring manager"], interviewer=LOGINS["interviewer"], password=self.password,
                manager_jobs=MANAGER_JOBS, every=ASSIGNED_EVERY,
            )

    def _pipeline(self) -> str:
        """Stages, reasons and attributes for every company and job, then places, decisions, scorecards."""
        job_stages = 6 * self.shape.companies
        for statement in PIPELINE_SETUP:
            self.sql(statement, job_stages=job_stages)
        reasons = dict(self.c.execute(text(
            "SELECT kind, array_agg(label ORDER BY position) FROM pipeline_builtin_reasons() GROUP BY kind"
        )).all())
        self.c.execute(text(UNIT_FUNCTION))
        self.sql(PIPELINE_PLAN)
        places = self.sql(PIPELINE_CANDIDATES, job_stages=job_stages)
        decisions = self.sql(
            PIPELINE_DECISIONS, job_stages=job_stages, kinds=list(PIPELINE_KINDS), rejections=reasons["rejection"],
            withdrawals=reasons["withdrawal"],
        )
        for statement in SCORECARDS:
            self.sql(statement, card_notes=list(SCORECARD_NOTES))
        for statement in PIPELINE_EXTRAS:
            self.sql(statement, pins=HOT_JOB_PINS, exclusions=HOT_JOB_EXCLUSIONS)
        self._sequences(PIPELINE_EXPLICIT_IDS)
        return f"{places:,} candidates' places, {decisions:,} decisions"

    def _rankings(self) -> str:
        """The project's recompute, on two connections with every other job each: the database's
        aggregation on one and Python's scoring on the other overlap on two cores."""
        job_ids = self.c.scalars(text("SELECT id FROM company_job ORDER BY id")).all()
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(self._rank_jobs, (job_ids[0::2], job_ids[1::2])))
        return f"{sum(r.ranked for r in results)} ranking(s) written on 2 connections"

    def _rank_jobs(self, job_ids: Sequence[int]):
        from webapp.rankings.services import BULK_WORK_MEM, recompute_jobs

        with self.c.engine.connect() as connection, Session(bind=connection) as session:
            session.execute(text(f"SET LOCAL work_mem = '{BULK_WORK_MEM}'"))
            result = recompute_jobs(session, job_ids)
            session.commit()
            return result

    def _rollup(self) -> str:
        from webapp.analytics.services import rollup

        session = Session(bind=self.c, join_transaction_mode="create_savepoint")
        today = self.now.astimezone(UTC).date()
        result = str(rollup(session, today - timedelta(days=HISTORY_DAYS + 1), today - timedelta(days=1)))
        session.commit()
        return result

    def _counters(self) -> None:
        # Migration 0010's counters: rebuilt by its own function after a load that skipped triggers.
        if self.c.scalar(text("SELECT to_regproc('dashboard_recount_counters')")) is not None:
            self.c.execute(text("SELECT dashboard_recount_counters()"))

    def _vacuum(self) -> None:
        # Sets the visibility map, so index-only scans work from the first benchmark on.
        self.c.commit()
        autocommit = self.c.execution_options(isolation_level="AUTOCOMMIT")
        autocommit.execute(text("VACUUM (ANALYZE)"))

    def counts(self) -> dict[str, int]:
        tables = ("users_user", "company_company", "company_job", "interview_interviewsession",
                  "interview_sentimenthistory", "interview_candidateranking")
        return {t: self.c.scalar(text(f"SELECT count(*) FROM {t}")) for t in tables}


_NOTES = (
    "Strong structured answers; follow up on testing practices.",
    "Hesitated on the scaling question but recovered with a sound design.",
    "Excellent examples of ownership from previous roles.",
    "Answers were accurate but long; coach on concise summaries.",
    "Asked sharp clarifying questions before every exercise.",
)
