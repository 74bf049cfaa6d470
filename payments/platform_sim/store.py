"""The simulator's storage: transactions, the outbox of signed notifications, refunds and the
behaviour it was told to show (delays, duplicates, lost notifications). One SQLite file."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from contextlib import contextmanager

SCHEMA = """
CREATE TABLE IF NOT EXISTS txns (
    txn_id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    merchant TEXT NOT NULL,
    amount INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    dossier_code TEXT NOT NULL DEFAULT '',
    callback_url TEXT NOT NULL DEFAULT '',
    return_url TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    receipt_number TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    paid_at REAL,
    refunded_amount INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    txn_id TEXT NOT NULL,
    url TEXT NOT NULL,
    nonce TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    signature TEXT NOT NULL,
    body TEXT NOT NULL,
    due_at REAL NOT NULL,
    next_try_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    delivered_at REAL,
    last_status INTEGER,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS refunds (
    refund_reference TEXT PRIMARY KEY,
    txn_id TEXT NOT NULL,
    amount INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS behaviour (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""

DEFAULT_BEHAVIOUR = {
    "deliver": True,  # send notifications; off keeps them in the outbox for inspection
    "delay_seconds": 0.0,  # hold each notification back this long
    "duplicates": 1,  # send each notification this many times (each signed with its own nonce)
    "lose": False,  # never send the notification at all (the merchant must ask)
}


class Store:
    def __init__(self, path: str):
        self.path = path
        self.lock = threading.RLock()
        with self.connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def connect(self):
        with self.lock:
            db = sqlite3.connect(self.path, timeout=10)
            db.row_factory = sqlite3.Row
            try:
                yield db
                db.commit()
            finally:
                db.close()

    # -- behaviour ------------------------------------------------------------------------------
    def behaviour(self) -> dict:
        with self.connect() as db:
            stored = {r["key"]: json.loads(r["value"]) for r in db.execute("SELECT key, value FROM behaviour")}
        return {**DEFAULT_BEHAVIOUR, **stored}

    def set_behaviour(self, changes: dict) -> dict:
        unknown = set(changes) - set(DEFAULT_BEHAVIOUR)
        if unknown:
            raise ValueError(f"unknown behaviour: {', '.join(sorted(unknown))}")
        with self.connect() as db:
            for key, value in changes.items():
                db.execute("INSERT OR REPLACE INTO behaviour (key, value) VALUES (?, ?)", (key, json.dumps(value)))
        return self.behaviour()

    def reset_behaviour(self) -> dict:
        with self.connect() as db:
            db.execute("DELETE FROM behaviour")
        return self.behaviour()

    # -- transactions ---------------------------------------------------------------------------
    def next_number(self, name: str) -> int:
        with self.connect() as db:
            db.execute(
                "INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
                (name,),
            )
            return db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()[0]

    def txn(self, *, reference: str | None = None, txn_id: str | None = None) -> dict | None:
        with self.connect() as db:
            if reference is not None:
                row = db.execute("SELECT * FROM txns WHERE reference = ?", (reference,)).fetchone()
            else:
                row = db.execute("SELECT * FROM txns WHERE txn_id = ?", (txn_id,)).fetchone()
        return dict(row) if row else None

    def insert_txn(self, txn: dict) -> None:
        cols = ", ".join(txn)
        marks = ", ".join("?" for _ in txn)
        with self.connect() as db:
            db.execute(f"INSERT INTO txns ({cols}) VALUES ({marks})", tuple(txn.values()))

    def update_txn(self, txn_id: str, **changes) -> None:
        sets = ", ".join(f"{k} = ?" for k in changes)
        with self.connect() as db:
            db.execute(f"UPDATE txns SET {sets} WHERE txn_id = ?", (*changes.values(), txn_id))

    # -- outbox ---------------------------------------------------------------------------------
    def add_message(self, *, txn_id, url, nonce, timestamp, signature, body, due_at) -> int:
        with self.connect() as db:
            cur = db.execute(
                "INSERT INTO outbox (txn_id, url, nonce, timestamp, signature, body, due_at, next_try_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (txn_id, url, nonce, timestamp, signature, body, due_at, due_at),
            )
            return cur.lastrowid

    def messages(self, *, reference: str | None = None) -> list[dict]:
        query = "SELECT o.*, t.reference FROM outbox o JOIN txns t ON t.txn_id = o.txn_id"
        args: tuple = ()
        if reference:
            query += " WHERE t.reference = ?"
            args = (reference,)
        with self.connect() as db:
            return [dict(r) for r in db.execute(query + " ORDER BY o.id", args)]

    def due_messages(self, now: float, *, force: bool = False) -> list[dict]:
        query = "SELECT * FROM outbox WHERE delivered_at IS NULL AND attempts < 8"
        args: tuple = ()
        if not force:
            query += " AND next_try_at <= ?"
            args = (now,)
        with self.connect() as db:
            return [dict(r) for r in db.execute(query + " ORDER BY id", args)]

    def mark_attempt(self, message_id: int, *, status: int | None, error: str, delivered: bool) -> None:
        now = time.time()
        with self.connect() as db:
            row = db.execute("SELECT attempts FROM outbox WHERE id = ?", (message_id,)).fetchone()
            attempts = row["attempts"] + 1
            db.execute(
                "UPDATE outbox SET attempts = ?, last_status = ?, last_error = ?, delivered_at = ?, "
                "next_try_at = ? WHERE id = ?",
                (
                    attempts,
                    status,
                    error[:300],
                    now if delivered else None,
                    now + min(60.0, 2.0**attempts),
                    message_id,
                ),
            )

    # -- refunds --------------------------------------------------------------------------------
    def refund(self, refund_reference: str) -> dict | None:
        with self.connect() as db:
            row = db.execute("SELECT * FROM refunds WHERE refund_reference = ?", (refund_reference,)).fetchone()
        return dict(row) if row else None

    def add_refund(self, *, refund_reference, txn_id, amount, reason) -> None:
        with self.connect() as db:
            db.execute(
                "INSERT INTO refunds (refund_reference, txn_id, amount, reason, created_at) VALUES (?, ?, ?, ?, ?)",
                (refund_reference, txn_id, amount, reason, time.time()),
            )
            db.execute(
                "UPDATE txns SET refunded_amount = refunded_amount + ?, "
                "status = CASE WHEN refunded_amount + ? >= amount THEN 'refunded' ELSE status END WHERE txn_id = ?",
                (amount, amount, txn_id),
            )
