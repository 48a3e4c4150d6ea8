"""From a resume's plain text to the `users_resume` fields, with simple heuristics.

Nothing here fails: a field the text does not reveal stays None, and the
candidate fills it in on the resume page. The rules, in order:

- email: the first address-shaped string; phone: the first run of digits with
  spaces, dots, dashes or brackets that holds 9-15 digits (or 7-15 after a `+`),
  so year ranges such as "2019 - 2021" are not taken for one (dots become dashes);
- linkedin / github: the first linkedin.com/in/<handle> and github.com/<handle>,
  stored as https URLs (other websites have no column);
- names: the first line, when it looks like a name (two to four words of
  letters); the first word is the first name, the rest the last name;
- sections: a line that is only a heading such as "Experience", "Education",
  "Projects", "Achievements" or "Summary" (see HEADINGS, case-insensitive, an
  optional trailing colon, or "Heading: text" on one line) starts a section; its
  lines, bullets stripped, up to the next heading become that field, one item per
  line (the summary as one paragraph);
- skills: the catalog's skill names (`interview_skill`) found anywhere in the
  text as whole words, case-insensitively, in order of first appearance.

Storage shapes match the demo data: skills joined by ", ", list fields one item
per line, the summary as plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Column sizes of users_resume: a longer match is dropped rather than refused by PostgreSQL.
LIMITS = {"first_name": 255, "last_name": 255, "email": 255, "phone": 50, "linkedin": 200, "github": 200}
TEXT_MAX = 10_000  # per text field; the edit form allows the same
MAX_SKILLS = 60
SKILL_MAX = 100  # interview_skill.name is VARCHAR(100)
LIST_FIELDS = ("work_experience", "education", "projects_worked", "achievements")

HEADINGS = {
    "summary": ("summary", "professional summary", "profile", "professional profile", "about", "about me",
                "objective", "career objective", "personal statement"),
    "work_experience": ("experience", "work experience", "professional experience", "employment",
                        "employment history", "work history", "career history"),
    "education": ("education", "education and training", "academic background", "qualifications"),
    "projects_worked": ("projects", "key projects", "selected projects", "personal projects", "side projects"),
    "achievements": ("achievements", "key achievements", "accomplishments", "awards", "honors", "honours",
                     "awards and achievements", "certifications", "certificates"),
    # Headings whose lines belong to no field; they end the previous section.
    None: ("skills", "technical skills", "key skills", "core skills", "competencies", "languages",
           "interests", "hobbies", "references", "contact", "contact details", "personal details"),
}
_HEADING_OF = {name: field for field, names in HEADINGS.items() for name in names}
_HEADING_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z &]{1,40}?)\s*(?::\s*(.*))?$")

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?<![\w+])(\+?\(?\d[\d ().-]{5,}\d)(?!\w)")
_LINKEDIN = re.compile(r"(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(in|pub)/([A-Za-z0-9_%-]{2,100})", re.I)
_GITHUB = re.compile(r"(?:https?://)?(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))(?![\w-])", re.I)
_GITHUB_NOT_USERS = {"about", "features", "pricing", "orgs", "topics", "explore", "login", "settings"}
_NAME = re.compile(r"^[^\W\d_]+(?:['’.-][^\W\d_]+)*\.?$")
_BULLET = re.compile(r"^[\s•●▪■◦‣∙·*–—-]+")


def parse(text: str, skill_names: Iterable[str]) -> dict[str, str | None]:
    """Every users_resume field the text reveals (None where it does not)."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    first, last = names(lines[0] if lines else "")
    fields: dict[str, str | None] = {
        "first_name": first,
        "last_name": last,
        "email": _first(_EMAIL, text),
        "phone": phone(text),
        "linkedin": linkedin(text),
        "github": github(text),
        "skills": ", ".join(skills(text, skill_names)) or None,
    }
    fields |= sections(lines)
    return {name: _cut(name, value) for name, value in fields.items()}


def names(line: str) -> tuple[str | None, str | None]:
    words = line.split()
    if not 2 <= len(words) <= 4 or not all(_NAME.match(word) for word in words):
        return None, None
    if _HEADING_OF.get(line.lower().rstrip(":")):
        return None, None
    return words[0], " ".join(words[1:])


def phone(text: str) -> str | None:
    for match in _PHONE.finditer(text):
        candidate = match.group(1).strip(" .-")
        digits = sum(ch.isdigit() for ch in candidate)
        if 9 <= digits <= 15 or (candidate.startswith("+") and 7 <= digits <= 15):
            return candidate.replace(".", "-")  # the edit form takes digits, spaces and + - ( )
    return None


def linkedin(text: str) -> str | None:
    match = _LINKEDIN.search(text)
    return f"https://www.linkedin.com/{match.group(1).lower()}/{match.group(2)}" if match else None


def github(text: str) -> str | None:
    for match in _GITHUB.finditer(text):
        if match.group(1).lower() not in _GITHUB_NOT_USERS:
            return f"https://github.com/{match.group(1)}"
    return None


def skills(text: str, skill_names: Iterable[str]) -> list[str]:
    """Catalog skills named in the text (whole words, any case), in order of first mention."""
    catalog = {name.lower(): name for name in skill_names if name and name.strip()}
    if not catalog or not text:
        return []
    # Longest first, so "Machine Learning" wins over "Learning"; "+" and "#" count as word
    # characters, so "C" is not found inside "C++" or "C#".
    alternatives = "|".join(re.escape(name) for name in sorted(catalog, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w+#])(?:{alternatives})(?![\w+#])", re.IGNORECASE)
    found: dict[str, None] = {}
    for match in pattern.finditer(text):
        found.setdefault(catalog[match.group(0).lower()], None)
        if len(found) >= MAX_SKILLS:
            break
    return list(found)


def sections(lines: list[str]) -> dict[str, str | None]:
    """The lines under each recognised heading, as the stored text of its field."""
    collected: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        heading = _heading(line)
        if heading is not None:
            current, rest = heading
            if current and rest:
                collected.setdefault(current, []).append(rest)
            continue
        if current:
            item = _BULLET.sub("", line).strip()
            if item:
                collected.setdefault(current, []).append(item)
    result: dict[str, str | None] = {field: None for field in (*LIST_FIELDS, "summary")}
    for field, items in collected.items():
        result[field] = " ".join(items) if field == "summary" else "\n".join(items)
    return result


def _heading(line: str) -> tuple[str | None, str] | None:
    """(field or None, text after a colon) when the line is a section heading."""
    match = _HEADING_LINE.match(line)
    if not match:
        return None
    title = match.group(1).strip().lower()
    if title not in _HEADING_OF:
        return None
    return _HEADING_OF[title], (match.group(2) or "").strip()


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(0) if match else None


def _cut(name: str, value: str | None) -> str | None:
    """Long text is cut to TEXT_MAX; a name, address or link too long for its column is dropped
    (half an email address is worse than none)."""
    if not value:
        return None
    if name in LIMITS:
        return value if len(value) <= LIMITS[name] else None
    return value[:TEXT_MAX].strip() or None
