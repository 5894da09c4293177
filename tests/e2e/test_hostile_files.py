"""Hostile and odd files through the real pipeline, on each broker: each yields correct
events or one rejection with a stable reason, and the worker and watcher keep running.

One deployment per broker serves every case of the module, as one long-running
pipeline would: a case that crashed or blocked a process fails the cases after it."""

from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.generated import THREAD
from tests.harness import Pipeline, Proc, Worker, get_json, get_status, wait_for

LIMIT = 4 * 1024 * 1024


def article(tag: str, comments: str = "") -> str:
    """A small valid article, unique per ``tag`` (so no two cases share a doc_id)."""
    text = (
        f"Le Kremlin répond à l'OTAN ({tag})\n\n"
        f"Vladimir Poutine a parlé avec Joe Biden de l'Ukraine. Référence {tag}.\n"
    )
    return text + comments




@dataclass
class Deployment:
    pipeline: Pipeline
    worker: Worker
    watcher: Proc

    def alive(self) -> None:
        assert self.worker.proc.alive(), self.worker.proc.tail()
        assert self.watcher.alive(), self.watcher.tail()

    def outcome(self, name: str, timeout: float = 60.0) -> dict[str, Any]:
        """The article or rejection event whose source path ends with ``name``."""
        found: dict[str, Any] = {}

        def seen() -> bool:
            for topic in ("articles", "rejected"):
                events = self.pipeline.read(topic, until=lambda ev: True, timeout=5)
                for event in events:
                    if event["source_path"].endswith(name):
                        found.update(event, _topic=topic)
                        return True
            return False

        wait_for(seen, timeout, f"an event for {name!r}", interval=0.5)
        return found

    def no_outcome(self, name: str, settle: float = 4.0) -> None:
        time.sleep(settle)
        for topic in ("articles", "rejected"):
            events = self.pipeline.read(topic, until=lambda ev: True, timeout=3)
            assert not [e for e in events if e["source_path"].endswith(name)], (topic, name)


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("tansu", marks=pytest.mark.e2e),
        pytest.param("kafka", marks=pytest.mark.kafka),
    ],
)
def deployment(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    url = str(request.getfixturevalue(f"{request.param}_url"))
    pipeline = Pipeline(broker_url=url, root=tmp_path_factory.mktemp("hostile"))
    pipeline.extra_env["NEWSWIRE_MAX_FILE_BYTES"] = str(LIMIT)
    worker = pipeline.worker().ready()
    watcher = pipeline.watcher()
    time.sleep(1.0)
    yield Deployment(pipeline, worker, watcher)
    pipeline.stop_all()
    print(f"\n--- process logs of the {request.param} deployment ---\n{pipeline.logs()}")


def drop(inbox: Path, name: str, data: bytes) -> Path:
    """Write elsewhere, then rename into the inbox (an atomic arrival)."""
    tmp = inbox.parent / f".staging-{uuid.uuid4().hex}"
    tmp.write_bytes(data)
    target = inbox / name
    tmp.rename(target)
    return target


def parse_cli(path: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "streams.cli", "parse", str(path)],
        capture_output=True, check=True, env={**os.environ, "NEWSWIRE_MAX_FILE_BYTES": str(LIMIT)},
    )
    parsed: dict[str, Any] = json.loads(result.stdout.splitlines()[0])
    return parsed


REJECTED: list[tuple[str, Callable[[], bytes], str]] = [
    ("empty.txt", lambda: b"", "empty_file"),
    ("blanc.txt", lambda: b"  \n\t \r\n   \n", "empty_file"),
    ("image.txt", lambda: b"\x89PNG\r\n\x1a\n" + os.urandom(2000), "not_text"),
    ("aleatoire.txt", lambda: os.urandom(4096), "not_text"),
    ("nul.txt", lambda: article("nul").encode()[:40] + b"\x00" + article("nul").encode()[40:],
     "not_text"),
    ("archive.txt", lambda: b"\x1f\x8b" + zlib.compress(b"x" * 1000), "not_text"),
    ("utf8-casse.txt", lambda: article("casse").encode() + b"\xc3\x28 \xff fin", "decode_error"),
    ("juste-trop-grand.txt", lambda: b"a" * (LIMIT + 1), "too_large"),
]


