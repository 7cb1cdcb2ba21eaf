"""Making the database say what a source says: compare first, then write the differences.

An import is a list of steps, in writing order:

- a ``Table`` of records keyed on the source's identifiers (ROME code, ESCO URI, RNCP
  number...). Records that left the source are marked ``obsolete``, never deleted, so that
  people, trainings and needs that point at them keep their references; their ``version``
  is the last version of the source that has them;
- a ``LinkSet`` of rows without an identity of their own (fiche → skill links, labels,
  many-to-many links): new rows are inserted, changed values updated, and rows that left the
  source are deleted (reported in the ``obsolete`` column).

``compare`` reads the database and says what would change (a dry run stops there); ``apply``
writes it with ``bulk_create``/``bulk_update``, ``executemany`` inserts and batched updates
and deletes that bypass the model layer (one summary audit event records the import).
Foreign keys are compared as the source's codes, so that a dry run can count rows that point
at records it has not created.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, router
from django.db.models import Model, Q

from fabrique.core.importing import Counts

BATCH_SIZE = 2000
INSERT_BATCH = 20_000
SELF = "self"

Step = Callable[[int], None]


@dataclass
class Table:
    """One model, its key within ``scope``, and the fields the import manages.

    ``foreign`` maps a managed foreign key to the table of its target (``SELF`` for the table
    itself); the values of these fields are the target's keys. A table without ``wanted``
    rows (``external``) only lends its keys to others, e.g. the ROME fiches RNCP links to.
    """

    label: str
    model: type[Model]
    fields: tuple[str, ...] = ()
    key: str = "code"
    scope: dict[str, Any] = field(default_factory=dict)
    foreign: dict[str, Table | str] = field(default_factory=dict)
    wanted: dict[Any, tuple[Any, ...]] = field(default_factory=dict)
    # Whether records absent from ``wanted`` are marked obsolete (False when the file that
    # lists them was not given: they are left as they are).
    complete: bool = True
    external: bool = False
    version: str = ""
    ids: dict[Any, int] = field(default_factory=dict)  # key -> id, as in the database
    codes: dict[int, Any] = field(default_factory=dict)  # id -> key

    def load(self) -> None:
        self.ids = dict(self.model.objects.filter(**self.scope).values_list(self.key, "id"))
        self.codes = {row_id: key for key, row_id in self.ids.items()}

    def target(self, name: str) -> Table:
        target = self.foreign[name]
        return self if isinstance(target, str) else target

    def known(self) -> set[Any]:
        """Keys a link may point at: what the source gives, or what the database holds."""
        return set(self.ids) if self.external else set(self.wanted)

    @property
    def has_obsolete(self) -> bool:
        return any(f.name == "obsolete" for f in self.model._meta.concrete_fields)

    @property
    def has_version(self) -> bool:
        return any(f.name == "version" for f in self.model._meta.concrete_fields)


@dataclass
class LinkSet:
    """Rows identified by ``columns`` (foreign keys in ``foreign`` are given as the target's
    keys), with updatable ``values``; ``scope`` selects the existing rows this import owns."""

    label: str
    model: type[Model]
    columns: tuple[str, ...]
    foreign: dict[str, Table]
    values: tuple[str, ...] = ()
    scope: Q = field(default_factory=Q)
    wanted: dict[tuple[Any, ...], tuple[Any, ...]] = field(default_factory=dict)
    managed: bool = True  # False: the file was not given, the rows are left as they are


@dataclass
class Changes:
    create: dict[Any, tuple[Any, ...]] = field(default_factory=dict)
    update: dict[int, tuple[Any, ...]] = field(default_factory=dict)  # id -> values
    unchanged: int = 0
    obsolete: list[int] = field(default_factory=list)

    def counts(self) -> Counts:
        return Counts(
            created=len(self.create),
            updated=len(self.update),
            unchanged=self.unchanged,
            obsolete=len(self.obsolete),
        )

    @property
    def size(self) -> int:
        return len(self.create) + len(self.update) + len(self.obsolete)


def _attname(model: type[Model], name: str) -> str:
    return model._meta.get_field(name).attname  # type: ignore[union-attr]


# --- tables -------------------------------------------------------------------------------------


def compare_table(table: Table) -> Changes:
    """What to create, update and mark obsolete so that ``table`` says what the source says."""
    table.load()
    for name in table.foreign:
        target = table.target(name)
        if target is not table and not target.codes:
            target.load()
    columns = [_attname(table.model, name) for name in table.fields]
    obsolete = ["obsolete"] if table.has_obsolete else []
    changes = Changes()
    existing: dict[Any, tuple[int, bool]] = {}
    for row_id, key, *rest in table.model.objects.filter(**table.scope).values_list(
        "id", table.key, *obsolete, *columns
    ):
        is_obsolete = bool(rest.pop(0)) if obsolete else False
        for position, name in enumerate(table.fields):
            if name in table.foreign and rest[position] is not None:
                rest[position] = table.target(name).codes.get(rest[position])
        existing[key] = (row_id, is_obsolete)
        values = table.wanted.get(key)
        if values is None:
            if table.complete and obsolete and not is_obsolete:
                changes.obsolete.append(row_id)
        elif is_obsolete or tuple(rest) != values:
            changes.update[row_id] = values
        else:
            changes.unchanged += 1
    changes.create = {key: values for key, values in table.wanted.items() if key not in existing}
    changes.obsolete.sort()
    return changes


def apply_table(table: Table, changes: Changes, step: Step) -> None:
    """Write the changes of one table (inside the caller's transaction)."""
    model = table.model
    attnames = [_attname(model, name) for name in table.fields]
    extra = {"obsolete": False} if table.has_obsolete else {}
    if table.has_version:
        extra["version"] = table.version
    deferred: dict[Any, Any] = {}  # key -> self-FK target key not created yet

    def resolve(values: tuple[Any, ...], key: Any = None) -> dict[str, Any]:
        result = {}
        for name, attname, value in zip(table.fields, attnames, values, strict=True):
            if name in table.foreign and value is not None:
                target = table.target(name)
                resolved = target.ids.get(value)
                if resolved is None and target is table and key is not None:
                    deferred[key] = value
                value = resolved
            result[attname] = value
        return result

    names = (table.key, *table.scope, *extra, *table.fields)
    fixed_values = (*table.scope.values(), *extra.values())
    new = [
        (key, *fixed_values, *resolve(values, key).values())
        for key, values in changes.create.items()
    ]
    insert(model, names, new, step)
    if new:
        table.load()
    self_fields = [
        (name, attname)
        for name, attname in zip(table.fields, attnames, strict=True)
        if table.foreign.get(name) == SELF
    ]
    updated = [
        (*extra.values(), *resolve(values).values(), row_id)
        for row_id, values in changes.update.items()
    ]
    update(model, (*extra, *table.fields), updated, step)
    fixed = []  # new rows that point at other new rows of the same table
    for key in deferred:
        values = changes.create[key]
        targets = [values[table.fields.index(name)] for name, _ in self_fields]
        fixed.append((*(None if t is None else table.ids.get(t) for t in targets), table.ids[key]))
    update(model, tuple(name for name, _ in self_fields), fixed, lambda count: None)
    for start in range(0, len(changes.obsolete), BATCH_SIZE):
        batch_ids = changes.obsolete[start : start + BATCH_SIZE]
        model.objects.filter(id__in=batch_ids).update(obsolete=True)
        step(len(batch_ids))
    if table.has_version and table.has_obsolete and table.complete:
        # Unchanged rows are in this version too (not counted as updated); obsolete rows keep
        # the last version that had them.
        current = model.objects.filter(**table.scope, obsolete=False)
        current.exclude(version=table.version).update(version=table.version)


def insert(
    model: type[Model], names: tuple[str, ...], rows: list[tuple[Any, ...]], step: Step
) -> None:
    """Insert rows with ``executemany`` (SQLite) or ``COPY`` (PostgreSQL, where one
    statement per row is ten times slower): much faster than ``bulk_create``. Columns the
    rows do not give take their model default (raw inserts do not apply them)."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    defaults = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in names and (f.has_default() or not f.null)
    ]
    columns = ", ".join(quote(f.column) for f in [*fields, *defaults])  # type: ignore[union-attr]
    constants = tuple(f.get_db_prep_save(f.get_default(), connection) for f in defaults)
    placeholders = ", ".join(["%s"] * (len(fields) + len(defaults)))
    # Values are plain str, int, bool or None, but for JSON: let the field prepare those.
    prepare = [
        (position, field)
        for position, field in enumerate(fields)
        if field.get_internal_type() == "JSONField"  # type: ignore[union-attr]
    ]
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            batch = rows[start : start + INSERT_BATCH]
            if prepare or constants:
                batch = [_prepared(row, prepare, connection) + constants for row in batch]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", batch
                )
            step(len(batch))


def update(
    model: type[Model], names: tuple[str, ...], rows: list[tuple[Any, ...]], step: Step
) -> None:
    """Update rows ``(*values, id)`` with ``executemany``: ``bulk_update`` builds a CASE
    expression per field and batch, slow on thousands of rows."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in names]
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)  # type: ignore[union-attr]
    pk = quote(model._meta.pk.column)  # type: ignore[union-attr]
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {pk} = %s"
    prepare = [(p, f) for p, f in enumerate(fields) if f.get_internal_type() == "JSONField"]  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), INSERT_BATCH):
            batch = [
                _prepared(row, prepare, connection) for row in rows[start : start + INSERT_BATCH]
            ]
            cursor.executemany(sql, batch)
            step(len(batch))


