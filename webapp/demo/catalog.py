"""Static catalogs behind the demo data set: accounts, companies, jobs, skills, plans."""

from __future__ import annotations

from typing import NamedTuple

DEMO_PASSWORD = "jobhive-demo-pass"
ADMIN_EMAIL = "admin@jobhive.test"
EMPLOYER_EMAIL = "employer@jobhive.test"
OTHER_EMPLOYER_EMAIL = "other@jobhive.test"
CANDIDATE_EMAIL = "candidate@jobhive.test"

DEMO_ACCOUNTS = (
    {"email": ADMIN_EMAIL, "username": "admin", "first_name": "Alex", "last_name": "Morgan", "role": "admin"},
    {"email": EMPLOYER_EMAIL, "username": "employer", "first_name": "Erin", "last_name": "Park", "role": "employer"},
    {
        "email": OTHER_EMPLOYER_EMAIL,
        "username": "other",
        "first_name": "Omar",
        "last_name": "Haddad",
        "role": "employer",
    },
    {"email": CANDIDATE_EMAIL, "username": "candidate", "first_name": "Casey", "last_name": "Rivera", "role": "user"},
)

# The demo company's hiring team beside its owner (employer@jobhive.test), all with the demo password.
TEAM_COMPANY = "Acme Robotics"
RECRUITER_EMAIL = "recruiter@jobhive.test"
MANAGER_EMAIL = "manager@jobhive.test"
INTERVIEWER_EMAIL = "interviewer@jobhive.test"
DEMO_TEAM = (
    {
        "email": RECRUITER_EMAIL,
        "username": "recruiter",
        "first_name": "Rosa",
        "last_name": "Delgado",
        "member_role": "recruiter",
        "joined_days_ago": 610,
    },
    {
        "email": MANAGER_EMAIL,
        "username": "manager",
        "first_name": "Hannah",
        "last_name": "Okafor",
        "member_role": "hiring_manager",
        "joined_days_ago": 240,
    },
    {
        "email": INTERVIEWER_EMAIL,
        "username": "interviewer",
        "first_name": "Noah",
        "last_name": "Kim",
        "member_role": "interviewer",
        "joined_days_ago": 120,
    },
)
# The jobs whose hiring team the hiring manager is on.
MANAGER_JOBS = ("Senior Robotics Software Engineer", "Computer Vision Engineer")
# The interviewer's assignments on those jobs: the latest completed interviews and the next upcoming one.
INTERVIEWER_COMPLETED_ASSIGNMENTS = 4
# One open invitation, so the members page shows a pending one.
PENDING_INVITATION = {"email": "new.hire@jobhive.test", "role": "recruiter", "sent_days_ago": 2, "valid_days": 7}

# Employers of the companies beyond the two demo ones.
EXTRA_EMPLOYERS = (
    {
        "email": "priya.natarajan@example.com",
        "username": "priya.natarajan",
        "first_name": "Priya",
        "last_name": "Natarajan",
    },
    {"email": "marcus.bell@example.org", "username": "marcus.bell", "first_name": "Marcus", "last_name": "Bell"},
)


class Timing(NamedTuple):
    """A company's interview timing settings (company_company.interview_* columns)."""

    custom: bool
    minutes: int
    first_warning: int
    final_warning: int
    force_end: int
    extensions: bool
    max_extensions: int
    extension_minutes: int


class JobSpec(NamedTuple):
    title: str
    focus: str
    active: bool
    skills: tuple[str, ...]
    pitch: str


