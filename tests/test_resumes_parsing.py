"""The heuristics that turn a resume's text into users_resume fields (no database, no files)."""

from __future__ import annotations

import pytest

from webapp.resumes import parsing

CATALOG = ["Python", "SQL", "Machine Learning", "Learning", "C", "C++", "Java", "Node.js"]


def test_fields_come_from_the_first_line_contacts_headings_and_catalog():
    text = """JEAN-LUC O'Neil
    jl@example.org   (206) 555-0142
    www.linkedin.com/in/jl-oneil/  github.com/features  github.com/jloneil
    Professional Summary:
    Builds data tools.
    Likes maps.
    Work History
    • 2020-present Staff engineer, Maps Inc
    ▪ 2016-2020 Engineer, Atlas
    Technical skills: Java, node.js and c++
    Awards: Hackathon winner
    Hobbies
    Sailing
    """
    fields = parsing.parse(text, CATALOG)
    assert fields == {
        "first_name": "JEAN-LUC",
        "last_name": "O'Neil",
        "email": "jl@example.org",
        "phone": "(206) 555-0142",
        "linkedin": "https://www.linkedin.com/in/jl-oneil",
        "github": "https://github.com/jloneil",  # github.com/features is not a person
        "skills": "Java, Node.js, C++",  # catalog spelling, order of first mention
        "summary": "Builds data tools. Likes maps.",
        "work_experience": "2020-present Staff engineer, Maps Inc\n2016-2020 Engineer, Atlas",
        "education": None,
        "projects_worked": None,
        "achievements": "Hackathon winner",  # "Hobbies" ends the section: "Sailing" goes nowhere
    }


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("Call +1 415.555.0199 today", "+1 415-555-0199"),  # dots become dashes (what the form accepts)
        ("+49 30 901820", "+49 30 901820"),
        ("2015 - 2019 Analyst", None),  # a year range is not a phone number
        ("Employee no. 12345", None),
        ("020 7946 0958", "020 7946 0958"),
    ],
)
def test_phone_numbers_need_enough_digits(text, phone):
    assert parsing.phone(text) == phone


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Java and JavaScript", ["Java"]),  # whole words only
        ("JavaScript", []),
        ("c++ and C", ["C++", "C"]),
        ("machine learning, learning", ["Machine Learning", "Learning"]),
        ("PYTHON python Python", ["Python"]),
        ("sql-heavy work", ["SQL"]),  # a hyphen ends a word
    ],
)
def test_skills_are_catalog_names_found_as_whole_words_in_any_case(text, found):
    assert parsing.skills(text, CATALOG) == found


@pytest.mark.parametrize(
    "first_line",
    ["Curriculum Vitae 2024", "ada@example.com", "Experience", "Ada", "https://ada.dev", "A B C D E"],
)
def test_a_first_line_that_is_not_a_name_gives_no_name(first_line):
    assert parsing.names(first_line) == (None, None)


def test_little_text_never_fails_it_just_finds_nothing():
    for text in ("", "   \n\n", "lorem ipsum dolor sit amet", "Experience\n\nEducation"):
        fields = parsing.parse(text, CATALOG)
        assert set(fields) == {
            "first_name", "last_name", "email", "phone", "linkedin", "github", "skills",
            "summary", "work_experience", "education", "projects_worked", "achievements",
        }
        assert all(value is None for value in fields.values()), text


def test_long_text_is_cut_and_values_too_long_for_their_column_are_dropped():
    long_line = "x" * 20_000
    fields = parsing.parse(f"Ada Lovelace\nEducation\n{long_line}\n{'a' * 300}@example.com", CATALOG)
    assert len(fields["education"]) == parsing.TEXT_MAX
    assert fields["email"] is None  # a cut address would be a wrong one
