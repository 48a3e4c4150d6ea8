"""The admin catalog: overview, lists (search, filters, sort, pages), create/edit with validation, deletes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text

from tests.factories import (
    PASSWORD,
    gen_catalog_assessment_category,
    gen_catalog_assessment_type,
    gen_catalog_resource,
    gen_catalog_skill,
    gen_catalog_skill_category,
    gen_interview,
    gen_interview_assessment,
    gen_skill_assessment,
    gen_user,
)
from tests.querycount import statements_of
from webapp.catalog.kinds import KINDS
from webapp.models import (
    AssessmentCategory,
    AuditEvent,
    InterviewAssessment,
    LearningPath,
    LearningPathResource,
    LearningResource,
    Skill,
    SkillAssessment,
    SkillCategory,
)

BASE = "/admin/catalog"
RESOURCE = {"title": "Python Testing Handbook", "description": "Fixtures and factories.", "resource_type": "book",
            "url": "https://books.example.com/testing", "estimated_hours": "12"}


@pytest.fixture
def admin(auth, db_session):
    user = gen_user(db_session, role="admin")
    assert auth.login(user.email, PASSWORD).status_code == 302
    return user


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def audit_actions(db_session) -> list[str]:
    return list(db_session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("catalog.%"))
                                   .order_by(AuditEvent.id)))


def row_labels(html: str) -> list[str]:
    """The first cell's link text of every table row, in order."""
    return re.findall(r'<tr>\s*<td>\s*<a href="[^"]+/edit">([^<]+)</a>', html)


@pytest.mark.parametrize("role", ["user", "employer"])
def test_only_admins_reach_the_catalog(client, auth, db_session, role):
    auth.login(gen_user(db_session, role=role).email, PASSWORD)
    for url in (f"{BASE}/", f"{BASE}/skills", f"{BASE}/resources/new"):
        assert client.get(url).status_code == 403
    assert client.post(f"{BASE}/skills", data={"name": "Sneaky"}).status_code == 403
    assert db_session.scalar(select(Skill).where(Skill.name == "Sneaky")) is None


def test_overview_counts_every_kind_and_links_to_it(client, db_session, admin):
    gen_catalog_skill(db_session)
    gen_catalog_skill(db_session)
    before = {kind.slug: count(db_session, kind.model) for kind in KINDS}
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert 'href="/admin/catalog/"' in html  # the admin navigation links here
    for kind in KINDS:
        assert f'href="{BASE}/{kind.slug.replace("_", "-")}"' in html
        assert f"<strong>{before[kind.slug]:,}</strong>" in html


def test_search_filter_sort_and_pages(client, db_session, admin):
    backend = gen_catalog_skill_category(db_session, name="Zz Backend")
    for i in range(30):
        gen_catalog_skill(db_session, name=f"Zz skill {i:02d}", category=backend if i % 2 else None)
    html = client.get(f"{BASE}/skills?q=zz+skill&sort=-name").get_data(as_text=True)
    assert row_labels(html)[:2] == ["Zz skill 29", "Zz skill 28"] and len(row_labels(html)) == 25
    assert "Showing 1–25 of 30 skills" in html
    assert "page=2" in html and "sort=-name" in html  # the pager keeps the search and the sort
    second = client.get(f"{BASE}/skills?q=zz+skill&sort=-name&page=2").get_data(as_text=True)
    assert row_labels(second) == [f"Zz skill {i:02d}" for i in range(4, -1, -1)]
    filtered = client.get(f"{BASE}/skills?q=zz&category={backend.id}").get_data(as_text=True)
    assert row_labels(filtered) == [f"Zz skill {i:02d}" for i in range(1, 30, 2)]
    uncategorised = client.get(f"{BASE}/skills?q=zz+skill&category=none").get_data(as_text=True)
    assert row_labels(uncategorised) == [f"Zz skill {i:02d}" for i in range(0, 30, 2)]
    assert "No skills match these filters" in client.get(f"{BASE}/skills?q=100%25").get_data(as_text=True)