COMPANIES = (
    {
        "owner": EMPLOYER_EMAIL,
        "company_name": "Acme Robotics",
        "slug": "acme-robotics",
        "industry": "Robotics & Automation",
        "address": "1200 Harbor Way, Oakland, CA 94607",
        "phone_number": "+1 510-555-0142",
        "description": (
            "Acme Robotics builds autonomous mobile robots for warehouses and hospitals. "
            "Our fleet software plans 40,000 routes a day across 300 sites."
        ),
        "team_member_count": 48,
        "is_recruiting_agency": False,
        "timing": Timing(
            custom=True,
            minutes=45,
            first_warning=300,
            final_warning=120,
            force_end=10,
            extensions=True,
            max_extensions=2,
            extension_minutes=10,
        ),
        "jobs": (
            JobSpec(
                "Senior Robotics Software Engineer",
                "technical",
                True,
                ("C++", "ROS 2", "Motion Planning", "System Design", "Debugging"),
                "own the motion-planning stack that moves our robots safely through busy aisles",
            ),
            JobSpec(
                "Computer Vision Engineer",
                "technical",
                True,
                ("Python", "Computer Vision", "Machine Learning", "Testing Strategy"),
                "ship perception models that run on the robot at 30 frames per second",
            ),
            JobSpec(
                "Embedded Firmware Engineer",
                "technical",
                False,
                ("Embedded C", "Control Systems", "Debugging", "Linux"),
                "write motor-control firmware for our next drive unit",
            ),
            JobSpec(
                "Field Operations Lead",
                "behavioral",
                True,
                ("Stakeholder Management", "Conflict Resolution", "Ownership", "Verbal Communication"),
                "lead the crews who commission robots at customer sites",
            ),
            JobSpec(
                "Customer Success Manager",
                "behavioral",
                True,
                ("Customer Empathy", "Negotiation", "Active Listening", "Written Communication"),
                "keep hospital customers successful from pilot to fleet roll-out",
            ),
            JobSpec(
                "Technical Program Manager",
                "balanced",
                True,
                ("Roadmapping", "Agile Delivery", "System Design", "Stakeholder Management", "Presenting"),
                "coordinate hardware, software and operations releases",
            ),
        ),
    },
    {
        "owner": OTHER_EMPLOYER_EMAIL,
        "company_name": "Globex Analytics",
        "slug": "globex-analytics",
        "industry": "Data & Analytics",
        "address": "233 W Lake St, Suite 900, Chicago, IL 60606",
        "phone_number": "+1 312-555-0199",
        "description": (
            "Globex Analytics turns retail point-of-sale data into demand forecasts "
            "for 1,200 grocery stores across North America."
        ),
        "team_member_count": 126,
        "is_recruiting_agency": False,
        "timing": Timing(
            custom=False,
            minutes=30,
            first_warning=300,
            final_warning=120,
            force_end=10,
            extensions=True,
            max_extensions=2,
            extension_minutes=10,
        ),
        "jobs": (
            JobSpec(
                "Senior Data Engineer",
                "technical",
                True,
                ("Python", "SQL", "Apache Spark", "Data Modeling", "AWS"),
                "build the pipelines that ingest two billion sales rows a week",
            ),
            JobSpec(
                "Analytics Engineer (dbt/SQL)",
                "technical",
                True,
                ("SQL", "dbt", "Data Modeling", "Testing Strategy"),
                "model clean, tested data marts for our forecasting teams",
            ),
            JobSpec(
                "Machine Learning Engineer",
                "technical",
                False,
                ("Python", "Machine Learning", "Statistics", "Kubernetes"),
                "productionise our demand-forecasting models",
            ),
            JobSpec(
                "Engagement Manager",
                "behavioral",
                True,
                ("Stakeholder Management", "Presenting", "Negotiation", "Ownership"),
                "run analytics engagements with our largest retail clients",
            ),
            JobSpec(
                "Product Analyst",
                "balanced",
                True,
                ("SQL", "Statistics", "Product Sense", "Written Communication"),
                "find out what our customers need next and prove it with data",
            ),
            JobSpec(
                "Solutions Consultant",
                "balanced",
                True,
                ("SQL", "Requirements Analysis", "Presenting", "Customer Empathy"),
                "help prospects see their own data in Globex during pilots",
            ),
        ),
    },
    {
        "owner": "priya.natarajan@example.com",
        "company_name": "Initech Health",
        "slug": "initech-health",
        "industry": "Healthcare Technology",
        "address": "75 State St, Floor 12, Boston, MA 02109",
        "phone_number": "+1 617-555-0117",
        "description": (
            "Initech Health runs the scheduling and telehealth platform used by "
            "300 independent clinics; HIPAA-compliant by design."
        ),
        "team_member_count": 210,
        "is_recruiting_agency": False,
        "timing": Timing(
            custom=True,
            minutes=60,
            first_warning=600,
            final_warning=180,
            force_end=15,
            extensions=False,
            max_extensions=0,
            extension_minutes=10,
        ),
        "jobs": (
            JobSpec(
                "Backend Engineer (Go)",
                "technical",
                True,
                ("Go", "SQL", "Distributed Systems", "Observability"),
                "scale the appointment service that books 80,000 visits a day",
            ),
            JobSpec(
                "Site Reliability Engineer",
                "technical",
                True,
                ("Kubernetes", "AWS", "Observability", "Linux", "Debugging"),
                "keep our telehealth platform at four nines",
            ),
            JobSpec(
                "Patient Support Team Lead",
                "behavioral",
                True,
                ("Customer Empathy", "Mentoring", "Conflict Resolution", "Active Listening"),
                "lead a team of twelve patient-support specialists",
            ),
            JobSpec(
                "Compliance Analyst",
                "behavioral",
                False,
                ("Regulatory Compliance", "Written Communication", "Analytical Thinking"),
                "keep our HIPAA and SOC 2 programmes audit-ready",
            ),
            JobSpec(
                "Clinical Product Manager",
                "balanced",
                True,
                ("Product Sense", "Roadmapping", "Requirements Analysis", "Stakeholder Management"),
                "shape the clinician experience of our scheduling product",
            ),
        ),
    },
    {
        "owner": "marcus.bell@example.org",
        "company_name": "Hooli Talent Partners",
        "slug": "hooli-talent",
        "industry": "Staffing & Recruiting",
        "address": "600 Congress Ave, Austin, TX 78701",
        "phone_number": "+1 512-555-0163",
        "description": (
            "Hooli Talent Partners places engineers and engineering leaders with "
            "fast-growing start-ups in Texas and remotely."
        ),
        "team_member_count": 17,
        "is_recruiting_agency": True,
        "timing": Timing(
            custom=True,
            minutes=30,
            first_warning=240,
            final_warning=60,
            force_end=10,
            extensions=True,
            max_extensions=3,
            extension_minutes=5,
        ),
        "jobs": (
            JobSpec(
                "Full-Stack Engineer (contract)",
                "technical",
                True,
                ("TypeScript", "Python", "SQL", "Testing Strategy"),
                "join a fintech client's product team for a six-month contract",
            ),
            JobSpec(
                "QA Automation Engineer",
                "technical",
                False,
                ("Python", "Testing Strategy", "Debugging"),
                "automate end-to-end tests for a logistics client",
            ),
            JobSpec(
                "Recruiting Coordinator",
                "behavioral",
                True,
                ("Written Communication", "Teamwork", "Customer Empathy"),
                "keep dozens of interview loops running on time",
            ),
            JobSpec(
                "Engineering Manager",
                "balanced",
                True,
                ("Mentoring", "System Design", "Stakeholder Management", "Agile Delivery", "Java"),
                "lead a platform team of eight at a Series B client",
            ),
        ),
    },
)

