"""The migrated database matches docs/database-schema.md, element by element.

Each test is parametrized by table, so a failure names the table; its message
lists every missing or different column, constraint or index.

CHECK expressions and index definitions are compared in PostgreSQL's own
spelling: the documented text is created on an empty temporary copy of the
table (rolled back) and read back with pg_get_constraintdef/pg_get_indexdef,
exactly as the migrated ones are, so parentheses, casts, index methods, sort
orders, expressions and predicates all count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.schema_doc import Column, documented_schema

DOC = documented_schema()
TABLES = sorted(DOC.tables)
HISTORY = "interview_sentimenthistory"
CONTEXT = "interview_sentimentcontextfactors"

# Deviations PostgreSQL forces on the partitioned history (explained where they are made: the docstrings
# of migrations/versions/0001_initial_schema.py and of the SentimentHistory/SentimentContextFactors models).
FORCED_NOT_NULL = {(HISTORY, "timestamp")}
FORCED_PRIMARY_KEYS = {HISTORY: ("id", "timestamp")}
FORCED_EXTRA_COLUMNS = {
    CONTEXT: {"sentiment_history_timestamp": Column("sentiment_history_timestamp", "timestamp with time zone", True)}
}
FORCED_FK_COLUMNS = {
    (CONTEXT, ("sentiment_history_id",)): (
        ("sentiment_history_id", "sentiment_history_timestamp"),
        ("id", "timestamp"),
    )
}

ON_DELETE = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
_CAST = re.compile(
    r"::(?:double precision|character varying|timestamp with time zone|numeric|integer|bigint|smallint"
    r"|jsonb|json|text|boolean|date|interval|regclass)(?:\(\d+(?:,\d+)?\))?(?:\[\])?"
)


# --- the database, read once from the catalogs ------------------------------


@dataclass
class DbColumn:
    type: str
    not_null: bool
    default: str | None


@dataclass
class DbConstraint:
    name: str
    kind: str  # p, u, f, c
    columns: tuple[str, ...]
    definition: str
    ref_table: str | None
    ref_columns: tuple[str, ...]
    on_delete: str | None


@dataclass
class DbIndex:
    name: str
    table: str
    columns: tuple[tuple[str, bool], ...]
    unique: bool
    primary: bool
    partial: bool
    definition: str  # pg_get_indexdef, without its name and table (see index_shape)


@dataclass
class Catalog:
    relkinds: dict[str, str]
    columns: dict[str, dict[str, DbColumn]]
    constraints: dict[str, list[DbConstraint]]
    indexes: dict[str, DbIndex]
    documented_checks: dict[tuple[str, str], str]  # (table, documented expression) -> pg_get_constraintdef
    documented_indexes: dict[str, str]  # documented index name -> its shape as PostgreSQL spells it


COLUMNS_SQL = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
  AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
"""

# Constraints cloned onto partitions (conparentid <> 0) are PostgreSQL's bookkeeping, not ours.
CONSTRAINTS_SQL = """
SELECT c.relname, con.conname, con.contype, pg_get_constraintdef(con.oid),
       ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord),
       f.relname,
       ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
             JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord),
       con.confdeltype
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
LEFT JOIN pg_class f ON f.oid = con.confrelid
WHERE c.relnamespace = current_schema()::regnamespace AND NOT c.relispartition
  AND con.conparentid = 0 AND con.contype IN ('p', 'u', 'f', 'c')
"""

INDEXES_SQL = """
SELECT ic.relname, tc.relname, i.indisunique, i.indisprimary, i.indpred IS NOT NULL,
       pg_get_indexdef(i.indexrelid),
       ARRAY(SELECT coalesce(a.attname, '<expression>') FROM unnest(i.indkey::int2[], i.indoption::int2[])
                    WITH ORDINALITY k(num, opt, ord)
             LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num ORDER BY k.ord),
       ARRAY(SELECT (k.opt & 1) = 1 FROM unnest(i.indkey::int2[], i.indoption::int2[])
                    WITH ORDINALITY k(num, opt, ord) ORDER BY k.ord)
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_class tc ON tc.oid = i.indrelid
WHERE tc.relnamespace = current_schema()::regnamespace AND NOT tc.relispartition
"""


