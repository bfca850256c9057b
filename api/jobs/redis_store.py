"""Jobs in Redis: one JSON record per job, its request and its result beside it, all of
them expiring with the job (`PXAT` its expiry: Redis deletes them itself, participant
data included), a set of the jobs still active, and the idempotency keys, each expiring
with its job. Record changes are optimistic transactions (`WATCH`), so any number of
services and workers may change the same job."""

from __future__ import annotations

import json
from typing import Any

from redis import Redis, WatchError

from api.jobs.model import ENDED
from api.jobs.store import Expect, matches

PREFIX = "binome:"
ACTIVE = PREFIX + "jobs:active"
STATS = PREFIX + "jobs:stats"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _key(job_id: str, part: str = "") -> str:
    return f"{PREFIX}job:{job_id}{part}"


class RedisStore:
    def __init__(self, redis: Redis) -> None:
        self.redis = redis

    def create(self, record: dict[str, Any], request: bytes, key: str | None) -> dict[str, Any]:
        until = int(record["expires"] * 1000)
        if key is not None:
            held = PREFIX + "key:" + key
            if not self.redis.set(held, record["id"], nx=True, pxat=until):
                other = self.redis.get(held)
                found = self.get(_text(other)) if other else None
                if found is not None:
                    return found
                self.redis.set(held, record["id"], pxat=until)
        pipe = self.redis.pipeline()
        pipe.set(_key(record["id"]), json.dumps(record), pxat=until)
        pipe.set(_key(record["id"], ":request"), request, pxat=until)
        pipe.sadd(ACTIVE, record["id"])
        pipe.execute()
        return record

    def get(self, job_id: str) -> dict[str, Any] | None:
        raw = self.redis.get(_key(job_id))
        return None if raw is None else dict(json.loads(raw))

    def keyed(self, key: str) -> dict[str, Any] | None:
        held = self.redis.get(PREFIX + "key:" + key)
        return None if held is None else self.get(_text(held))

    def update(
        self, job_id: str, changes: dict[str, Any], expect: Expect | None = None
    ) -> dict[str, Any] | None:
        key = _key(job_id)
        with self.redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    if raw is None:
                        return None
                    record = json.loads(raw)
                    if not matches(record, expect):
                        return None
                    record.update(changes)
                    pipe.multi()
                    pipe.set(key, json.dumps(record), keepttl=True)
                    if record["status"] in ENDED:
                        pipe.srem(ACTIVE, job_id)
                    pipe.execute()
                    return dict(record)
                except WatchError:
                    continue

    def request(self, job_id: str) -> bytes | None:
        found = self.redis.get(_key(job_id, ":request"))
        return found.encode() if isinstance(found, str) else found

    def drop_request(self, job_id: str) -> None:
        self.redis.delete(_key(job_id, ":request"))

    def set_result(self, job_id: str, text: str) -> None:
        record = self.get(job_id)
        if record is not None:
            until = int(record["expires"] * 1000)
            self.redis.set(_key(job_id, ":result"), text, pxat=until)

    def result(self, job_id: str) -> str | None:
        raw = self.redis.get(_key(job_id, ":result"))
        return None if raw is None else _text(raw)

    def active(self) -> list[dict[str, Any]]:
        ids = sorted(_text(i) for i in self.redis.smembers(ACTIVE))
        found = []
        for job_id in ids:
            record = self.get(job_id)
            if record is None or record["status"] in ENDED:
                self.redis.srem(ACTIVE, job_id)  # expired, or ended
            else:
                found.append(record)
        return found

    def ended(self, kind: str, status: str, seconds: float) -> None:
        pipe = self.redis.pipeline()
        pipe.hincrby(STATS, f"{kind}:{status}:count", 1)
        pipe.hincrbyfloat(STATS, f"{kind}:{status}:seconds", seconds)
        pipe.execute()

    def durations(self) -> dict[tuple[str, str], tuple[int, float]]:
        raw = {_text(k): float(v) for k, v in self.redis.hgetall(STATS).items()}
        found: dict[tuple[str, str], tuple[int, float]] = {}
        for name, value in raw.items():
            kind, status, what = name.split(":")
            if what == "count":
                found[(kind, status)] = (int(value), raw.get(f"{kind}:{status}:seconds", 0.0))
        return found

    def expire(self) -> None:
        return None  # Redis deletes each key at its job's expiry
