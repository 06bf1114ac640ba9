"""Prove that a PostgreSQL backup restores: dump, restore into a scratch database, compare.

Used by `manage.py backup_check`. Compares, table by table, the row count and a checksum of
the rows (ordered by primary key) of the workspace's own data and Wagtail's pages and
revisions, so a dump that silently lost or changed rows fails loudly.
"""

import hashlib
import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass

import psycopg
from django.apps import apps
from django.db import connection

CHECKED_APPS = ("accounts", "site", "discussions", "meetings", "workplans")
CHECKED_MODELS = ("wagtailcore.Page", "wagtailcore.Revision", "auth.Group", "wagtailcore.GroupPagePermission")


class BackupCheckError(Exception):
    pass


@dataclass(frozen=True)
class TableFingerprint:
    table: str
    rows: int
    checksum: str


def checked_tables():
    models = [model for label in CHECKED_APPS for model in apps.get_app_config(label).get_models()]
    models += [apps.get_model(label) for label in CHECKED_MODELS]
    return sorted({(model._meta.db_table, model._meta.pk.column) for model in models if model._meta.managed})


def fingerprint(cursor, tables):
    result = []
    for table, pk in tables:
        cursor.execute(f'SELECT t::text FROM "{table}" AS t ORDER BY "{pk}"')
        digest = hashlib.sha256()
        rows = 0
        for (row,) in cursor.fetchall():
            digest.update(row.encode())
            rows += 1
        result.append(TableFingerprint(table, rows, digest.hexdigest()))
    return result


def _libpq_env(settings_dict):
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    return env


def _run(command, env):
    completed = subprocess.run(command, env=env, capture_output=True, text=True)
    if completed.returncode != 0:
        raise BackupCheckError(f"{command[0]} failed: {completed.stderr.strip().splitlines()[-1:]}")


def check_backup(*, keep_dump=None):
    """Dump the database, restore it into a scratch database, and compare every checked table.

    Returns the list of fingerprints; raises BackupCheckError naming the first difference.
    The scratch database is always dropped.
    """
    if connection.vendor != "postgresql":
        raise BackupCheckError("backup_check needs PostgreSQL (DATABASE_URL=postgres://…).")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            raise BackupCheckError(f"{tool} is not installed (apt-get install postgresql-client).")
    settings_dict = connection.settings_dict
    env = _libpq_env(settings_dict)
    tables = checked_tables()
    scratch = f"backup_check_{uuid.uuid4().hex[:12]}"
    with tempfile.TemporaryDirectory() as directory:
        dump = keep_dump or os.path.join(directory, "workspace.dump")
        # The fingerprint and the dump read one exported snapshot, so writes made meanwhile
        # by a live site cannot make them differ.
        with psycopg.connect(dbname=settings_dict["NAME"], **_connect_kwargs(settings_dict)) as source:
            source.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = source.execute("SELECT pg_export_snapshot()").fetchone()[0]
            before = fingerprint(source.cursor(), tables)
            _run(["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", dump, settings_dict["NAME"]], env)
            source.rollback()
        admin = psycopg.connect(dbname="postgres", autocommit=True, **_connect_kwargs(settings_dict))
        try:
            admin.execute(f'CREATE DATABASE "{scratch}"')
            try:
                _run(["pg_restore", "--no-owner", "-d", scratch, dump], env)
                with psycopg.connect(dbname=scratch, **_connect_kwargs(settings_dict)) as restored:
                    after = fingerprint(restored.cursor(), tables)
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        finally:
            admin.close()
    for original, copy in zip(before, after, strict=True):
        if original != copy:
            raise BackupCheckError(
                f"{original.table}: {original.rows} rows before, {copy.rows} after the restore, or different content"
            )
    return before


def _connect_kwargs(settings_dict):
    return {
        key: value
        for key, value in {
            "host": settings_dict.get("HOST"),
            "port": settings_dict.get("PORT"),
            "user": settings_dict.get("USER"),
            "password": settings_dict.get("PASSWORD"),
        }.items()
        if value
    }