PROBE = "schema_doc_probe"


def index_shape(definition: str) -> str:
    """An index definition without its name and table: `UNIQUE USING gin (...) WHERE ...`."""
    match = re.fullmatch(r"CREATE (UNIQUE )?INDEX \S+ ON (?:ONLY )?\S+ (.*)", definition, re.S)
    assert match, f"unexpected index definition {definition!r}"
    return (match.group(1) or "") + match.group(2)


def postgres_spelling(connection, table: str, checks=(), indexes=()) -> tuple[list[str], list[str]]:
    """PostgreSQL's own text of CHECK expressions and index definitions written against `table`'s columns.

    Each is created on an empty temporary copy of the table's columns, read back with
    pg_get_constraintdef / pg_get_indexdef, and rolled back: the same normalisation the
    migrated constraints and indexes went through. An `index` is what follows the table
    name in CREATE INDEX, e.g. `USING gin (email gin_trgm_ops)` or `(a, b DESC) WHERE c`.
    """
    with connection.begin_nested() as savepoint:
        connection.execute(text(f'CREATE TEMP TABLE {PROBE} (LIKE "{table}")'))
        check_texts = []
        for number, expression in enumerate(checks):
            connection.execute(text(f"ALTER TABLE {PROBE} ADD CONSTRAINT {PROBE}_c{number} CHECK ({expression})"))
            check_texts.append(connection.execute(
                text("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = :name"
                     " AND conrelid = CAST(:table AS regclass)"),
                {"name": f"{PROBE}_c{number}", "table": PROBE},
            ).scalar_one())
        index_texts = []
        for number, definition in enumerate(indexes):
            connection.execute(text(f"CREATE INDEX {PROBE}_i{number} ON {PROBE} {definition}"))
            index_texts.append(index_shape(connection.execute(
                text("SELECT pg_get_indexdef(CAST(:index AS regclass))"), {"index": f"{PROBE}_i{number}"}
            ).scalar_one()))
        savepoint.rollback()
    return check_texts, index_texts


def load_documented_definitions(connection) -> tuple[dict[tuple[str, str], str], dict[str, str]]:
    """Every documented CHECK and index, as PostgreSQL spells it on the table's migrated columns."""
    checks: dict[tuple[str, str], str] = {}
    indexes: dict[str, str] = {}
    for table in TABLES:
        if connection.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar() is None:
            continue  # test_columns_match_document reports the missing table
        table_checks = [c.expression for c in DOC.checks if c.table == table]
        table_indexes = [i for i in DOC.indexes.values() if i.table == table]
        check_texts, index_texts = postgres_spelling(
            connection, table, table_checks, [i.definition for i in table_indexes]
        )
        checks.update({(table, expression): spelt for expression, spelt in zip(table_checks, check_texts)})
        indexes.update({index.name: spelt for index, spelt in zip(table_indexes, index_texts)})
    return checks, indexes


def load_catalog(connection) -> Catalog:
    relkinds = dict(
        connection.execute(
            text("SELECT relname, relkind FROM pg_class WHERE relnamespace = current_schema()::regnamespace")
        ).all()
    )
    columns: dict[str, dict[str, DbColumn]] = {}
    for table, name, type_, not_null, default in connection.execute(text(COLUMNS_SQL)):
        columns.setdefault(table, {})[name] = DbColumn(type_, not_null, default)
    constraints: dict[str, list[DbConstraint]] = {}
    for table, name, kind, definition, cols, ref_table, ref_cols, action in connection.execute(text(CONSTRAINTS_SQL)):
        constraints.setdefault(table, []).append(
            DbConstraint(name, kind, tuple(cols), definition, ref_table, tuple(ref_cols), ON_DELETE.get(action))
        )
    indexes = {
        name: DbIndex(name, table, tuple(zip(cols, descs)), unique, primary, partial, index_shape(definition))
        for name, table, unique, primary, partial, definition, cols, descs in connection.execute(text(INDEXES_SQL))
    }
    documented_checks, documented_indexes = load_documented_definitions(connection)
    return Catalog(relkinds, columns, constraints, indexes, documented_checks, documented_indexes)