def _prepared(
    row: tuple[Any, ...], prepare: list[tuple[int, Any]], connection: Any
) -> tuple[Any, ...]:
    if not prepare:
        return row
    values = list(row)
    for position, model_field in prepare:
        values[position] = model_field.get_db_prep_save(values[position], connection)
    return tuple(values)


# --- link sets ----------------------------------------------------------------------------------


def compare_links(links: LinkSet) -> Changes:
    """What to insert, update and delete so that the rows say what the source says."""
    for target in links.foreign.values():
        if not target.codes:
            target.load()
    columns = [_attname(links.model, name) for name in links.columns]
    values = [_attname(links.model, name) for name in links.values]
    maps = [links.foreign[name].codes if name in links.foreign else None for name in links.columns]
    width = len(columns)
    changes = Changes()
    seen = set()
    rows = links.model.objects.filter(links.scope).values_list("pk", *columns, *values)
    for pk, *rest in rows:
        key = tuple(
            rest[i] if maps[i] is None else maps[i].get(rest[i])  # type: ignore[union-attr]
            for i in range(width)
        )
        wanted = links.wanted.get(key)
        if wanted is None or key in seen:
            changes.obsolete.append(pk)
            continue
        seen.add(key)
        if tuple(rest[width:]) != wanted:
            changes.update[pk] = wanted
        else:
            changes.unchanged += 1
    changes.create = {key: value for key, value in links.wanted.items() if key not in seen}
    return changes