SKILL_CATALOG = {
    "Programming": ("Python", "Go", "SQL", "TypeScript", "Java", "C++", "Rust"),
    "Systems & Infrastructure": ("System Design", "Distributed Systems", "Kubernetes", "AWS", "Observability", "Linux"),
    "Data & Machine Learning": (
        "Data Modeling",
        "Machine Learning",
        "Statistics",
        "dbt",
        "Apache Spark",
        "Computer Vision",
    ),
    "Robotics & Embedded": ("ROS 2", "Control Systems", "Embedded C", "Motion Planning"),
    "Product & Delivery": (
        "Product Sense",
        "Roadmapping",
        "Agile Delivery",
        "Requirements Analysis",
        "Testing Strategy",
    ),
    "Communication": ("Verbal Communication", "Written Communication", "Active Listening", "Presenting"),
    "Leadership & Collaboration": (
        "Ownership",
        "Mentoring",
        "Stakeholder Management",
        "Conflict Resolution",
        "Teamwork",
    ),
    "Problem Solving": ("Analytical Thinking", "Debugging", "Estimation"),
    "Customer & Compliance": ("Customer Empathy", "Negotiation", "Regulatory Compliance"),
}
# Skills in these categories are scored from a candidate's soft-skill level.
SOFT_SKILL_CATEGORIES = ("Communication", "Leadership & Collaboration", "Customer & Compliance")
# Added to every interview's assessed skills, so soft skills show up everywhere.
GENERAL_SKILLS = ("Verbal Communication", "Analytical Thinking", "Teamwork", "Ownership")