@pytest.fixture(scope="session")
def catalog(db_engine) -> Catalog:
    with db_engine.connect() as connection, connection.begin() as transaction:
        loaded = load_catalog(connection)
        transaction.rollback()
    return loaded


# --- normalisation -----------------------------------------------------------


def _strip_parens(value: str) -> str:
    while value.startswith("(") and value.endswith(")"):
        value = value[1:-1].strip()
    return value


def normalise_default(expression: str | None):
    """One comparable value for a documented or catalog default: NOW() == now(), '{}' == '{}'::jsonb, 0 == 0.00."""
    if expression is None:
        return None
    value = _strip_parens(_CAST.sub("", expression).strip())
    quoted = len(value) >= 2 and value[0] == value[-1] == "'"
    if quoted:
        value = value[1:-1]
    try:
        return Decimal(value)
    except InvalidOperation:
        return ("literal", value) if quoted else ("expression", value.lower())


def mentioned_columns(expression: str, table: str) -> frozenset[str]:
    names = set(re.findall(r"[a-z_][a-z0-9_]*", expression.lower()))
    return frozenset(names & set(DOC.tables[table].columns))


def is_serial_default(default: str | None) -> bool:
    return bool(default and re.fullmatch(r"nextval\('[\w.\"]+'(::regclass)?\)", default))


def expected_columns(table: str) -> dict[str, Column]:
    return DOC.tables[table].columns | FORCED_EXTRA_COLUMNS.get(table, {})


def show(default: str | None) -> str:
    return "none" if default is None else default


def fail_if(problems: list[str], table: str) -> None:
    if problems:
        pytest.fail(f"{table}: " + "; ".join(problems), pytrace=False)


# --- the parser itself (a silent parse failure must fail loudly) -------------


def test_document_parser_finds_every_documented_element():
    # Counted by hand in docs/database-schema.md (and with grep for CREATE TABLE/INDEX, CHECK, REFERENCES, DEFAULT).
    assert len(DOC.tables) == 28
    assert sum(len(t.columns) for t in DOC.tables.values()) == 302
    assert sum(c.default is not None for t in DOC.tables.values() for c in t.columns.values()) == 138
    assert sum(len(t.uniques) for t in DOC.tables.values()) == 21
    assert len(DOC.indexes) == 50
    assert sum(desc for i in DOC.indexes.values() for _, desc in i.columns) == 6
    assert len(DOC.foreign_keys) == 36
    assert {fk.name for fk in DOC.foreign_keys if fk.name} == {"fk_sentiment_interview", "fk_subscription_plan"}
    assert len(DOC.checks) == 17
    assert {c.name for c in DOC.checks if c.name} == {
        "chk_sentiment_scores_valid",
        "chk_subscription_dates",
        "chk_interview_duration",
        "chk_skill_score_range",
    }
    assert DOC.functions == ["create_monthly_partition"]
    assert DOC.partitions == {f"{HISTORY}_y2024m01": HISTORY, f"{HISTORY}_y2024m02": HISTORY}


def test_document_parser_reads_column_details():
    user = DOC.tables["users_user"].columns
    assert user["id"].serial and user["id"].primary_key
    assert user["email"].type == "character varying(255)" and user["email"].not_null and user["email"].unique
    assert user["role"].default == "'user'"
    assert DOC.tables["interview_interviewsession"].columns["technical_accuracy"].type == "numeric(6,2)"
    assert DOC.tables["interview_interviewsession"].columns["duration"].type == "double precision"
    assert DOC.tables["interview_interviewstatistics"].columns["average_duration"].type == "interval"
    assert DOC.tables["interview_interviewassessment"].uniques == [
        ("interview_session_id", "assessment_type_id", "category_id")
    ]
    assert DOC.indexes["idx_candidate_ranking_job_score"].columns == (("job_id", False), ("overall_score", True))
    assert normalise_default("NOW()") == normalise_default("now()")
    assert normalise_default("'{}'") == normalise_default("'{}'::jsonb")
    assert normalise_default("0") == normalise_default("0.00") == normalise_default("'0'::numeric")
    assert normalise_default("'user'") == normalise_default("'user'::character varying")
    assert normalise_default("'user'") != normalise_default("'admin'::character varying")


