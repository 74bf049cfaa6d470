"""The simulated national e-identity over HTTP (stdlib http.server; no Django).

OpenID Connect provider, authorization-code flow with PKCE (S256), ID tokens signed RS256 (joserfc):
  GET  /.well-known/openid-configuration   discovery
  GET  /jwks.json                          the public signing key
  GET  /authorize                          the sign-in page: pick a demo citizen or business
  POST /authorize                          the pick; back to the client's redirect_uri with code and state
  POST /token                              code + code_verifier (client_secret_basic or _post) → tokens
  GET  /userinfo                           the claims, with the access token
Population database (bearer token):
  GET  /api/population/<id_number>         what the state knows of a person
  GET  /healthz
"""

from __future__ import annotations

import base64
import html
import json
import logging
import secrets
import threading
import time
import urllib.parse
from http import HTTPStatus
from pathlib import Path

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.jwk import RSAKey

from onestop.simhttp import JsonHandler, make_server

from .people import BY_ID, PEOPLE, claims_of

logger = logging.getLogger("onestop.eid.sim")
CODE_SECONDS = 120
TOKEN_SECONDS = 3600


def load_key(path: Path | None) -> RSAKey:
    """The signing key, kept in `path` so that a restart keeps the tokens the clients hold verifiable."""
    if path is not None and path.exists():
        return RSAKey.import_key(json.loads(path.read_text()))
    key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(6), "use": "sig", "alg": "RS256"})
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(key.as_dict(private=True)))
        path.chmod(0o600)
    return key


class Provider:
    """The provider's behaviour, independent of HTTP: one registered client, codes and tokens in memory."""

    def __init__(self, *, key: RSAKey, client_id: str, client_secret: str, population_token: str):
        self.key = key
        self.client_id = client_id
        self.client_secret = client_secret
        self.population_token = population_token
        self._codes: dict[str, dict] = {}
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def metadata(self, issuer: str) -> dict:
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "jwks_uri": f"{issuer}/jwks.json",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile", "email", "phone", "address"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": sorted({claim for person in PEOPLE for claim in claims_of(person)}),
        }

    def jwks(self) -> dict:
        return {"keys": [self.key.as_dict(private=False)]}

    # -- authorization ---------------------------------------------------------------------------------
    def check_request(self, params: dict) -> str | None:
        """What is wrong with an authorization request, or None."""
        if params.get("client_id") != self.client_id:
            return "unknown client_id"
        if params.get("response_type") != "code":
            return "response_type must be code"
        if "openid" not in params.get("scope", "").split():
            return "scope must include openid"
        if not params.get("redirect_uri", "").startswith(("http://", "https://")):
            return "redirect_uri is required"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "PKCE with code_challenge_method=S256 is required"
        return None

    def authorize(self, params: dict, id_number: str) -> str:
        """The redirect back to the client with a one-time code for the person picked."""
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {
                "id_number": id_number,
                "client_id": params["client_id"],
                "redirect_uri": params["redirect_uri"],
                "nonce": params.get("nonce", ""),
                "code_challenge": params["code_challenge"],
                "expires": time.time() + CODE_SECONDS,
            }
        query = {"code": code}
        if params.get("state"):
            query["state"] = params["state"]
        sep = "&" if "?" in params["redirect_uri"] else "?"
        return f"{params['redirect_uri']}{sep}{urllib.parse.urlencode(query)}"

    # -- tokens ------------------------------------------------------------------------------------------
    def token(self, form: dict, authorization: str, issuer: str) -> tuple[int, dict]:
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        if authorization.startswith("Basic "):
            try:
                raw = base64.b64decode(authorization[6:]).decode()
            except ValueError:
                raw = ":"
            client_id, _, client_secret = (urllib.parse.unquote(p) for p in raw.partition(":"))
        if client_id != self.client_id or not secrets.compare_digest(client_secret, self.client_secret):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            grant = self._codes.pop(form.get("code", ""), None)  # a code is used once
        if grant is None or grant["expires"] < time.time() or grant["client_id"] != client_id:
            return 400, {"error": "invalid_grant", "error_description": "unknown, used or expired code"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri differs"}
        verifier = form.get("code_verifier", "")
        if not verifier or not secrets.compare_digest(create_s256_code_challenge(verifier), grant["code_challenge"]):
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        now = int(time.time())
        person = BY_ID[grant["id_number"]]
        claims = {**claims_of(person), "iss": issuer, "aud": client_id, "iat": now, "exp": now + TOKEN_SECONDS}
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        id_token = jwt.encode({"alg": "RS256", "kid": self.key.kid}, claims, self.key)
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[access_token] = (person["id_number"], now + TOKEN_SECONDS)
        return 200, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_SECONDS,
            "scope": "openid profile email phone address",
            "id_token": id_token,
        }

    def userinfo(self, authorization: str) -> tuple[int, dict]:
        token = authorization.removeprefix("Bearer ").strip()
        with self._lock:
            held = self._tokens.get(token)
        if held is None or held[1] < time.time():
            return 401, {"error": "invalid_token"}
        return 200, claims_of(BY_ID[held[0]])

    def population(self, id_number: str, authorization: str) -> tuple[int, dict]:
        if not secrets.compare_digest(authorization, f"Bearer {self.population_token}"):
            return 401, {"error": "unauthorized", "message": "a valid bearer token is required"}
        person = BY_ID.get(id_number)
        if person is None:
            return 404, {"error": "not_found", "message": "no person with this identification number"}
        record = {k: v for k, v in person.items() if k not in {"email", "phone_number"}}
        return 200, record