def test_resources_filter_by_type_and_skill_and_show_the_skill_name(client, db_session, admin):
    skill = gen_catalog_skill(db_session, name="Kotlin Coroutines")
    gen_catalog_resource(db_session, skill, title="Coroutine video", resource_type="video")
    gen_catalog_resource(db_session, skill, title="Coroutine article", resource_type="article")
    gen_catalog_resource(db_session, gen_catalog_skill(db_session), title="Other video", resource_type="video")
    html = client.get(f"{BASE}/resources?type=video&skill={skill.id}").get_data(as_text=True)
    assert row_labels(html) == ["Coroutine video"] and "Kotlin Coroutines" in html


def test_bad_list_parameters_are_a_clear_400(client, db_session, admin):
    for query in ("page=two", "q=" + "x" * 101, "q=a%00b", "category=abc", "category=99999999999"):
        response = client.get(f"{BASE}/skills?{query}")
        assert response.status_code == 400 and 'role="alert"' in response.get_data(as_text=True), query
        # htmx swaps no 4xx: the rows block carries the message instead
        htmx = client.get(f"{BASE}/skills?{query}", headers={"HX-Request": "true"})
        assert htmx.status_code == 200 and 'role="alert"' in htmx.get_data(as_text=True), query


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.slug)
def test_lists_read_the_same_statements_for_few_rows_and_a_full_page(app, client, db_session, admin, kind):
    """Related names and counts come from joins and subqueries, never one query per row."""

    def add_rows(n: int) -> None:
        for _ in range(n):
            category = gen_catalog_skill_category(db_session)
            skill = gen_catalog_skill(db_session, category=category)
            gen_catalog_assessment_category(db_session, gen_catalog_assessment_type(db_session))
            gen_catalog_resource(db_session, skill)

    url = f"{BASE}/{kind.slug.replace('_', '-')}"
    add_rows(2)
    few, _ = statements_of(app, client, url)
    add_rows(30)
    many, html = statements_of(app, client, url)
    assert len(many) == len(few) and "Showing 1–25 of" in html


def test_htmx_gets_only_the_rows(client, db_session, admin):
    gen_catalog_skill(db_session, name="Htmx Skill")
    response = client.get(f"{BASE}/skills?q=htmx&category=&sort=name", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="catalog-rows">') and "Htmx Skill" in html and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert response.headers["HX-Push-Url"] == f"{BASE}/skills?q=htmx"  # empty filter and default sort left out


# --- create and edit ---------------------------------------------------------------------


def test_add_a_resource_and_the_audit_log_says_so(client, db_session, admin):
    skill = gen_catalog_skill(db_session, name="Pytest")
    response = client.post(f"{BASE}/resources", data=RESOURCE | {"skill_id": str(skill.id)})
    assert response.status_code == 302
    resource = db_session.scalar(select(LearningResource).where(LearningResource.title == RESOURCE["title"]))
    assert (resource.resource_type, resource.url, resource.estimated_hours, resource.skill_id) == (
        "book", RESOURCE["url"], 12, skill.id)
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "catalog.learningresource.created"))
    assert (event.actor_id, event.target_id) == (admin.id, str(resource.id))
    assert event.details["title"] == RESOURCE["title"]
    assert "Added the learning resource" in client.get(response.headers["Location"]).get_data(as_text=True)


BAD_RESOURCE_INPUT = [
    ({"url": "javascript:alert(1)"}, "url", "starting with https://"),
    ({"url": "ftp://files.example.com/a"}, "url", "starting with https://"),
    ({"url": "https://"}, "url", "starting with https://"),
    ({"url": "https://exa mple.com"}, "url", "cannot contain spaces"),
    ({"url": "https://example.com:99999/"}, "url", "starting with https://"),
    ({"url": "https://example.com/" + "a" * 181}, "url", "200 characters"),
    ({"estimated_hours": "-1"}, "estimated_hours", "whole number"),
    ({"estimated_hours": "1.5"}, "estimated_hours", "whole number"),
    ({"estimated_hours": "1001"}, "estimated_hours", "at most 1,000"),
    ({"estimated_hours": ""}, "estimated_hours", "Enter the estimated hours"),
    ({"resource_type": "podcast"}, "resource_type", "Choose one of"),
    ({"skill_id": ""}, "skill_id", "Choose a skill."),
    ({"skill_id": "2000000000"}, "skill_id", "from the list"),
    ({"skill_id": "abc"}, "skill_id", "from the list"),
    ({"title": ""}, "title", "Enter a title"),
    ({"title": "x" * 256}, "title", "255 characters"),
    ({"title": "bad\x00title"}, "title", "control characters"),
    ({"description": " "}, "description", "Enter a description"),
]


