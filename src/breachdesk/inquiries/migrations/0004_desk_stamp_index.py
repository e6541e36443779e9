"""Index the timeline events that move the desk's figures, so that the desk stamp is one index lookup.

``selectors.desk_stamp`` asks for the incident's latest event that is not desk noise (reply drafts and edits, mailbox
polls). Without this index the database walks back over every noise event since the last real change, and a busy desk
saves drafts all day. Both PostgreSQL and SQLite use a partial index only when the query's condition matches the
index's, so the condition is the selector's ``STAMP_CONDITION`` word for word (repeated here: a migration must not
change when the code does); ``test_desk_stamp_uses_its_index`` fails if the two drift apart.
"""

from django.db import migrations

NOISE = "NOT (\"kind\" IN ('reply.drafted', 'reply.edited', 'desk.mailbox_polled'))"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_rate_counter_in_core"),
        ("inquiries", "0003_rate_counter_in_core"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f'CREATE INDEX "inq_desk_stamp" ON "core_timelineevent" ("incident_id", "seq") WHERE {NOISE}',
            reverse_sql='DROP INDEX "inq_desk_stamp"',
        ),
    ]
