"""No two active bookings of one equipment overlap, held by PostgreSQL itself: an exclusion
constraint over (equipment =, [start, end) &&) for requested and confirmed bookings. SQLite has
no exclusion constraints; there the booking action serialises writers instead."""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE platforms_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist (
    equipment_id WITH =,
    tstzrange("start", "end", '[)') WITH &&
) WHERE (state IN ('requested', 'confirmed'));
"""
DROP = "ALTER TABLE platforms_booking DROP CONSTRAINT IF EXISTS booking_no_overlap;"


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL executed only on PostgreSQL."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("platforms", "0001_initial")]

    operations = [PostgresOnlySQL(CREATE, DROP)]