def test_files_the_schema_tests_cite_are_in_the_repository():
    """A reader must be able to open every document or module these tests point to."""
    root = Path(__file__).parents[1]
    cited = set()
    for name in ("test_schema.py", "schema_doc.py", "test_models_match_migrations.py"):
        cited |= set(re.findall(r"[\w./-]*\w\.(?:md|py)\b", (root / "tests" / name).read_text(encoding="utf-8")))
    folders = ("", "tests", "docs")
    missing = sorted(path for path in cited if not any((root / folder / path).exists() for folder in folders))
    assert missing == []


def test_check_comparison_keeps_the_grouping_of_and_and_or(db_engine):
    documented = next(c for c in DOC.checks if c.name == "chk_interview_duration")
    assert documented.expression == "duration IS NULL OR (duration > 0 AND duration < 14400)"
    table = documented.table
    with db_engine.connect() as connection, connection.begin():
        (spelt_doc, regrouped, redundant, other_bound), _ = postgres_spelling(connection, table, [
            documented.expression,
            "(duration IS NULL OR duration > 0) AND duration < 14400",
            "(duration IS NULL) OR ((duration > (0)) AND (duration < 14400))",
            "duration IS NULL OR (duration > 0 AND duration < 14401)",
        ])

    def migrated(definition):
        return DbConstraint(documented.name, "c", ("duration",), definition, None, (), None)

    assert check_matches(documented, migrated(redundant), spelt_doc)  # only the spelling differs
    assert not check_matches(documented, migrated(regrouped), spelt_doc)  # (a OR b) AND c is not a OR (b AND c)
    assert not check_matches(documented, migrated(other_bound), spelt_doc)
    assert not check_matches(documented, DbConstraint("other_name", "c", (), spelt_doc, None, (), None), spelt_doc)


def test_index_comparison_sees_method_order_expression_include_and_predicate(db_engine):
    documented = DOC.indexes["idx_users_user_email"]
    assert documented.definition == "(email)"
    variants = [
        "USING btree (email ASC NULLS LAST)",  # the same index, spelt out
        "USING hash (email)",
        "USING gin (email gin_trgm_ops)",
        "(email DESC)",
        "(email NULLS FIRST)",
        "(lower(email))",
        "(email) INCLUDE (username)",
        "(email) WHERE is_active",
        "(email, username)",
    ]
    with db_engine.connect() as connection, connection.begin():
        _, (spelt_doc, same, *different) = postgres_spelling(
            connection, documented.table, indexes=[documented.definition, *variants]
        )
    assert spelt_doc == same == "USING btree (email)"
    assert len(set(different)) == len(different) and spelt_doc not in different
    assert index_shape("CREATE UNIQUE INDEX x ON ONLY public.t USING btree (a)") == "UNIQUE USING btree (a)"


# --- tables and columns ------------------------------------------------------


@pytest.mark.parametrize("table", TABLES)
def test_columns_match_document(catalog, table):
    assert catalog.relkinds.get(table) in ("r", "p"), f"table {table} does not exist"
    actual = catalog.columns[table]
    problems = []
    for name, doc in expected_columns(table).items():
        col = actual.get(name)
        if col is None:
            problems.append(f"column {name} missing")
            continue
        if col.type != doc.type:
            problems.append(f"column {name} has type {col.type}, documented {doc.type}")
        want_not_null = doc.not_null or doc.primary_key or (table, name) in FORCED_NOT_NULL
        if col.not_null != want_not_null:
            problems.append(f"column {name} is {'NOT NULL' if col.not_null else 'nullable'}, documented "
                            f"{'NOT NULL' if want_not_null else 'nullable'}")
        if doc.serial:
            if not is_serial_default(col.default):
                problems.append(f"column {name} is documented SERIAL but its default is {show(col.default)}")
        elif normalise_default(col.default) != normalise_default(doc.default):
            problems.append(f"column {name} has default {show(col.default)}, documented {show(doc.default)}")
    extra = sorted(set(actual) - set(expected_columns(table)))
    if extra:
        problems.append(f"undocumented columns {extra}")
    fail_if(problems, table)