def test_bad_resource_input_gets_a_field_message_and_writes_nothing(client, db_session, admin):
    skill = gen_catalog_skill(db_session)
    before = count(db_session, LearningResource)
    problems = []
    for change, field, message in BAD_RESOURCE_INPUT:
        response = client.post(f"{BASE}/resources", data=RESOURCE | {"skill_id": str(skill.id)} | change)
        html = response.get_data(as_text=True)
        error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
        described = re.search(rf'aria-describedby="[^"]*{field}-error"', html)
        if response.status_code != 422 or not error or message not in error.group(1) or not described:
            problems.append((change, response.status_code, error and error.group(1)))
    assert problems == []
    assert count(db_session, LearningResource) == before and audit_actions(db_session) == []


def test_skill_names_are_unique_ignoring_case(client, db_session, admin):
    gen_catalog_skill(db_session, name="GraphQL")
    response = client.post(f"{BASE}/skills", data={"name": "graphql", "category_id": ""})
    assert response.status_code == 422 and "Another skill is already called that" in response.get_data(as_text=True)
    assert db_session.scalar(select(func.count()).where(func.lower(Skill.name) == "graphql")) == 1


def test_assessment_category_names_are_unique_within_their_type(client, db_session, admin):
    technical, behavioral = gen_catalog_assessment_type(db_session), gen_catalog_assessment_type(db_session)
    gen_catalog_assessment_category(db_session, technical, name="Depth")
    taken = client.post(f"{BASE}/assessment-categories", data={"assessment_type_id": technical.id, "name": "depth"})
    assert taken.status_code == 422 and "already called that in this assessment type" in taken.get_data(as_text=True)
    elsewhere = client.post(f"{BASE}/assessment-categories",
                            data={"assessment_type_id": behavioral.id, "name": "Depth"})
    assert elsewhere.status_code == 302
    assert count(db_session, AssessmentCategory) == 2


def test_edit_records_what_changed_and_a_save_without_changes_records_nothing(client, db_session, admin):
    category = gen_catalog_skill_category(db_session, name="Data")
    skill = gen_catalog_skill(db_session, name="Pandas")
    form = client.get(f"{BASE}/skills/{skill.id}/edit").get_data(as_text=True)
    assert 'value="Pandas"' in form and f'<option value="{category.id}">Data</option>' in form
    edited = {"name": "pandas", "category_id": category.id}
    assert client.post(f"{BASE}/skills/{skill.id}", data=edited).status_code == 302
    db_session.refresh(skill)
    assert (skill.name, skill.category_id) == ("pandas", category.id)  # its own name in another case is fine
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "catalog.skill.updated"))
    assert event.details["changes"] == {"name": ["Pandas", "pandas"], "category_id": [None, category.id]}
    client.post(f"{BASE}/skills/{skill.id}", data=edited)
    assert audit_actions(db_session) == ["catalog.skill.updated"]


# --- delete ------------------------------------------------------------------------------


@pytest.fixture
def used_skill(db_session):
    """A skill scored in an interview (two history points) with a resource on a candidate's learning path."""
    candidate = gen_user(db_session)
    interview = gen_interview(db_session, candidate, is_practice=True, status="completed")
    assessment = gen_skill_assessment(db_session, interview, skill="Terraform", scores=(50, 60))
    skill = db_session.get(Skill, assessment.skill_id)
    resource = gen_catalog_resource(db_session, skill)
    gen_catalog_resource(db_session, skill)
    path = LearningPath(interview_session_id=interview.id)
    db_session.add(path)
    db_session.flush()
    db_session.add(LearningPathResource(learning_path_id=path.id, resource_id=resource.id, order_position=1))
    db_session.flush()
    return skill