# (resource_type, host, title template, description template, estimated hours range)
RESOURCE_TEMPLATES = (
    (
        "course",
        "learn.example.com",
        "{skill} Fundamentals for Interviews",
        "A structured course on the core of {skill}, with a graded exercise after every module.",
        (6, 14),
    ),
    (
        "article",
        "blog.example.org",
        "Common {skill} Interview Pitfalls and How to Avoid Them",
        "The mistakes interviewers see most often in {skill} answers, each with a better answer.",
        (1, 1),
    ),
    (
        "video",
        "videos.example.net",
        "{skill} Deep Dive: Worked Interview Answers",
        "Recorded mock-interview answers on {skill}, paused and critiqued step by step.",
        (1, 3),
    ),
    (
        "exercise",
        "practice.example.com",
        "{skill} Practice Set: Timed Scenarios",
        "Twelve timed scenarios on {skill} with model answers and a self-assessment rubric.",
        (2, 5),
    ),
    (
        "book",
        "books.example.com",
        "The Practical {skill} Handbook",
        "A practitioner's reference to {skill}, from first principles to production trade-offs.",
        (8, 20),
    ),
)

ASSESSMENT_CATALOG = {
    "Technical": (
        "Depth and accuracy of technical answers and exercises.",
        ("Problem Solving", "Code Quality", "System Design", "Domain Knowledge"),
    ),
    "Behavioral": (
        "Evidence of past behaviour from situational and STAR-style answers.",
        ("Teamwork", "Leadership", "Adaptability", "Conflict Resolution"),
    ),
    "Communication": (
        "How clearly and concisely the candidate explains and listens.",
        ("Clarity", "Structure", "Active Listening"),
    ),
    "Cultural Fit": (
        "Alignment with the company's stated values and ways of working.",
        ("Values Alignment", "Collaboration Style", "Growth Mindset"),
    ),
}
FOCUS_ASSESSMENTS = {
    "technical": ("Technical", "Communication", "Cultural Fit"),
    "behavioral": ("Behavioral", "Communication", "Cultural Fit"),
    "balanced": ("Technical", "Behavioral", "Communication", "Cultural Fit"),
}
# Assessment types scored from the soft-skill level rather than the technical one.
SOFT_ASSESSMENT_TYPES = ("Behavioral", "Communication", "Cultural Fit")
# Assessment types whose results count toward the rankings' technical score (the admin's flag).
TECHNICAL_ASSESSMENT_TYPES = ("Technical",)

# technical, skills, cultural fit, sentiment; each row sums to 1.00
SCORE_WEIGHTS = {
    "technical": ("0.45", "0.30", "0.15", "0.10"),
    "behavioral": ("0.15", "0.20", "0.35", "0.30"),
    "balanced": ("0.30", "0.25", "0.25", "0.20"),
}

