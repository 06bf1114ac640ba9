import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import make_member
from workspace.site import backups
from workspace.site.setup import setup_workspace


@pytest.mark.django_db(transaction=True)
def test_backup_check_restores_identically_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("backup_check runs against PostgreSQL (CI's second run)")
    setup_workspace()
    make_member("focal_point", government_code="GT")
    out = io.StringIO()
    call_command("backup_check", stdout=out)
    assert "restores identically" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_backup_check_notices_a_restore_that_differs(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("backup_check runs against PostgreSQL (CI's second run)")
    setup_workspace()
    real = backups.fingerprint
    calls = []

    def lossy(cursor, tables):
        result = real(cursor, tables)
        calls.append(1)
        if len(calls) == 2:  # the restored copy "lost" a page
            result[0] = backups.TableFingerprint(result[0].table, result[0].rows - 1, "x")
        return result

    monkeypatch.setattr(backups, "fingerprint", lossy)
    with pytest.raises(CommandError, match="before"):
        call_command("backup_check", stdout=io.StringIO())


def test_backup_check_refuses_sqlite_with_one_readable_line(db):
    if connection.vendor == "postgresql":
        pytest.skip("this is about the SQLite default")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("backup_check", stdout=io.StringIO())
