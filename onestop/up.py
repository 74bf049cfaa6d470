"""`make up`: prepare the embedded default (migrate, seed the demo, collect the static files) and run every
process of the system (web through gunicorn with WhiteNoise, Celery worker and beat, the simulated national
portal and payment platform) in one terminal. DEBUG stays off, as in production; the demo's secrets are made
here: a signing key kept in the data directory, and the simulators' shared keys (a deployment sets its own)."""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)


def demo_secrets() -> None:
    """The secrets the system checks require with DEBUG off, for this machine's demo only."""
    data = Path(os.environ.get("ONESTOP_DATA_DIR", ROOT / "var"))
    data.mkdir(parents=True, exist_ok=True)
    key_file = data / "secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    os.environ.setdefault("SECRET_KEY", key_file.read_text().strip())
    os.environ.setdefault("PAYMENT_SECRET", "onestop-dev-payment-secret")
    os.environ.setdefault("PORTAL_PASSWORD", "onestop-dev-password")
    os.environ.setdefault("PORTAL_SIGNING_SECRET", "onestop-dev-signing-secret")
    os.environ.setdefault("EID_CLIENT_SECRET", "onestop-dev-eid-secret")
    os.environ.setdefault("EID_POPULATION_TOKEN", "onestop-dev-population-token")


def demo_citizens() -> str:
    """How the demo citizens sign in: through the simulated e-identity, picking one of them on its page."""
    from citizen.eid_sim.people import PEOPLE

    lines = ["Công dân thử: Dịch vụ công → Đăng nhập bằng định danh điện tử, rồi chọn một người (không mật khẩu):"]
    for person in PEOPLE:
        who = f"{person['org_name']} (đại diện {person['name']})" if person["kind"] == "business" else person["name"]
        lines.append(f"  {person['id_number']}  {who}")
    return "\n".join(lines) + "\n"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
    demo_secrets()
    web = os.environ.setdefault("WEB_PORT", "8000")
    portal = os.environ.setdefault("PORTAL_PORT", "8090")
    payment = os.environ.setdefault("PAYMENT_PORT", "8091")
    eid = os.environ.setdefault("EID_PORT", "8092")
    # Every process (web, worker, simulators) inherits these, so they find each other on any ports.
    os.environ.setdefault("PORTAL_URL", f"http://127.0.0.1:{portal}")
    os.environ.setdefault("PAYMENT_PLATFORM_URL", f"http://127.0.0.1:{payment}")
    os.environ.setdefault("EID_URL", f"http://127.0.0.1:{eid}")
    os.environ.setdefault("SITE_URL", f"http://127.0.0.1:{web}")
    os.environ.setdefault("PAYMENT_CALLBACK_URL", f"http://127.0.0.1:{web}/api/v1/payments/callback/")
    os.environ.setdefault("PAYMENT_RETURN_URL", f"http://127.0.0.1:{web}/dich-vu-cong/thanh-toan/ket-qua/")
    manage("migrate", "--noinput", "-v", "0")
    manage("seed_demo")
    manage("collectstatic", "--noinput", "-v", "0")
    print(
        "\nonestop is starting:\n"
        f"  Trang chủ            http://127.0.0.1:{web}/\n"
        f"  Dịch vụ công         http://127.0.0.1:{web}/dich-vu-cong/\n"
        f"  Tra cứu hồ sơ        http://127.0.0.1:{web}/tra-cuu/\n"
        f"  Cán bộ (một cửa)     http://127.0.0.1:{web}/can-bo/\n"
        f"  Quản trị (admin)     http://127.0.0.1:{web}/admin/\n"
        f"  API docs             http://127.0.0.1:{web}/api/docs/\n"
        f"  Health               http://127.0.0.1:{web}/healthz\n"
        f"  Cổng DVC (mô phỏng)  http://127.0.0.1:{portal}/\n"
        f"  Thanh toán (mô phỏng) http://127.0.0.1:{payment}/\n"
        f"  Định danh (mô phỏng) http://127.0.0.1:{eid}/\n"
        f"{demo_citizens()}"
        "Demo logins are listed above. Ctrl+C stops everything.\n",
        flush=True,
    )
    honcho = shutil.which("honcho", path=str(Path(sys.executable).parent)) or "honcho"
    os.chdir(ROOT)
    os.execv(honcho, [honcho, "-f", "Procfile", "start"])


if __name__ == "__main__":
    main()