def apply_links(links: LinkSet, changes: Changes, step: Step) -> None:
    model = links.model
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    maps = [links.foreign[name].ids if name in links.foreign else None for name in links.columns]
    rows = [
        (
            *(key[i] if maps[i] is None else maps[i][key[i]] for i in range(len(key))),  # type: ignore[index]
            *values,
        )
        for key, values in changes.create.items()
    ]
    insert(model, (*links.columns, *links.values), rows, step)
    with connection.cursor() as cursor:
        by_values: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for pk, values in changes.update.items():
            by_values[values].append(pk)
        for values, pks in by_values.items():
            for start in range(0, len(pks), BATCH_SIZE):
                batch_pks = pks[start : start + BATCH_SIZE]
                model.objects.filter(pk__in=batch_pks).update(
                    **dict(zip(links.values, values, strict=True))
                )
                step(len(batch_pks))
        pk_column = quote(model._meta.pk.column)  # type: ignore[union-attr]
        for start in range(0, len(changes.obsolete), BATCH_SIZE):
            batch_pks = changes.obsolete[start : start + BATCH_SIZE]
            marks = ", ".join(["%s"] * len(batch_pks))
            cursor.execute(f"DELETE FROM {table} WHERE {pk_column} IN ({marks})", batch_pks)
            step(len(batch_pks))


# --- plans --------------------------------------------------------------------------------------


def compare(step: Table | LinkSet) -> Changes | None:
    """The changes of one step; None for a step that is left alone."""
    if isinstance(step, Table):
        left_alone = step.external or (not step.complete and not step.wanted)
        return None if left_alone else compare_table(step)
    return compare_links(step) if step.managed else None


def apply(step: Table | LinkSet, changes: Changes, progress: Step) -> None:
    if isinstance(step, Table):
        apply_table(step, changes, progress)
    else:
        apply_links(step, changes, progress)


def models_of(steps: Iterable[Table | LinkSet]) -> list[type[Model]]:
    return list(dict.fromkeys(step.model for step in steps if not getattr(step, "external", 0)))


def analyze(models: list[type[Model]]) -> None:
    """Refresh PostgreSQL's statistics after a bulk load: without them, the next queries are
    planned for empty tables (a nested loop over every fiche × skill pair took minutes)."""
    if not models:
        return
    connection = connections[router.db_for_write(models[0])]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        tables = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
        cursor.execute(f"ANALYZE {tables}")


@dataclass
class Plan:
    """What one source says, ready to be compared with the database and written."""

    name: str  # the DataSource name: rome, esco, rncp, formacode, naf
    version: str
    steps: list[Table | LinkSet]
    problems: list[str] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # file -> SHA-256 of its content
    notes: dict[str, Any] = field(default_factory=dict)  # facts recorded with the version
