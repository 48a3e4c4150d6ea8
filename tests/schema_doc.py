"""A small parser of docs/database-schema.md: the documented schema as plain data.

The document is prose with unfenced SQL. Function bodies (`$$ ... $$`) and
`--` comments are removed, the rest is split on `;`, and each piece is matched
against the few statement shapes the schema uses. Statements of other shapes
(partitions, `CREATE TABLE ... AS SELECT`, maintenance) are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DOC_PATH = Path(__file__).parents[1] / "docs" / "database-schema.md"

# Documented type spelling -> PostgreSQL's format_type() spelling.
_TYPES = {
    "SERIAL": "integer",
    "INTEGER": "integer",
    "TEXT": "text",
    "BOOLEAN": "boolean",
    "JSONB": "jsonb",
    "DATE": "date",
    "INTERVAL": "interval",
    "DOUBLE PRECISION": "double precision",
    "TIMESTAMP WITH TIME ZONE": "timestamp with time zone",
}
_TYPE_RE = r"VARCHAR\(\d+\)|DECIMAL\(\d+,\s*\d+\)|" + "|".join(sorted(_TYPES, key=len, reverse=True))
_COLUMN_RE = re.compile(rf"^(\w+)\s+({_TYPE_RE})(?=\s|$)(.*)$", re.S | re.I)
_DEFAULT_RE = re.compile(r"\bDEFAULT\s+('[^']*'|\w+\(\)|[\w.]+)", re.I)
_REFERENCES_RE = re.compile(r"\bREFERENCES\s+(\w+)\s*\((\w+)\)(?:\s+ON\s+DELETE\s+(SET\s+NULL|\w+))?", re.I)
_CREATE_TABLE_RE = re.compile(r"\bCREATE\s+TABLE\s+(\w+)\s*\((.*)\)\s*$", re.S | re.I)
_CREATE_INDEX_RE = re.compile(
    r"\bCREATE\s+INDEX\s+(?:CONCURRENTLY\s+)?(\w+)\s+ON\s+(\w+)\s*(\(([^)]*)\).*)$", re.S | re.I
)
_ADD_CHECK_RE = re.compile(r"\bALTER\s+TABLE\s+(\w+)\s+ADD\s+CONSTRAINT\s+(\w+)\s+CHECK\s*\((.*)\)\s*$", re.S | re.I)
_ADD_FK_RE = re.compile(
    r"\bALTER\s+TABLE\s+(\w+)\s+ADD\s+CONSTRAINT\s+(\w+)\s+FOREIGN\s+KEY\s*\((\w+)\)\s*"
    r"REFERENCES\s+(\w+)\s*\((\w+)\)\s*ON\s+DELETE\s+(SET\s+NULL|\w+)",
    re.I,
)
_FUNCTION_RE = re.compile(r"\bCREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\s+(\w+)\s*\(", re.I)
_PARTITION_RE = re.compile(r"\bCREATE\s+TABLE\s+(\w+)\s+PARTITION\s+OF\s+(\w+)", re.I)


@dataclass
class Column:
    name: str
    type: str  # as format_type() prints it, e.g. "numeric(5,2)"
    not_null: bool = False
    primary_key: bool = False
    serial: bool = False
    unique: bool = False
    default: str | None = None  # the documented expression, verbatim


@dataclass
class ForeignKey:
    table: str
    columns: tuple[str, ...]
    ref_table: str
    ref_columns: tuple[str, ...]
    on_delete: str  # CASCADE, SET NULL, RESTRICT or NO ACTION (PROTECT is RESTRICT)
    name: str | None = None


@dataclass
class Check:
    table: str
    expression: str
    name: str | None = None


@dataclass
class Index:
    name: str
    table: str
    columns: tuple[tuple[str, bool], ...]  # (column, descending)
    definition: str = ""  # everything after the table name: "(job_id, overall_score DESC)"


@dataclass
class Table:
    name: str
    columns: dict[str, Column] = field(default_factory=dict)
    uniques: list[tuple[str, ...]] = field(default_factory=list)


@dataclass
class Schema:
    tables: dict[str, Table]
    indexes: dict[str, Index]
    foreign_keys: list[ForeignKey]
    checks: list[Check]
    functions: list[str]
    partitions: dict[str, str]  # partition -> parent


def _statements(text: str) -> list[str]:
    text = re.sub(r"\$\$.*?\$\$", "$$ $$", text, flags=re.S)
    text = re.sub(r"--[^\n]*", "", text)
    return [s.strip() for s in text.split(";")]


def _split_top_level(body: str) -> list[str]:
    """Split a CREATE TABLE body on the commas that are not inside parentheses."""
    parts, depth, current = [], 0, []
    for char in body:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _on_delete(action: str | None) -> str:
    action = " ".join((action or "NO ACTION").upper().split())
    return "RESTRICT" if action == "PROTECT" else action


def _pg_type(doc_type: str) -> str:
    doc_type = " ".join(doc_type.upper().split())
    if doc_type.startswith("VARCHAR"):
        return "character varying" + doc_type[len("VARCHAR"):]
    if doc_type.startswith("DECIMAL"):
        return "numeric" + doc_type[len("DECIMAL"):].replace(" ", "")
    return _TYPES[doc_type]


def _balanced_check(rest: str) -> str | None:
    """The expression of an inline `CHECK (...)`, parentheses balanced."""
    match = re.search(r"\bCHECK\s*\(", rest, re.I)
    if not match:
        return None
    depth, start = 1, match.end()
    for i in range(start, len(rest)):
        depth += (rest[i] == "(") - (rest[i] == ")")
        if depth == 0:
            return rest[start:i].strip()
    raise ValueError(f"unbalanced CHECK in {rest!r}")


def _parse_table(name: str, body: str, schema: Schema) -> Table:
    table = Table(name)
    for item in _split_top_level(body):
        unique = re.fullmatch(r"UNIQUE\s*\(([^)]*)\)", item, re.I)
        if unique:
            table.uniques.append(tuple(c.strip() for c in unique.group(1).split(",")))
            continue
        match = _COLUMN_RE.match(item)
        if not match:
            raise ValueError(f"{name}: cannot parse column definition {item!r}")
        col_name, doc_type, rest = match.groups()
        default = _DEFAULT_RE.search(rest)
        column = Column(
            name=col_name,
            type=_pg_type(doc_type),
            not_null=bool(re.search(r"\bNOT\s+NULL\b", rest, re.I)),
            primary_key=bool(re.search(r"\bPRIMARY\s+KEY\b", rest, re.I)),
            serial=doc_type.upper() == "SERIAL",
            unique=bool(re.search(r"\bUNIQUE\b", rest, re.I)),
            default=default.group(1) if default else None,
        )
        table.columns[col_name] = column
        if column.unique:
            table.uniques.append((col_name,))
        ref = _REFERENCES_RE.search(rest)
        if ref:
            schema.foreign_keys.append(
                ForeignKey(name, (col_name,), ref.group(1), (ref.group(2),), _on_delete(ref.group(3)))
            )
        check = _balanced_check(rest)
        if check:
            schema.checks.append(Check(name, check))
    return table


def parse(text: str) -> Schema:
    schema = Schema({}, {}, [], [], [], {})
    for statement in _statements(text):
        if match := _PARTITION_RE.search(statement):
            schema.partitions[match.group(1)] = match.group(2)
        elif match := _CREATE_TABLE_RE.search(statement):
            schema.tables[match.group(1)] = _parse_table(match.group(1), match.group(2), schema)
        elif match := _CREATE_INDEX_RE.search(statement):
            name, table, definition, cols = match.groups()
            columns = tuple(
                (part.split()[0], len(part.split()) > 1 and part.split()[1].upper() == "DESC")
                for part in (c.strip() for c in cols.split(","))
            )
            schema.indexes[name] = Index(name, table, columns, " ".join(definition.split()))
        elif match := _ADD_CHECK_RE.search(statement):
            schema.checks.append(Check(match.group(1), match.group(3).strip(), match.group(2)))
        elif match := _ADD_FK_RE.search(statement):
            table, name, col, ref_table, ref_col, action = match.groups()
            schema.foreign_keys.append(ForeignKey(table, (col,), ref_table, (ref_col,), _on_delete(action), name))
        if match := _FUNCTION_RE.search(statement):
            schema.functions.append(match.group(1))
    return schema


@cache
def documented_schema() -> Schema:
    return parse(DOC_PATH.read_text(encoding="utf-8"))
