"""`make up` (onestop.up) prints how the demo citizens sign in, and runs the e-identity simulator beside the
other processes."""

import os
from pathlib import Path

from citizen.eid_sim.people import PEOPLE
from onestop import up


def test_make_up_prints_the_demo_citizens_sign_in(tmp_path, monkeypatch, capsys):
    ran, started = [], []
    monkeypatch.setattr(os, "environ", {**os.environ, "ONESTOP_DATA_DIR": str(tmp_path)})  # its settings stay here
    monkeypatch.setattr(up, "manage", lambda *args: ran.append(args))
    monkeypatch.setattr(os, "chdir", lambda path: None)
    monkeypatch.setattr(os, "execv", lambda path, args: started.append(args))

    up.main()

    printed = capsys.readouterr().out
    assert [args[0] for args in ran] == ["migrate", "seed_demo", "collectstatic"]
    assert started and started[0][-2:] == ["Procfile", "start"]
    assert "Định danh (mô phỏng) http://127.0.0.1:8092/" in printed
    assert "Đăng nhập bằng định danh điện tử" in printed
    assert len(PEOPLE) >= 2
    for person in PEOPLE:
        assert f"  {person['id_number']}  " in printed
        assert person["name"] in printed
    procfile = (Path(up.ROOT) / "Procfile").read_text()
    assert "eid: python manage.py eid_sim" in procfile and "beat: celery -A onestop beat" in procfile