@pytest.mark.parametrize("table", TABLES)
def test_primary_key_matches_document(catalog, table):
    documented = tuple(c.name for c in DOC.tables[table].columns.values() if c.primary_key)
    expected = FORCED_PRIMARY_KEYS.get(table, documented)
    keys = [c.columns for c in catalog.constraints.get(table, []) if c.kind == "p"]
    assert keys == [expected], f"{table}: primary key is {keys}, expected {expected}"


# --- UNIQUE --------------------------------------------------------------------


def unique_column_sets(catalog: Catalog, table: str) -> dict[tuple[str, ...], str]:
    """Columns -> name of each unique constraint or plain unique index on the table."""
    found = {c.columns: c.name for c in catalog.constraints.get(table, []) if c.kind == "u"}
    for index in catalog.indexes.values():
        if index.table == table and index.unique and not index.primary and not index.partial:
            found.setdefault(tuple(col for col, _ in index.columns), index.name)
    return found


@pytest.mark.parametrize("table", TABLES)
def test_unique_constraints_match_document(catalog, table):
    found = unique_column_sets(catalog, table)
    documented = DOC.tables[table].uniques
    problems = [f"UNIQUE({', '.join(cols)}) missing" for cols in documented if cols not in found]
    problems += [f"undocumented unique {name} on ({', '.join(cols)})" for cols, name in found.items()
                 if cols not in documented]
    fail_if(problems, table)


# --- FOREIGN KEY -------------------------------------------------------------


def fk_matches(doc, db: DbConstraint) -> bool:
    columns, ref_columns = FORCED_FK_COLUMNS.get((doc.table, doc.columns), (doc.columns, doc.ref_columns))
    return (
        db.kind == "f"
        and db.columns == columns
        and db.ref_table == doc.ref_table
        and db.ref_columns == ref_columns
        and db.on_delete == doc.on_delete
        and (doc.name is None or db.name == doc.name)
    )


@pytest.mark.parametrize("table", TABLES)
def test_foreign_keys_match_document(catalog, table):
    actual = [c for c in catalog.constraints.get(table, []) if c.kind == "f"]
    documented = [fk for fk in DOC.foreign_keys if fk.table == table]
    problems = []
    for fk in documented:
        if not any(fk_matches(fk, db) for db in actual):
            same_columns = [f"{db.name}: {db.definition}" for db in actual if db.columns[0] == fk.columns[0]]
            problems.append(
                f"FOREIGN KEY {fk.name or ''}({', '.join(fk.columns)}) REFERENCES {fk.ref_table}"
                f"({', '.join(fk.ref_columns)}) ON DELETE {fk.on_delete} missing"
                + (f" (found {same_columns})" if same_columns else "")
            )
    problems += [f"undocumented foreign key {db.name}: {db.definition}" for db in actual
                 if not any(fk_matches(fk, db) for fk in documented)]
    fail_if(problems, table)


# --- CHECK -----------------------------------------------------------------------


def check_matches(doc, db: DbConstraint, spelt: str) -> bool:
    """Same expression as PostgreSQL prints it (a NOT VALID constraint does not hold for every row)."""
    return db.kind == "c" and db.definition == spelt and (doc.name is None or db.name == doc.name)


@pytest.mark.parametrize("table", TABLES)
def test_checks_match_document(catalog, table):
    actual = [c for c in catalog.constraints.get(table, []) if c.kind == "c"]
    documented = [c for c in DOC.checks if c.table == table]

    def matches(check, db):
        return check_matches(check, db, catalog.documented_checks[(table, check.expression)])

    problems = []
    for check in documented:
        if not any(matches(check, db) for db in actual):
            columns = mentioned_columns(check.expression, table)
            near = [f"{db.name}: {db.definition}" for db in actual
                    if mentioned_columns(db.definition, table) == columns]
            problems.append(
                f"CHECK {check.name or ''}({check.expression}) on {sorted(columns)} missing"
                + (f" (found {near})" if near else "")
            )
    problems += [f"undocumented check {db.name}: {db.definition}" for db in actual
                 if not any(matches(c, db) for c in documented)]
    fail_if(problems, table)


# --- CREATE INDEX ------------------------------------------------------------------


