"""The operator's view of a running pipeline on Tansu: the dashboard in a real browser,
``/metrics``, and ``newswire top``.

The browser is Debian's Chromium (``apt-get install chromium``) driven by Playwright for
Python; Playwright's own browser downloads are not used. One deployment serves the
module: the samples, an empty file and a copy of a sample are dropped once.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from prometheus_client.parser import text_string_to_metric_families

from tests.harness import (
    REPO,
    SAMPLES,
    Pipeline,
    Worker,
    copy_into,
    get_json,
    get_status,
    truth,
    wait_for,
)

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOT = REPO / "docs" / "dashboard.png"

# A new article that makes Sergei Lavrov, absent from the samples, the most mentioned
# actor: 19 mentions in the article, 24 in twelve comments spread over four days.
LAVROV_ARTICLE = """Sergueï Lavrov : « Nous attendons des réponses écrites, pas des promesses »

Lundi 3 janvier 2022

{body}

{count} commentaires
information
Cher lecteur, pour laisser des commentaires sur la publication, vous devez autoriser.
{thread}"""
LAVROV_SENTENCES = (
    "Sergueï Lavrov a répété lundi que la patience de son ministère avait des limites. "
    "Selon Lavrov, les propositions de décembre restent sur la table. "
    "Lavrov a rappelé qu'aucune réponse écrite n'était encore parvenue."
)
COMMENTERS = [("Chasseur", "Igor"), ("Baïkal", "Dmitri"), ("Vieux Marin", "Viktor"),
              ("Ours des steppes", "Oleg")]


def lavrov_article() -> str:
    comments = []
    for index in range(12):
        day, hour = 3 + index // 4, 8 + (index % 4) * 3
        name, handle = COMMENTERS[index % len(COMMENTERS)]
        comments.append(
            f"  {index + 1}. {name} Офлайн {name}\n"
            f"    {name} ({handle}) {day} janvier 2022 {hour:02d}: 15\n"
            f"    +{index % 3}\n"
            f"    Lavrov a raison sur ce point, et Lavrov le sait depuis longtemps.\n"
        )
    return LAVROV_ARTICLE.format(
        body="\n\n".join([LAVROV_SENTENCES] * 6), count=len(comments), thread="".join(comments)
    )


@dataclass
class Deployment:
    """The running pipeline and what was dropped into its inbox so far."""

    pipeline: Pipeline
    worker: Worker
    accepted: list[Path] = field(default_factory=list)  # files that reach newswire.files
    articles: list[Path] = field(default_factory=list)  # distinct documents among them
    rejected: Counter[str] = field(default_factory=Counter)  # expected reasons

    def drop(self, name: str, text: str) -> Path:
        """Write ``text`` as a new file of the inbox; its path there."""
        source = self.pipeline.root / "made" / name
        source.parent.mkdir(exist_ok=True)
        source.write_text(text, encoding="utf-8")
        [path] = copy_into(self.pipeline.inbox, [source])
        return path


@pytest.fixture(scope="module")
def deployment(
    request: pytest.FixtureRequest, tansu_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    """Worker and watcher on Tansu, with the samples, an empty file and a duplicate counted."""
    pipeline = Pipeline(broker_url=tansu_url, root=tmp_path_factory.mktemp("dashboard"))
    failures = request.session.testsfailed
    try:
        worker = pipeline.worker().ready()
        pipeline.watcher()
        samples = sorted(SAMPLES.glob("*.txt"))
        deployment = Deployment(pipeline, worker)
        copy_into(pipeline.inbox, samples)
        deployment.drop("vide.txt", "")
        copy_into(pipeline.inbox, samples[:1], names=iter(["copie (2).txt"]))
        deployment.accepted += [*samples, samples[0]]
        deployment.articles += samples
        deployment.rejected.update(["empty_file", "duplicate"])
        expected, _, _ = truth(samples)
        worker.wait_totals(dict(expected), 120, "the samples to be counted")
        yield deployment
    finally:
        pipeline.stop_all()
        if request.session.testsfailed > failures:
            print(f"\n--- process logs ---\n{pipeline.logs()}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium under Playwright."""
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def scrape(worker: Worker) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of ``/metrics``, by name and labels."""
    status, body = get_status(f"{worker.url}/metrics")
    assert status == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str,
          **labels: str) -> float:
    """The sum of the samples of ``name`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, have), v in samples.items() if n == name and wanted <= have)


def test_metrics_count_what_was_dropped(deployment: Deployment) -> None:
    pipeline, worker = deployment.pipeline, deployment.worker
    expected, comments, _ = truth(deployment.articles)

    def settled() -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
        samples = scrape(worker)
        done = (
            value(samples, "newswire_files_accepted_total") == len(deployment.accepted)
            and value(samples, "newswire_files_rejected_total") == deployment.rejected.total()
            and value(samples, "newswire_consumer_lag", topic=pipeline.topic("files")) == 0
        )
        return samples if done else {}

    samples = wait_for(settled, 60, "/metrics to account for every file")
    for reason, count in deployment.rejected.items():
        assert value(samples, "newswire_files_rejected_total", reason=reason) == count, reason
    assert value(samples, "newswire_files_rejected_total", stage="process",
                 reason="duplicate") == deployment.rejected["duplicate"]

    articles = len(deployment.articles)
    assert value(samples, "newswire_processing_latency_seconds_count") == articles
    assert value(samples, "newswire_processing_latency_seconds_bucket", le="+Inf") == articles
    assert 0 < value(samples, "newswire_processing_latency_seconds_sum") < 60 * articles

    def events(kind: str, agent: str, short: str) -> float:
        return value(samples, f"newswire_events_{kind}_total", agent=agent,
                     topic=pipeline.topic(short))

    assert events("in", "parse-documents", "files") == len(deployment.accepted)
    assert events("out", "parse-documents", "articles") == articles
    assert events("out", "parse-documents", "comments") == comments
    mentions = events("out", "parse-documents", "mentions")
    assert mentions > 0 and events("in", "count-actors", "mentions") == mentions
    # One record per batch and destination partition, one emission per actor and batch.
    assert mentions <= articles * pipeline.partitions
    emitted = events("out", "count-actors", "actor-counts")
    assert len(expected) <= emitted < sum(expected.values())
    assert events("in", "count-rejections", "rejected") == deployment.rejected.total()

    partitions = {dict(labels)["partition"] for name, labels in samples
                  if name == "newswire_consumer_lag"
                  and ("topic", pipeline.topic("files")) in labels}
    assert partitions == {str(p) for p in range(pipeline.partitions)}
    actors = len(get_json(f"{worker.url}/actors"))
    assert value(samples, "newswire_table_keys", table="actors") == actors
    assert value(samples, "newswire_table_keys", table="documents") == articles


def chart_rows(page: Page) -> list[dict[str, Any]]:
    """The bar chart as drawn: the tick labels shown, and the plotted bar lengths."""
    labels = page.locator("#actors-chart .ytick text").all_text_contents()
    data = page.evaluate(
        """() => document.getElementById("actors-chart").data.map(t => ({y: t.y, x: t.x}))"""
    )
    articles, comments = data
    assert articles["y"] == comments["y"]
    return [
        {"name": name, "id": actor, "article_mentions": a, "comment_mentions": c}
        for name, actor, a, c in zip(
            labels, articles["y"], articles["x"], comments["x"], strict=True)
    ]


def wait_refreshed(page: Page, times: int = 1) -> None:
    """Wait until the page has completed ``times`` more refreshes."""
    done = int(page.evaluate("() => Number(document.body.dataset.refreshes || 0)"))
    page.wait_for_function(
        f"() => Number(document.body.dataset.refreshes || 0) >= {done + times}", timeout=30_000
    )


def test_dashboard_shows_the_top_actors_and_follows_new_files(
    deployment: Deployment, browser: Browser
) -> None:
    worker = deployment.worker
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{worker.url}/")
    wait_refreshed(page)

    # The bar chart holds the most mentioned actors of the samples, in order, with the
    # names and the article/comments split of /actors.
    expected, _, _ = truth(deployment.articles)
    ranking = sorted(expected, key=lambda actor: (-expected[actor], actor))[:12]
    drawn = chart_rows(page)
    assert [row["id"] for row in drawn] == ranking
    assert [row["name"] for row in drawn[:3]] == ["Russia", "United States", "NATO"]
    listing = get_json(f"{worker.url}/actors")
    for row, actor in zip(drawn, listing, strict=False):
        assert (row["id"], row["article_mentions"], row["comment_mentions"]) == (
            actor["id"], actor["article_mentions"], actor["comment_mentions"])
    assert page.locator("#updated").text_content() != "never"
    assert page.locator("#status").get_attribute("class") == "ready"

    # The latest articles and the commenters are listed.
    titles = page.locator("#articles tbody .title").all_text_contents()
    assert len(titles) == len(deployment.articles)
    assert page.locator("#commenters tbody tr").count() >= 5

    # A new file that mentions a new actor more than any other tops the chart, live.
    lavrov = deployment.drop("2022-01-03_lavrov-reponses.txt", lavrov_article())
    deployment.accepted.append(lavrov)
    deployment.articles.append(lavrov)
    page.wait_for_function(
        """() => document.querySelector("#actors-chart .ytick text")?.textContent
                 === "Sergei Lavrov" """, timeout=60_000)
    wait_refreshed(page)
    top = chart_rows(page)[0]
    assert top["id"] == "sergei-lavrov"
    assert (top["article_mentions"], top["comment_mentions"]) == (19, 24)
    assert page.locator("#articles tbody .title").first.text_content() == (
        "Sergueï Lavrov : « Nous attendons des réponses écrites, pas des promesses »")

    # Clicking its bar follows it: the line chart shows its rolling 24 h counts, the same
    # figures as the history of /actors/{id}.
    bar = page.locator("#actors-chart .trace.bars").first.locator(".point path").first
    box = bar.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(
        """() => document.getElementById("trend-chart").dataset.actor === "sergei-lavrov" """)
    assert "Sergei Lavrov" in (page.locator("#trend-title").text_content() or "")
    line = page.evaluate(
        """() => { const t = document.getElementById("trend-chart").data[1];
                   return Object.fromEntries(t.x.map((x, i) => [x, t.y[i]])); }"""
    )
    history = get_json(f"{worker.url}/actors/sergei-lavrov")["history"]
    assert history
    for bucket in history:
        end = datetime.strptime(bucket["end"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        assert line[end.strftime("%Y-%m-%d %H:%M:%S")] == bucket["rolling_24h"], bucket
    peak = max(bucket["rolling_24h"] for bucket in history)
    assert max(line.values()) == peak
    last = datetime.strptime(history[-1]["end"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    after = (last + timedelta(hours=24)).strftime("%Y-%m-%d %H:%M:%S")
    assert line[after] == 0  # 24 h after its latest mention, the window is empty

    page.mouse.move(0, 0)  # no tooltip in the picture
    wait_refreshed(page)
    time.sleep(0.5)  # let the charts finish their transitions
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert errors == []
    page.close()


def test_top_prints_the_top_actors(deployment: Deployment) -> None:
    worker = deployment.worker
    result = subprocess.run(
        [sys.executable, "-m", "streams.cli", "top", "--once", "--limit", "3",
         "--url", worker.url],
        capture_output=True, text=True, timeout=60, cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    listing = get_json(f"{worker.url}/actors")
    for actor in listing[:3]:
        assert actor["name"] in result.stdout
    assert listing[3]["name"] not in result.stdout
    assert "updated" in result.stdout

    refused = subprocess.run(
        [sys.executable, "-m", "streams.cli", "top", "--once", "--url", "http://127.0.0.1:9"],
        capture_output=True, text=True, timeout=60, cwd=REPO,
    )
    assert refused.returncode == 1 and "cannot read" in refused.stderr
