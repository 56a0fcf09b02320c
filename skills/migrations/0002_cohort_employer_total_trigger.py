"""Hold, in the database, that a cohort's employers employ no more apprentices than started.

A CHECK constraint sees one row; this rule spans a cohort and its employer rows, so it is a
constraint trigger. It is deferred to the end of the transaction so that an admin save of a
cohort and its employers (or a fixture load) is judged once everything is written.
"""

from django.db import migrations

CREATE = """
CREATE FUNCTION skills_cohort_employer_total_check() RETURNS trigger AS $$
DECLARE
    target_cohort bigint;
    started integer;
    employed bigint;
BEGIN
    IF TG_TABLE_NAME = 'skills_cohort' THEN
        target_cohort := NEW.id;
    ELSE
        target_cohort := COALESCE(NEW.cohort_id, OLD.cohort_id);
    END IF;
    SELECT apprentices_started INTO started FROM skills_cohort WHERE id = target_cohort;
    IF started IS NULL THEN
        RETURN NULL;  -- the cohort was deleted in the same transaction
    END IF;
    SELECT COALESCE(SUM(apprentices), 0) INTO employed
        FROM skills_cohortemployer WHERE cohort_id = target_cohort;
    IF employed > started THEN
        RAISE EXCEPTION 'cohort_employers_within_started: employers of cohort % have % apprentices, more than the % who started', target_cohort, employed, started
            USING ERRCODE = 'check_violation', CONSTRAINT = 'cohort_employers_within_started';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER cohort_employers_within_started
    AFTER INSERT OR UPDATE ON skills_cohortemployer
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION skills_cohort_employer_total_check();

CREATE CONSTRAINT TRIGGER cohort_started_covers_employers
    AFTER UPDATE OF apprentices_started ON skills_cohort
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION skills_cohort_employer_total_check();
"""

DROP = """
DROP TRIGGER IF EXISTS cohort_started_covers_employers ON skills_cohort;
DROP TRIGGER IF EXISTS cohort_employers_within_started ON skills_cohortemployer;
DROP FUNCTION IF EXISTS skills_cohort_employer_total_check();
"""


class Migration(migrations.Migration):
    dependencies = [("skills", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
