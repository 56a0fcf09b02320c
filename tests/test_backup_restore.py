"""make backup and make restore round-trip the whole record, and a bad restore changes nothing."""

from glob import glob
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from funding.models import Award
from workstreams.models import Workstream


def dump_record() -> str:
    out = StringIO()
    call_command("dumpdata", "mmip", "workstreams", "funding", "skills", "auth.group", stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_the_whole_record(tmp_path):
    call_command("loaddata", *sorted(glob("fixtures/*.json")), verbosity=0)
    before = dump_record()
    dump = tmp_path / "record.dump"
    call_command("backup", output=dump, verbosity=0)
    assert dump.stat().st_size > 0

    Award.objects.filter(identifier="360G-MMIP-2018-ATMA").update(title="Changed after backup")
    Workstream.objects.filter(slug="skills").update(is_published=False)
    assert dump_record() != before

    call_command("restore", dump, verbosity=0)
    assert dump_record() == before


@pytest.mark.django_db(transaction=True)
def test_restoring_a_broken_file_changes_nothing(tmp_path):
    call_command("loaddata", *sorted(glob("fixtures/*.json")), verbosity=0)
    before = dump_record()
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"PGDMP this is not a real dump")
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("restore", broken, verbosity=0)
    assert dump_record() == before


def test_restoring_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="There is no backup at"):
        call_command("restore", tmp_path / "missing.dump", verbosity=0)