def describe_index(columns) -> str:
    return ", ".join(f"{col}{' DESC' if desc else ''}" for col, desc in columns)


@pytest.mark.parametrize("table", TABLES)
def test_indexes_match_document(catalog, table):
    problems = []
    for doc in (i for i in DOC.indexes.values() if i.table == table):
        index = catalog.indexes.get(doc.name)
        if index is None:
            problems.append(f"index {doc.name} ({describe_index(doc.columns)}) missing")
        elif index.table != table:
            problems.append(f"index {doc.name} is on {index.table}, documented on {table}")
        elif index.definition != catalog.documented_indexes[doc.name]:
            # method, columns and expressions, operator classes, sort order, INCLUDE, predicate, uniqueness
            problems.append(f"index {doc.name} is {index.definition}, documented "
                            f"{catalog.documented_indexes[doc.name]}")
    fail_if(problems, table)


# --- partitioning and the partition function ---------------------------------------


def test_sentiment_history_is_range_partitioned_on_timestamp(db_engine):
    with db_engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT p.partstrat, ARRAY(SELECT a.attname FROM unnest(p.partattrs::int2[]) k(num)"
                " JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = k.num)"
                " FROM pg_partitioned_table p WHERE p.partrelid = to_regclass(:table)"
            ),
            {"table": HISTORY},
        ).one_or_none()
    assert row is not None, f"{HISTORY} is not partitioned"
    assert (row[0], row[1]) == ("r", ["timestamp"]), f"{HISTORY} is partitioned by {row}, expected RANGE (timestamp)"


def partitions_of(connection, parent: str) -> set[str]:
    return set(
        connection.execute(
            text("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = to_regclass(:parent)"),
            {"parent": parent},
        ).scalars()
    )


@pytest.mark.parametrize("partition", sorted(DOC.partitions))
def test_documented_partition_exists_and_receives_its_month(db_engine, partition):
    month = re.search(r"y(\d{4})m(\d{2})$", partition)
    with db_engine.connect() as connection, connection.begin() as transaction:
        assert partition in partitions_of(connection, HISTORY), f"partition {partition} of {HISTORY} missing"
        routed = connection.execute(
            text(f'INSERT INTO {HISTORY} ("timestamp") VALUES (:ts) RETURNING tableoid::regclass::text'),
            {"ts": f"{month[1]}-{month[2]}-15 12:00:00+00"},
        ).scalar_one()
        transaction.rollback()
    assert routed == partition, f"a row dated {month[1]}-{month[2]}-15 went to {routed}, expected {partition}"


def test_create_monthly_partition_exists_and_can_run_twice(db_engine):
    with db_engine.connect() as connection, connection.begin() as transaction:
        # Extra parameters are fine as long as they have defaults: the documented call takes none.
        result_type = connection.execute(
            text("SELECT pg_get_function_result(oid) FROM pg_proc"
                 " WHERE proname = 'create_monthly_partition' AND pronargs = pronargdefaults"
                 " AND pronamespace = current_schema()::regnamespace")
        ).scalar_one_or_none()
        assert result_type == "void", "function create_monthly_partition() returning void missing"
        connection.execute(text("SELECT create_monthly_partition()"))
        connection.execute(text("SELECT create_monthly_partition()"))
        next_month = connection.execute(
            text("SELECT 'interview_sentimenthistory_y' || to_char(d, 'YYYY') || 'm' || to_char(d, 'MM')"
                 " FROM date_trunc('month', CURRENT_DATE + interval '1 month') d")
        ).scalar_one()
        partitions = partitions_of(connection, HISTORY)
        transaction.rollback()
    assert next_month in partitions, f"create_monthly_partition() did not leave partition {next_month}"


def test_login_finds_users_by_lower_email_through_an_index(db_engine):
    """Login looks users up by lower(email); on a big table that must not be a full scan."""
    with db_engine.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))  # the test table is tiny; ask what an index would do
        plan = connection.execute(
            text("EXPLAIN SELECT id FROM users_user WHERE lower(email) = 'ada@example.test'")
        ).scalars().all()
    assert any("idx_users_user_lower_email" in line for line in plan), plan