@pytest.mark.parametrize(("name", "content", "reason"), REJECTED, ids=[r[0] for r in REJECTED])
def test_bad_file_is_one_rejection_with_a_stable_reason(
    deployment: Deployment, name: str, content: Callable[[], bytes], reason: str
) -> None:
    path = drop(deployment.pipeline.inbox, name, content())
    event = deployment.outcome(name)
    assert event["_topic"] == "rejected"
    assert (event["reason"], event["doc_id"]) == (reason, None)
    assert event["detail"] and event["stage"] in ("watch", "decode")
    assert parse_cli(path)["rejected"]["reason"] == reason
    deployment.alive()


def test_fifty_megabytes_is_rejected_without_reading_it(deployment: Deployment) -> None:
    path = deployment.pipeline.inbox.parent / "big"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    path.rename(deployment.pipeline.inbox / "cinquante-mo.txt")
    event = deployment.outcome("cinquante-mo.txt")
    assert event["reason"] == "too_large" and str(50 * 1024 * 1024) in event["detail"]
    deployment.alive()


ACCEPTED: list[tuple[str, Callable[[str], bytes], str]] = [
    ("bom-utf8.txt", lambda t: codecs.BOM_UTF8 + t.encode(), "utf-8-sig"),
    ("utf16le.txt", lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), "utf-16-le"),
    ("utf16be.txt", lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), "utf-16-be"),
    # Legacy encodings cannot hold the Cyrillic online marker: those threads go without.
    ("windows-1252.txt", lambda t: t.replace(" Офлайн", "").encode("cp1252"), "cp1252"),
    ("latin1.txt", lambda t: t.replace(" Офлайн", "").encode("latin-1"), "cp1252"),
    ("crlf.txt", lambda t: t.replace("\n", "\r\n").encode(), "utf-8"),
    ("cr-seul.txt", lambda t: t.replace("\n", "\r").encode(), "utf-8"),
    ("nom avec espaces 'et' \"guillemets\".txt", lambda t: t.encode(), "utf-8"),
    ("Géorgie — Kyiv, été 2021.txt", lambda t: t.encode(), "utf-8"),
    ("ligne\nnouvelle.txt", lambda t: t.encode(), "utf-8"),
]


