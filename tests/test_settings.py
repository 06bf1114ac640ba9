"""Production settings refuse to start half-configured, and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "workspace.settings.production",
    "DJANGO_SECRET_KEY": "x8Jq2mVt6Rz0LcB4nWp9Ys1Ke7Ud3Hf5Ga-Tq8Xr2Lm6Nv0Pb4Ck9Zs1Jd7Wh3",
    "DJANGO_ALLOWED_HOSTS": "workspace.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/9",
}


def manage(*args, env):
    base = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_settings(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert lines == [f"error: the environment variable {missing} must be set in production"]


def test_production_passes_the_deploy_checks_with_zero_findings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_sqlite_and_the_in_memory_channel_layer():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "workspace.E001" in result.stderr
    assert "workspace.E002" in result.stderr


def test_development_defaults_need_no_configuration():
    result = manage("check", env={"DJANGO_SETTINGS_MODULE": "workspace.settings.dev"})
    assert result.returncode == 0, result.stderr