PLANS = (
    {
        "name": "Candidate Free",
        "plan_type": "candidate",
        "interval": "month",
        "price": "0.00",
        "description": "Three practice interviews a month with basic feedback.",
        "interview_limit": 3,
        "job_posting_limit": 0,
        "application_limit": 10,
        "sort_order": 1,
        "features": ["Sentiment summary"],
    },
    {
        "name": "Candidate Pro",
        "plan_type": "candidate",
        "interval": "month",
        "price": "19.00",
        "description": "Unlimited practice with detailed feedback and learning paths.",
        "interview_limit": 0,
        "job_posting_limit": 0,
        "application_limit": 0,
        "sort_order": 2,
        "features": [
            "Sentiment timeline",
            "Personal learning paths",
            "Detailed skill feedback",
        ],
    },
    {
        "name": "Candidate Pro (annual)",
        "plan_type": "candidate",
        "interval": "year",
        "price": "190.00",
        "description": "Candidate Pro, billed yearly: two months free.",
        "interview_limit": 0,
        "job_posting_limit": 0,
        "application_limit": 0,
        "sort_order": 3,
        "features": ["Everything in Candidate Pro", "Two months free"],
    },
    {
        "name": "Employer Free",
        "plan_type": "employer",
        "interval": "month",
        "price": "0.00",
        "description": "Try JobHive: one job posting and a handful of interviews a month.",
        "interview_limit": 5,
        "job_posting_limit": 1,
        "application_limit": 0,
        "sort_order": 9,
        "features": ["Candidate rankings"],
    },
    {
        "name": "Employer Starter",
        "plan_type": "employer",
        "interval": "month",
        "price": "99.00",
        "description": "For teams hiring their first few roles.",
        "interview_limit": 50,
        "job_posting_limit": 5,
        "application_limit": 0,
        "sort_order": 10,
        "features": ["Candidate rankings"],
    },
    {
        "name": "Employer Growth",
        "plan_type": "employer",
        "interval": "month",
        "price": "299.00",
        "description": "For growing teams with a steady hiring pipeline.",
        "interview_limit": 250,
        "job_posting_limit": 25,
        "application_limit": 0,
        "sort_order": 11,
        "features": [
            "Candidate rankings",
            "Custom score weights",
            "Analytics dashboard",
        ],
    },
    {
        "name": "Employer Growth (annual)",
        "plan_type": "employer",
        "interval": "year",
        "price": "2990.00",
        "description": "Employer Growth, billed yearly.",
        "interview_limit": 250,
        "job_posting_limit": 25,
        "application_limit": 0,
        "sort_order": 12,
        "features": [
            "Candidate rankings",
            "Custom score weights",
            "Analytics dashboard",
            "Two months free",
        ],
    },
    {
        "name": "Employer Enterprise",
        "plan_type": "employer",
        "interval": "year",
        "price": "9990.00",
        "description": "Unlimited interviews, SSO and a dedicated success manager.",
        "interview_limit": 0,
        "job_posting_limit": 0,
        "application_limit": 0,
        "sort_order": 13,
        "features": [
            "Candidate rankings",
            "Custom score weights",
            "Analytics dashboard",
            "SSO",
            "Dedicated success manager",
            "Custom interview timing",
        ],
    },
    {
        "name": "Employer Legacy",
        "plan_type": "employer",
        "interval": "month",
        "price": "49.00",
        "description": "Retired 2024 plan, kept for existing customers.",
        "is_active": False,
        "interview_limit": 20,
        "job_posting_limit": 2,
        "application_limit": 0,
        "sort_order": 99,
        "features": ["Candidate rankings"],
    },
)

# Seats (members plus open invitations) per employer plan; 0 is unlimited, candidate plans have none.
SEAT_LIMITS = {
    "Employer Free": 3,
    "Employer Starter": 5,
    "Employer Growth": 10,
    "Employer Growth (annual)": 10,
    "Employer Enterprise": 0,
    "Employer Legacy": 3,
}

THEMES = {
    "technical": (
        "system design",
        "scalability",
        "debugging",
        "testing",
        "code quality",
        "performance",
        "data modeling",
        "trade-offs",
        "incident response",
    ),
    "behavioral": (
        "ownership",
        "teamwork",
        "conflict resolution",
        "customer empathy",
        "leadership",
        "feedback",
        "adaptability",
        "prioritisation",
    ),
}
FLAGS = ("hesitation", "filler_words", "long_pause", "vague_answer", "off_topic", "interrupted")