def login_page(params: dict, error: str = "") -> str:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in sorted(params.items())
    )
    people = "".join(
        f'<li><button type="submit" name="id_number" value="{p["id_number"]}">'
        f"<strong>{html.escape(p.get('org_name') or p['name'])}</strong>"
        f"<span>{'Doanh nghiệp — đại diện ' + html.escape(p['name']) if p['kind'] == 'business' else 'Công dân'}"
        f" · số định danh {p['id_number']}</span></button></li>"
        for p in PEOPLE
    )
    problem = f'<p role="alert" class="error">{html.escape(error)}</p>' if error else ""
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Định danh điện tử (mô phỏng) — Đăng nhập</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;background:#f3f4f6;color:#111}}
header{{background:#b91c1c;color:#fff;padding:1rem}} main{{max-width:32rem;margin:1rem auto;padding:0 1rem}}
ul{{list-style:none;padding:0}} li{{margin:.5rem 0}} button{{width:100%;text-align:left;padding:.9rem;
font-size:1rem;border:1px solid #9ca3af;border-radius:.5rem;background:#fff;cursor:pointer}}
button:focus{{outline:3px solid #1d4ed8}} button span{{display:block;color:#374151;font-size:.9rem}}
.error{{color:#991b1b}}</style></head><body>
<header><strong>Hệ thống định danh và xác thực điện tử (mô phỏng)</strong></header>
<main><h1>Đăng nhập bằng tài khoản định danh điện tử</h1>{problem}
<p>Chọn người dùng thử để đăng nhập:</p>
<form method="post" action="/authorize">{hidden}<ul>{people}</ul></form></main></body></html>"""


class Handler(JsonHandler):
    provider: Provider
    logger = logger

    def _issuer(self) -> str:
        host = self.headers.get("Host") or f"{self.server.server_address[0]}:{self.server.server_address[1]}"
        return f"http://{host}"

    def _redirect(self, location: str) -> None:
        self._send(HTTPStatus.FOUND, "text/plain; charset=utf-8", b"", [("Location", location)])

    def _form(self) -> dict:
        return dict(urllib.parse.parse_qsl(self.read_body().decode(), keep_blank_values=True))

    def do_GET(self):  # noqa: N802 - the stdlib's name
        url = urllib.parse.urlsplit(self.path)
        auth = self.headers.get("Authorization", "")
        if url.path == "/.well-known/openid-configuration":
            self.send_json(200, self.provider.metadata(self._issuer()))
        elif url.path == "/jwks.json":
            self.send_json(200, self.provider.jwks())
        elif url.path == "/authorize":
            params = dict(urllib.parse.parse_qsl(url.query))
            problem = self.provider.check_request(params)
            if problem:
                self.send_html(400, f"<!doctype html><p>Yêu cầu đăng nhập không hợp lệ: {html.escape(problem)}</p>")
            else:
                self.send_html(200, login_page(params))
        elif url.path == "/userinfo":
            self.send_json(*self.provider.userinfo(auth))
        elif url.path.startswith("/api/population/"):
            self.send_json(*self.provider.population(url.path.rsplit("/", 1)[-1], auth))
        elif url.path == "/healthz":
            self.send_json(200, {"status": "ok"})
        else:
            self.send_json(404, {"error": "not_found"})

    def do_POST(self):  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/authorize":
            params = self._form()
            id_number = params.pop("id_number", "")
            problem = self.provider.check_request(params)
            if problem:
                self.send_html(400, f"<!doctype html><p>Yêu cầu đăng nhập không hợp lệ: {html.escape(problem)}</p>")
            elif id_number not in BY_ID:
                self.send_html(400, login_page(params, "Hãy chọn một người dùng."))
            else:
                self._redirect(self.provider.authorize(params, id_number))
        elif url.path == "/token":
            status, body = self.provider.token(self._form(), self.headers.get("Authorization", ""), self._issuer())
            self.send_json(status, body, [("Cache-Control", "no-store")])
        else:
            self.send_json(404, {"error": "not_found"})


def build_server(*, host: str, port: int, provider: Provider):
    return make_server(Handler, host, port, provider=provider)


def serve(*, host: str, port: int, provider: Provider) -> None:
    httpd = build_server(host=host, port=port, provider=provider)
    logger.info("e-identity simulator on http://%s:%s/", host, port)
    httpd.serve_forever()
