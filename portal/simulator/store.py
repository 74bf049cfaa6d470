"""The simulated portal's storage: a SQLite file of its own, written through the stdlib sqlite3 module."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS dossiers (
    code TEXT PRIMARY KEY,
    status INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    payload TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    status INTEGER NOT NULL,
    backfill INTEGER NOT NULL DEFAULT 0,
    payload TEXT NOT NULL,
    received_at REAL NOT NULL,
    UNIQUE (code, seq)
);
"""


class Store:
    """Applies messages in arrival order per dossier: (MaHoSo, SoThuTu) is applied once; a message older
    than the last one applied is refused as out of order unless it is a reconciliation re-send."""

    def __init__(self, path: str):
        self.path = path
        self.lock = threading.Lock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.stats = {}
        self.reset_stats()

    def reset_stats(self):
        self.stats = {"applied": 0, "duplicates": 0, "out_of_order": 0, "rejected": 0, "backfilled": 0}

    def reset(self):
        with self.lock:
            self.db.execute("DELETE FROM updates")
            self.db.execute("DELETE FROM dossiers")
            self.reset_stats()

    @staticmethod
    def _check(kind: str, item: dict) -> tuple[str, int, int] | str:
        code, seq = item.get("MaHoSo"), item.get("SoThuTu")
        status = item.get("TrangThaiHoSo" if kind == "sync" else "TrangThai")
        if not isinstance(code, str) or not code:
            return "MaHoSo is required"
        if not isinstance(seq, int) or seq < 1:
            return "SoThuTu must be a positive integer"
        if not isinstance(status, int) or not 1 <= status <= 10:
            return "TrangThaiHoSo/TrangThai must be a national status code (1-10)"
        return code, seq, status

    def apply(self, kind: str, items: list[dict]) -> list[dict]:
        results, halted = [], set()
        now = time.time()
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                for item in items:
                    results.append(self._apply_one(kind, item, halted, now))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        return results

    def _apply_one(self, kind: str, item: dict, halted: set, now: float) -> dict:
        checked = self._check(kind, item)
        if isinstance(checked, str):
            self.stats["rejected"] += 1
            return {"status": "rejected", "retryable": False, "error": checked}
        code, seq, status = checked
        answer = {"MaHoSo": code, "SoThuTu": seq}
        if code in halted:
            return {**answer, "status": "blocked", "error": "an earlier message of this dossier was refused"}
        if self.db.execute("SELECT 1 FROM updates WHERE code = ? AND seq = ?", (code, seq)).fetchone():
            self.stats["duplicates"] += 1
            return {**answer, "status": "duplicate"}
        row = self.db.execute("SELECT last_seq FROM dossiers WHERE code = ?", (code,)).fetchone()
        if row is None and kind != "sync":
            halted.add(code)
            self.stats["rejected"] += 1
            return {**answer, "status": "rejected", "retryable": True, "error": "unknown dossier: sync it first"}
        backfill = row is not None and seq < row[0]
        if backfill and not item.get("DoiSoat"):
            halted.add(code)
            self.stats["out_of_order"] += 1
            return {**answer, "status": "rejected", "retryable": False, "error": f"out of order: {seq} < {row[0]}"}
        body = json.dumps(item, ensure_ascii=False)
        self.db.execute(
            "INSERT INTO updates (code, seq, kind, status, backfill, payload, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (code, seq, kind, status, int(backfill), body, now),
        )
        if backfill:
            self.stats["backfilled"] += 1
        elif row is None:
            self.db.execute(
                "INSERT INTO dossiers (code, status, last_seq, payload, updated_at) VALUES (?, ?, ?, ?, ?)",
                (code, status, seq, body, now),
            )
        elif kind == "sync":
            self.db.execute(
                "UPDATE dossiers SET status = ?, last_seq = ?, payload = ?, updated_at = ? WHERE code = ?",
                (status, seq, body, now, code),
            )
        else:
            self.db.execute(
                "UPDATE dossiers SET status = ?, last_seq = ?, updated_at = ? WHERE code = ?",
                (status, seq, now, code),
            )
        self.stats["applied"] += 1
        return {**answer, "status": "applied"}

    # -- reading ------------------------------------------------------------------------------------
    def dossier(self, code: str) -> dict | None:
        with self.lock:
            row = self.db.execute("SELECT status, last_seq, payload FROM dossiers WHERE code = ?", (code,)).fetchone()
            if row is None:
                return None
            updates = self.db.execute(
                "SELECT id, seq, kind, status, backfill, payload FROM updates WHERE code = ? ORDER BY id", (code,)
            ).fetchall()
        return {
            "MaHoSo": code,
            "TrangThaiHoSo": row[0],
            "SoThuTuCuoi": row[1],
            "HoSo": json.loads(row[2]),
            "TienDo": [
                {"order": i, "SoThuTu": s, "kind": k, "TrangThai": st, "backfill": bool(b), "data": json.loads(p)}
                for i, s, k, st, b, p in updates
            ],
        }

    def lookup(self, codes: list[str]) -> dict:
        found: dict[str, dict] = {}
        with self.lock:
            for start in range(0, len(codes), 500):
                part = codes[start : start + 500]
                marks = ",".join("?" * len(part))
                for code, status, last in self.db.execute(
                    f"SELECT code, status, last_seq FROM dossiers WHERE code IN ({marks})", part
                ):
                    found[code] = {"TrangThaiHoSo": status, "SoThuTuCuoi": last, "seqs": []}
                for code, seq in self.db.execute(
                    f"SELECT code, seq FROM updates WHERE code IN ({marks}) ORDER BY code, seq", part
                ):
                    found.setdefault(code, {"TrangThaiHoSo": None, "SoThuTuCuoi": None, "seqs": []})["seqs"].append(seq)
        return found

    def export(self) -> list[list]:
        """Every stored message in the order it was applied: [order, code, seq, kind, status, backfill]."""
        with self.lock:
            return [
                list(r)
                for r in self.db.execute("SELECT id, code, seq, kind, status, backfill FROM updates ORDER BY id")
            ]

    def forget(self, code: str, seqs: list[int] | None) -> int:
        """Drop stored messages (a test stands in for data the portal lost)."""
        with self.lock:
            if seqs is None:
                removed = self.db.execute("DELETE FROM updates WHERE code = ?", (code,)).rowcount
                self.db.execute("DELETE FROM dossiers WHERE code = ?", (code,))
                return removed
            marks = ",".join("?" * len(seqs))
            return self.db.execute(f"DELETE FROM updates WHERE code = ? AND seq IN ({marks})", [code, *seqs]).rowcount

    def count(self) -> int:
        with self.lock:
            return self.db.execute("SELECT COUNT(*) FROM updates").fetchone()[0]