# Skills a practice session without a job works on; also its practice_focus_areas.
PRACTICE_FOCUS_SETS = (
    ("System Design", "Python", "Verbal Communication"),
    ("SQL", "Data Modeling", "Presenting"),
    ("Stakeholder Management", "Conflict Resolution", "Ownership"),
    ("Distributed Systems", "Debugging", "Estimation"),
    ("Product Sense", "Written Communication", "Analytical Thinking"),
)
IMPROVEMENT_SUGGESTIONS = (
    "Open with a one-sentence summary before going into detail.",
    "Quantify the impact of your projects (latency, revenue, hours saved).",
    "State your assumptions explicitly before designing a solution.",
    "Use the STAR structure: situation, task, action, result.",
    "Pause instead of using filler words while you think.",
    "Ask a clarifying question when a prompt is ambiguous.",
    "Discuss at least one trade-off for every design decision.",
    "Close each answer by tying it back to the role's requirements.",
)
STRENGTHS = (
    "Clear explanation of past projects",
    "Good instinct for trade-offs",
    "Calm under follow-up questions",
    "Strong ownership stories",
    "Precise technical vocabulary",
    "Asks thoughtful clarifying questions",
)

FIRST_NAMES = (
    "Maya",
    "Liam",
    "Aisha",
    "Noah",
    "Sofia",
    "Ethan",
    "Zara",
    "Lucas",
    "Amara",
    "Mateo",
    "Chloe",
    "Kenji",
    "Isabella",
    "Omar",
    "Hannah",
    "Diego",
    "Priyanka",
    "Jonah",
    "Leila",
    "Samuel",
    "Yuki",
    "Gabriel",
    "Nadia",
    "Elijah",
    "Fatima",
    "Tomas",
    "Grace",
    "Arjun",
    "Olivia",
    "Kwame",
    "Elena",
    "Ravi",
    "Ingrid",
    "Malik",
    "Camila",
    "Henrik",
    "Mei",
    "Daniel",
    "Anika",
    "Felix",
    "Rosa",
    "Tariq",
    "Julia",
    "Andre",
    "Sana",
    "Victor",
    "Lena",
    "Hiro",
    "Beatriz",
    "Caleb",
    "Noor",
    "Marco",
    "Freya",
    "Jamal",
    "Alina",
    "Theo",
    "Ximena",
    "Rohan",
    "Clara",
    "Emeka",
)
LAST_NAMES = (
    "Patel",
    "Okafor",
    "Nguyen",
    "Garcia",
    "Kim",
    "Schmidt",
    "Rossi",
    "Haddad",
    "Silva",
    "Kowalski",
    "Tanaka",
    "Mensah",
    "Johansson",
    "Fernandez",
    "Chen",
    "Obi",
    "Novak",
    "Ali",
    "Dubois",
    "Murphy",
    "Ivanova",
    "Santos",
    "Yamamoto",
    "Adeyemi",
    "Larsen",
    "Moreno",
    "Singh",
    "Walker",
    "Costa",
    "Bauer",
    "Hughes",
    "Reyes",
    "Nakamura",
    "Osei",
    "Lindqvist",
    "Ortiz",
    "Sato",
    "Brennan",
    "Kapoor",
    "Weber",
)
PAST_EMPLOYERS = (
    "Northwind Traders",
    "Contoso",
    "Fabrikam",
    "Tailspin Toys",
    "Wide World Importers",
    "Adventure Works",
    "Litware",
    "Proseware",
    "Woodgrove Bank",
    "Fourth Coffee",
    "Lamna Healthcare",
    "Trey Research",
)
PAST_ROLES = (
    "Software Engineer",
    "Data Analyst",
    "Backend Developer",
    "Customer Success Specialist",
    "Site Reliability Engineer",
    "Product Analyst",
    "QA Engineer",
    "Project Coordinator",
    "Data Engineer",
    "Support Team Lead",
)
DEGREES = (
    "B.Sc. Computer Science",
    "B.Eng. Electrical Engineering",
    "M.Sc. Data Science",
    "B.A. Economics",
    "B.Sc. Mathematics",
    "M.Eng. Robotics",
    "B.A. Communication",
    "B.Sc. Information Systems",
)
UNIVERSITIES = (
    "Lakeside State University",
    "Northfield Institute of Technology",
    "Riverside College",
    "Westbrook University",
    "Eastern Polytechnic",
    "Hillcrest University",
)
