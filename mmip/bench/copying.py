"""Writing many rows at once with PostgreSQL's COPY, for the synthetic record.

bulk_create() builds an INSERT of arrays for each batch, and psycopg spends most of its
time putting every value of every row into those arrays in Python; COPY streams the rows
instead, several times faster for the tens of thousands of updates a large record has. Each
object gets its primary key from the table's own sequence first, so that what points at it
can be written next, and it is written exactly as given: a created_at set on it stays, where
an INSERT through Django would replace it with now (auto_now_add).
"""

from django.db import connection, connections, models

# Fields whose Python value psycopg writes as it is: preparing each value through the field
# (get_db_prep_save) returns it unchanged, and cost as much as the rest of the copy.
AS_THEY_ARE = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.DateField,
    models.DecimalField,
)


def _key_of_related(obj: models.Model, field: models.Field):
    """The key a foreign key holds, taken from the object it was given if that object was
    saved after being assigned (as Django does when it saves)."""
    value = getattr(obj, field.attname)
    if value is None and field.is_cached(obj):
        related = field.get_cached_value(obj)
        value = related.pk if related is not None else None
        setattr(obj, field.attname, value)
    return value


def copy_in(model: type[models.Model], objs: list[models.Model]) -> list[models.Model]:
    """Inserts the objects with COPY, giving each its primary key. No signal is sent and no
    save() or pre_save() runs, as with bulk_create(): the caller gives every value."""
    if not objs:
        return objs
    meta = model._meta
    database = connections[connection.alias]
    quote = database.ops.quote_name
    fields = [
        field for field in meta.concrete_fields if not isinstance(field, models.GeneratedField)
    ]
    keys = [field for field in fields if field.is_relation]
    # (attribute, how to prepare its value, or None to write it as it is)
    columns_of = [
        (
            field.attname,
            None if field.is_relation or isinstance(field, AS_THEY_ARE) else field.get_db_prep_save,
        )
        for field in fields
    ]
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (key,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = key
        columns = ", ".join(quote(field.column) for field in fields)
        # The psycopg cursor beneath Django's wrapper, which has no copy().
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                for field in keys:
                    _key_of_related(obj, field)
                values = obj.__dict__
                copy.write_row(
                    [
                        values[name] if prepare is None else prepare(values[name], database)
                        for name, prepare in columns_of
                    ]
                )
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def copy_links(relation, pairs) -> int:
    """Inserts many-to-many links with COPY: relation is the ManyToManyField's descriptor
    (Model.field), pairs (owner id, linked id)."""
    through = relation.through
    own = through._meta.get_field(relation.field.m2m_field_name()).column
    other = through._meta.get_field(relation.field.m2m_reverse_field_name()).column
    quote = connection.ops.quote_name
    count = 0
    with connection.cursor() as cursor:
        statement = (
            f"COPY {quote(through._meta.db_table)} ({quote(own)}, {quote(other)}) FROM STDIN"
        )
        with cursor.cursor.copy(statement) as copy:
            for pair in pairs:
                copy.write_row(pair)
                count += 1
    return count