@pytest.mark.parametrize(("name", "encode", "encoding"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_odd_but_valid_file_becomes_an_article(
    deployment: Deployment, name: str, encode: Callable[[str], bytes], encoding: str
) -> None:
    text = article(name, THREAD)
    drop(deployment.pipeline.inbox, name, encode(text))
    event = deployment.outcome(name)
    assert event["_topic"] == "articles", event
    assert event["title"].startswith("Le Kremlin répond à l'OTAN")
    assert event["comment_count"] == event["comment_count_declared"] == 2
    assert {a["id"] for a in event["actors"]} >= {"vladimir-putin", "joe-biden", "nato"}
    deployment.alive()


def test_file_written_in_several_steps_is_sent_once_complete(deployment: Deployment) -> None:
    text = article("lent", THREAD)
    target = deployment.pipeline.inbox / "ecrit-lentement.txt"
    chunks = [text[i : i + len(text) // 5 + 1] for i in range(0, len(text), len(text) // 5 + 1)]
    with target.open("w", encoding="utf-8") as handle:
        for chunk in chunks:  # about two seconds in all, longer than the settle time
            handle.write(chunk)
            handle.flush()
            time.sleep(0.4)
    event = deployment.outcome("ecrit-lentement.txt")
    assert event["comment_count"] == 2, "the whole file, not a prefix"
    time.sleep(2)
    events = deployment.pipeline.read("articles", until=lambda ev: True, timeout=3)
    assert len([e for e in events if e["source_path"].endswith("ecrit-lentement.txt")]) == 1
    deployment.alive()


@pytest.mark.parametrize("name", [".cache.txt", "brouillon.txt~", ".brouillon.txt.swp",
                                  "#brouillon.txt#", "telechargement.txt.part", "notes.tmp"])
def test_hidden_temporary_and_editor_files_are_ignored(deployment: Deployment, name: str) -> None:
    (deployment.pipeline.inbox / name).write_text(article(name))
    deployment.no_outcome(name)
    deployment.alive()


def test_symlink_to_a_file_outside_the_inbox_is_refused(deployment: Deployment) -> None:
    secret = deployment.pipeline.root / "secret.txt"
    secret.write_text(article("secret"))
    (deployment.pipeline.inbox / "lien.txt").symlink_to(secret)
    event = deployment.outcome("lien.txt")
    assert event["reason"] == "symlink_outside_inbox"
    deployment.alive()


def test_directory_and_vanished_file_are_ignored(deployment: Deployment) -> None:
    (deployment.pipeline.inbox / "dossier.txt").mkdir()
    vanishing = deployment.pipeline.inbox / "ephemere.txt"
    vanishing.write_text(article("ephemere"))
    time.sleep(0.05)
    vanishing.unlink()  # deleted between detection and reading
    deployment.no_outcome("dossier.txt")
    deployment.no_outcome("ephemere.txt", settle=0)
    after = drop(deployment.pipeline.inbox, "apres.txt", article("apres").encode())
    assert deployment.outcome(after.name)["_topic"] == "articles"  # nothing blocked behind
    deployment.alive()


def test_broken_ordinals_and_headline_only(deployment: Deployment) -> None:
    broken = THREAD.replace("  1. Bitter", "  7. Bitter").replace("    1. Jarilo", "    1. Jarilo")
    broken += "  3. -1\n    24 décembre 2021 13: 31\n    Encore l'OTAN.\n  3. 0\n    Doublon.\n"
    drop(deployment.pipeline.inbox, "ordinaux.txt",
         article("ordinaux", broken.replace("2 commentaires", "4 commentaires")).encode())
    event = deployment.outcome("ordinaux.txt")
    assert event["_topic"] == "articles" and event["comment_count"] == 4
    comments = deployment.pipeline.read(
        "comments", until=lambda ev: len([c for c in ev if c["doc_id"] == event["doc_id"]]) >= 4)
    ids = [c["comment_id"] for c in comments if c["doc_id"] == event["doc_id"]]
    assert len(ids) == len(set(ids)) == 4

    drop(deployment.pipeline.inbox, "titre-seul.txt", b"Poutine et l'OTAN : un titre seul\n")
    headline = deployment.outcome("titre-seul.txt")
    assert headline["title"] == "Poutine et l'OTAN : un titre seul"
    assert headline["comment_count"] == 0
    deployment.alive()


def test_ten_thousand_comments(deployment: Deployment) -> None:
    lines = ["", "10000 commentaires", "information", "Cher lecteur, pour laisser des"
             " commentaires sur la publication, vous devez autoriser."]
    for number in range(1, 10001):
        lines += [f"  {number}. -1", "    24 décembre 2021 13: 31",
                  f"    Commentaire {number} sur l'OTAN."]
    drop(deployment.pipeline.inbox, "fil-geant.txt",
         (article("geant") + "\n".join(lines) + "\n").encode())
    event = deployment.outcome("fil-geant.txt", timeout=120)
    assert event["comment_count"] == event["comment_count_declared"] == 10000
    nato = next(a for a in event["actors"] if a["id"] == "nato")
    assert nato["mentions"] >= 10001
    deployment.alive()


def test_same_text_under_two_names(deployment: Deployment) -> None:
    text = article("deux-noms", THREAD).encode()
    drop(deployment.pipeline.inbox, "premier-nom.txt", text)
    first = deployment.outcome("premier-nom.txt")
    drop(deployment.pipeline.inbox, "second nom.txt", text)
    second = deployment.outcome("second nom.txt")
    assert first["_topic"] == "articles"
    assert (second["_topic"], second["reason"], second["doc_id"]) == (
        "rejected", "duplicate", first["doc_id"])
    deployment.alive()


def test_malformed_messages_on_the_files_topic_are_rejected(deployment: Deployment) -> None:
    import asyncio

    from aiokafka import AIOKafkaProducer

    async def produce() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=deployment.pipeline.bootstrap)
        await producer.start()
        try:
            topic = deployment.pipeline.topic("files")
            await producer.send_and_wait(topic, b"{not json at all", key=b"x")
            await producer.send_and_wait(topic, b'{"doc_id": 42, "text": null}', key=b"y")
        finally:
            await producer.stop()

    asyncio.run(produce())
    rejected = deployment.pipeline.read(
        "rejected", until=lambda ev: len([e for e in ev if e["reason"] == "malformed_event"]) >= 2)
    malformed = [e for e in rejected if e["reason"] == "malformed_event"]
    assert all(e["stage"] == "process" and e["detail"] for e in malformed)
    after = drop(deployment.pipeline.inbox, "apres-malformes.txt", article("malformes").encode())
    assert deployment.outcome(after.name)["_topic"] == "articles"  # no crash loop
    deployment.alive()


def test_concurrent_drops_all_arrive(deployment: Deployment) -> None:
    names = [f"rafale-{n:02d}.txt" for n in range(20)]
    threads = [threading.Thread(target=drop, args=(deployment.pipeline.inbox, name,
                                                   article(name).encode())) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name in names:
        assert deployment.outcome(name)["_topic"] == "articles"
    deployment.alive()


def test_web_view_is_read_only_and_refuses_odd_ids(deployment: Deployment) -> None:
    import urllib.error
    import urllib.request

    base = deployment.worker.url
    for path in ("/actors", "/actors/nato", "/commenters", "/"):
        request = urllib.request.Request(f"{base}{path}", data=b"{}", method="POST")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status == 405, path
    for odd in ("..%2F..%2Fetc%2Fpasswd", "%3Cscript%3E", "NATO", "a" * 300, "%00"):
        assert get_status(f"{base}/actors/{odd}")[0] in (400, 404), odd
    deployment.alive()


def test_hostile_names_are_data_not_markup(deployment: Deployment) -> None:
    script = "<script>alert(1)</script>"
    thread = THREAD.replace("Bitter Офлайн Bitter", f"{script} Офлайн {script}").replace(
        "Bitter (Amer)", f"{script} (x)")
    drop(deployment.pipeline.inbox, "script.txt", article(f"{script} Poutine", thread).encode())
    event = deployment.outcome("script.txt")
    assert script in event["title"]  # kept as text in the events
    commenters = wait_for(
        lambda: [c for c in get_json(f"{deployment.worker.url}/commenters")
                 if c["name"] == script], 30, "the commenter")
    assert commenters[0]["comments"] == 1
    _, page = get_status(f"{deployment.worker.url}/")
    assert b"<script>alert" not in page  # the page is static: data arrives as JSON
    assert b"innerHTML" not in page  # and is inserted as text, never parsed as markup
    deployment.alive()


@pytest.mark.parametrize("mode", ["move", "delete"])
def test_after_send_moves_or_deletes_acknowledged_files(
    deployment: Deployment, tmp_path: Path, mode: str
) -> None:
    """A second watcher on its own inbox, with NEWSWIRE_AFTER_SEND set."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher = deployment.pipeline.spawn(
        f"watcher-{mode}", "watch", str(inbox), NEWSWIRE_AFTER_SEND=mode,
        NEWSWIRE_DATA_DIR=str(tmp_path / "data"))
    try:
        good = drop(inbox, f"bon-{mode}.txt", article(f"after-{mode}").encode())
        bad = drop(inbox, f"vide-{mode}.txt", b"")
        assert deployment.outcome(good.name)["_topic"] == "articles"
        assert deployment.outcome(bad.name)["reason"] == "empty_file"
        wait_for(lambda: not good.exists() and not bad.exists(), 10, "files handled")
        assert (inbox / "rejected" / bad.name).exists()  # rejected files are kept for people
        assert (inbox / "processed" / good.name).exists() == (mode == "move")
    finally:
        watcher.stop()
