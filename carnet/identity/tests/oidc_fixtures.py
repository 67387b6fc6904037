"""Start the test OpenID Connect provider (``oidc_provider.py``) in its own process; point carnet at it."""

import subprocess
import sys

import requests
from joserfc.jwk import RSAKey

PORTS = range(8131, 8140)  # this suite's loopback port range


class ProviderProcess:
    """One provider process on a free loopback port; ``control`` sets who signs in and how it misbehaves."""

    def __init__(self, directory, client_id: str = "carnet-test", secret: str = ""):
        self.client_id, self.secret = client_id, secret
        key = RSAKey.generate_key(2048, private=True)
        self.private_key = directory / "client-private.pem"
        self.private_key.write_bytes(key.as_pem(private=True))
        public = directory / "client-public.pem"
        public.write_bytes(key.as_pem(private=False))
        auth = ["--secret", secret] if secret else ["--public-key", str(public)]
        for port in PORTS:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "carnet.identity.tests.oidc_provider", str(port), client_id, *auth],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            if self.process.stdout.readline().strip() == "ready":
                self.issuer = f"http://127.0.0.1:{port}"
                return
            self.process.wait(timeout=10)
        raise RuntimeError("no free port for the test OpenID Connect provider")

    def control(self, **changes) -> dict:
        return requests.post(f"{self.issuer}/_control", json=changes, timeout=5).json()

    def last_authorize(self) -> dict:
        return requests.get(f"{self.issuer}/_control", timeout=5).json()["last_authorize"]

    def settings_for(self, **overrides) -> dict:
        values = {
            "issuer": self.issuer,
            "client_id": self.client_id,
            "client_secret": self.secret,
            "private_key_file": "" if self.secret else str(self.private_key),
            "auth_method": "client_secret_basic" if self.secret else "private_key_jwt",
            "scopes": "openid scope_all",
            "acr_values": "eidas1",
            "id_claim": "SubjectNameID",
            "id_prefix": "8",
            "timeout": 5,
        }
        return {**values, **overrides}

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()


def follow_provider(client, start_url: str) -> tuple[str, dict]:
    """Open carnet's start address, let the provider answer, and return carnet's callback (path, query)."""
    to_provider = client.get(start_url)
    assert to_provider.status_code == 302, to_provider.content
    answer = requests.get(to_provider["Location"], allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    back = answer.headers["Location"]
    path, _, query = back.partition("?")
    return path.replace("http://testserver", ""), dict(item.split("=", 1) for item in query.split("&"))
