"""Dead workers' metric files are folded into archives: totals unchanged, the directory bounded."""
from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.mmap_dict import MmapedDict, mmap_key

from service.observability import archive_dead_worker


def _write(directory, kind: str, pid: int, values: dict[tuple[str, str], float]) -> None:
    store = MmapedDict(os.path.join(directory, f"{kind}_{pid}.db"))
    for (sample, label), value in values.items():
        metric = sample.removesuffix("_total").removesuffix("_bucket")
        labels, label_values = (["code", "le"], [label, "0.5"]) if kind == "histogram" else (["code"], [label])
        store.write_value(mmap_key(metric, sample, labels, label_values, "help"), value, 0.0)
    store.close()


def _exposition(directory) -> list[str]:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(directory))
    return sorted(line for line in generate_latest(registry).decode().splitlines() if not line.startswith("#"))


def test_archiving_keeps_every_total_and_leaves_one_file_per_metric_type(tmp_path):
    _write(tmp_path, "counter", 101, {("errors_total", "a"): 3, ("errors_total", "b"): 1})
    _write(tmp_path, "counter", 102, {("errors_total", "a"): 4})
    _write(tmp_path, "counter", 103, {("errors_total", "c"): 2})  # still alive: left alone
    _write(tmp_path, "histogram", 101, {("latency_bucket", "a"): 5})
    _write(tmp_path, "histogram", 102, {("latency_bucket", "a"): 6})
    before = _exposition(tmp_path)
    assert 'errors_total{code="a"} 7.0' in before

    archive_dead_worker(str(tmp_path), 101)
    assert _exposition(tmp_path) == before
    archive_dead_worker(str(tmp_path), 102)
    archive_dead_worker(str(tmp_path), 102)  # already archived: nothing to do, nothing counted twice
    assert _exposition(tmp_path) == before
    assert sorted(p.name for p in tmp_path.glob("*.db")) == ["counter_103.db", "counter_archive.db",
                                                              "histogram_archive.db"]


def test_a_leftover_staged_file_is_not_counted(tmp_path):
    _write(tmp_path, "counter", 101, {("errors_total", "a"): 3})
    before = _exposition(tmp_path)
    _write(tmp_path, "counter", 0, {("errors_total", "a"): 50, ("errors_total", "z"): 9})  # left by a failed archiving
    os.replace(tmp_path / "counter_0.db", tmp_path / "counter_archive.staged")
    assert archive_dead_worker(str(tmp_path), 101)
    assert _exposition(tmp_path) == before


def test_the_master_gives_up_rather_than_wait_for_a_scrape(tmp_path, monkeypatch):
    import fcntl

    from service import observability

    _write(tmp_path, "counter", 101, {("errors_total", "a"): 3})
    monkeypatch.setattr(observability, "ARCHIVE_LOCK_WAIT_S", 0.1)
    with open(tmp_path / ".lock", "a") as scrape:  # a scrape holding the lock for a long time
        fcntl.flock(scrape, fcntl.LOCK_SH)
        assert archive_dead_worker(str(tmp_path), 101) is False
    assert (tmp_path / "counter_101.db").exists()  # left in place: its counts still show
    assert archive_dead_worker(str(tmp_path), 101) and not (tmp_path / "counter_101.db").exists()