def test_deleting_a_skill_says_what_goes_with_it_then_does_it(client, db_session, admin, used_skill):
    skill_id = used_skill.id
    page = client.get(f"{BASE}/skills/{skill_id}/delete").get_data(as_text=True)
    text_only = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    for expected in ("1 skill score from a candidate's interview", "2 score history entries", "2 learning resources",
                     "1 step in a candidate's learning path"):
        assert expected in text_only.replace("&#39;", "'")
    response = client.post(f"{BASE}/skills/{skill_id}/delete")
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(Skill, skill_id) is None
    assert count(db_session, SkillAssessment) == 0 and count(db_session, LearningPathResource) == 0
    event = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "catalog.skill.deleted"))
    assert event.details == {"name": "Terraform", "dependents": {"scores": 1, "score_history": 2, "resources": 2,
                                                                  "path_entries": 1}}


def test_deleting_a_category_keeps_its_skills(client, db_session, admin):
    category_id = gen_catalog_skill_category(db_session, name="Cloud").id
    skill = gen_catalog_skill(db_session, category_id=category_id)
    page = client.get(f"{BASE}/skill-categories/{category_id}/delete").get_data(as_text=True)
    assert "stays, without its skill category" in page
    assert client.post(f"{BASE}/skill-categories/{category_id}/delete").status_code == 302
    db_session.expire_all()
    assert db_session.get(SkillCategory, category_id) is None and db_session.get(Skill, skill.id).category_id is None


def test_deleting_an_assessment_type_takes_its_categories_and_results(client, db_session, admin):
    result = gen_interview_assessment(db_session, gen_interview(db_session, gen_user(db_session)), type_name="Oral")
    type_id = result.assessment_type_id
    page = client.get(f"{BASE}/assessment-types/{type_id}/delete").get_data(as_text=True)
    assert re.search(r"<strong>1</strong> assessment category<", page)
    assert re.search(r"<strong>1</strong> assessment result from a candidate", page)
    response = client.post(f"{BASE}/assessment-types/{type_id}/delete", follow_redirects=True)
    assert "Deleted the assessment type “Oral” with 1 assessment category, 1 assessment result" in response.get_data(
        as_text=True).replace("&#39;", "'")
    assert count(db_session, InterviewAssessment) == 0 and count(db_session, AssessmentCategory) == 0


def test_deleting_an_assessment_category_keeps_the_interview_results(client, db_session, admin):
    result = gen_interview_assessment(db_session, gen_interview(db_session, gen_user(db_session)))
    assert client.post(f"{BASE}/assessment-categories/{result.category_id}/delete").status_code == 302
    db_session.expire_all()
    assert db_session.get(InterviewAssessment, result.id).category_id is None


def test_a_reference_that_forbids_the_delete_is_a_409_not_a_5xx(client, db_session, admin):
    """A foreign key with ON DELETE RESTRICT refuses: the page says why, nothing goes.

    The referencing table is created inside the test's transaction, so the rollback removes it.
    """
    skill = gen_catalog_skill(db_session, name="Protected")
    db_session.execute(text(
        "CREATE TABLE catalog_test_pinned (skill_id int REFERENCES interview_skill(id) ON DELETE RESTRICT)"
    ))
    db_session.execute(text("INSERT INTO catalog_test_pinned VALUES (:id)"), {"id": skill.id})
    response = client.post(f"{BASE}/skills/{skill.id}/delete")
    assert response.status_code == 409 and "cannot be deleted" in response.get_data(as_text=True)
    assert db_session.scalar(select(Skill.id).where(Skill.id == skill.id)) == skill.id
    assert audit_actions(db_session) == []


def test_only_web_addresses_become_links_in_the_list(client, db_session, admin):
    """Rows written by the interview engine or by hand are shown, but a `javascript:` address is never a link."""
    skill = gen_catalog_skill(db_session)
    gen_catalog_resource(db_session, skill, title="Odd address", url="javascript:alert(1)")
    gen_catalog_resource(db_session, skill, title="Normal address", url="https://learn.example.com/x")
    html = client.get(f"{BASE}/resources?skill={skill.id}").get_data(as_text=True)
    assert 'href="javascript:' not in html and "javascript:alert(1)" in html
    assert 'href="https://learn.example.com/x"' in html
