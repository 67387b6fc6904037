"""Security headers, cookies, CSRF, and a clean deploy check with production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_every_page_carries_the_security_headers(client):
    response = client.get("/connexion/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_hsts_and_secure_cookies_with_https(client, settings):
    settings.SECURE_HSTS_SECONDS = 63072000
    settings.SECURE_SSL_REDIRECT = False
    response = client.get("/connexion/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=63072000")


def test_post_without_csrf_token_is_refused(alice):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/connexion/", {"login": "x", "password": "y"}).status_code == 403
    assert strict.post("/activation/", {"code": "x"}).status_code == 403


def test_session_cookie_is_http_only_and_short_lived(client, alice, settings):
    client.post("/connexion/", {"login": alice.user.username, "password": "correct horse battery staple"})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert settings.SESSION_COOKIE_AGE <= 30 * 60 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = os.environ | {
        "CARNET_HTTPS": "true",
        "CARNET_SECRET_KEY": "k" * 20 + "Zq8#v2!mX9@pL4$wR7^tY1&uI6*oP3(aS5)dF0_gH" + "j" * 10,
        "CARNET_DEBUG": "false",
        "CARNET_ALLOWED_HOSTS": "carnet.example.org",
        "CARNET_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "carnet.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_a_short_secret_key(tmp_path):
    env = os.environ | {
        "CARNET_HTTPS": "true",
        "CARNET_SECRET_KEY": "short",
        "CARNET_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "CARNET_SECRET_KEY" in result.stderr
