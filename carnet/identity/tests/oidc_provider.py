"""A small but real OpenID Connect provider, run as its own process by the sign-in tests.

It does what Pro Santé Connect and FranceConnect do on the wire: discovery, published keys (JWKS),
authorization code bound to PKCE S256, client authentication by ``private_key_jwt`` (RFC 7523, checked
with joserfc, Authlib's JOSE library) or by client secret, signed id_tokens and a userinfo endpoint.
The person who "signs in" at the provider, and how the provider misbehaves (wrong audience, expired or
unsigned id_token, a nonce from an earlier sign-in), are set by the test through ``POST /_control``.

    python -m carnet.identity.tests.oidc_provider PORT CLIENT_ID (--public-key PEM | --secret S)
"""

import argparse
import base64
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey, import_key

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class Provider:
    def __init__(self, issuer: str, client_id: str, public_key: str, secret: str):
        self.issuer, self.client_id, self.secret = issuer, client_id, secret
        self.client_key = import_key(Path(public_key).read_bytes(), "RSA") if public_key else None
        self.key = RSAKey.generate_key(2048, parameters={"kid": "provider-1", "use": "sig"}, private=True)
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "provider-1"}, private=True)
        self.codes, self.tokens, self.lock = {}, {}, threading.Lock()
        self.control = {"mode": "normal", "claims": {"sub": "person-1"}}
        self.last_authorize, self.previous_nonce, self.last_nonce = {}, "", ""

    def metadata(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": [
                "private_key_jwt",
                "client_secret_basic",
                "client_secret_post",
            ],
        }

    def authorize(self, query: dict) -> tuple[int, dict]:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code":
            return 400, {"error": "unauthorized_client"}
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, {"error": "invalid_request", "error_description": "PKCE S256 required"}
        self.last_authorize = query
        self.previous_nonce, self.last_nonce = self.last_nonce, query.get("nonce", "")
        code = secrets.token_urlsafe(16)
        with self.lock:
            self.codes[code] = {**query, "claims": dict(self.control["claims"]), "at": time.time()}
        target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"
        return 302, {"Location": target}

    def _client_ok(self, form: dict, headers) -> bool:
        if form.get("client_assertion_type") == ASSERTION_TYPE and self.client_key is not None:
            try:
                token = jwt.decode(form.get("client_assertion", ""), self.client_key, algorithms=["RS256"])
                jwt.JWTClaimsRegistry(
                    iss={"essential": True, "value": self.client_id},
                    sub={"essential": True, "value": self.client_id},
                    aud={"essential": True, "value": f"{self.issuer}/token"},
                    exp={"essential": True},
                ).validate(token.claims)
            except Exception:  # noqa: BLE001  (any bad assertion is an invalid client)
                return False
            return True
        if self.secret:
            basic = headers.get("Authorization", "")
            if basic.startswith("Basic "):
                client, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
                return client == self.client_id and secrets.compare_digest(secret, self.secret)
            return form.get("client_id") == self.client_id and form.get("client_secret") == self.secret
        return False

    def token(self, form: dict, headers) -> tuple[int, dict]:
        if not self._client_ok(form, headers):
            return 401, {"error": "invalid_client"}
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant["redirect_uri"] != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        if create_s256_code_challenge(form.get("code_verifier", "")) != grant["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier mismatch"}
        access = secrets.token_urlsafe(24)
        self.tokens[access] = grant["claims"]
        return 200, {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self._id(grant),
        }

    def _id(self, grant: dict) -> str:
        mode, now = self.control["mode"], int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": grant["claims"]["sub"],
            "aud": "another-client" if mode == "wrong_audience" else self.client_id,
            "iat": now - 7200 if mode == "expired" else now,
            "exp": now - 3600 if mode == "expired" else now + 300,
            "nonce": self.previous_nonce if mode == "stale_nonce" else grant.get("nonce", ""),
            "acr": "eidas0" if mode == "weak_acr" else grant.get("acr_values", ""),
        }
        if mode == "unsigned":
            part = lambda value: base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()  # noqa: E731
            return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."
        key = self.other_key if mode == "bad_signature" else self.key
        return jwt.encode({"alg": "RS256", "kid": "provider-1"}, claims, key)

    def userinfo(self, headers) -> tuple[int, dict]:
        claims = self.tokens.get(headers.get("Authorization", "").removeprefix("Bearer "))
        return (200, claims) if claims is not None else (401, {"error": "invalid_token"})


def handler_for(provider: Provider):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            return

        def _send(self, status: int, body: dict):
            if status == 302:
                self.send_response(302)
                self.send_header("Location", body["Location"])
                self.end_headers()
                return
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlparse(self.path)
            query = {name: values[0] for name, values in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                return self._send(200, provider.metadata())
            if url.path == "/jwks":
                return self._send(200, KeySet([provider.key]).as_dict(private=False))
            if url.path == "/authorize":
                return self._send(*provider.authorize(query))
            if url.path == "/userinfo":
                return self._send(*provider.userinfo(self.headers))
            if url.path == "/_control":
                return self._send(200, {**provider.control, "last_authorize": provider.last_authorize})
            if url.path == "/_control/id_token":  # a well-formed id_token for this nonce, as /token signs it
                claims = {
                    "claims": {"sub": "person-1"},
                    "nonce": query.get("nonce", ""),
                    "acr_values": "eidas1",
                }
                return self._send(200, {"id_token": provider._id(claims)})
            return self._send(404, {"error": "not_found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode()
            if self.path == "/_control":
                provider.control.update(json.loads(raw))
                return self._send(200, provider.control)
            form = {name: values[0] for name, values in parse_qs(raw).items()}
            if self.path == "/token":
                return self._send(*provider.token(form, self.headers))
            return self._send(404, {"error": "not_found"})

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("client_id")
    parser.add_argument("--public-key", default="")
    parser.add_argument("--secret", default="")
    args = parser.parse_args()
    provider = Provider(f"http://127.0.0.1:{args.port}", args.client_id, args.public_key, args.secret)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(provider))
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
