"""The scale part of `make bench`: one project each of 10 thousand, 100 thousand and 1 million
tasks in one table (bulk-loaded with COPY), and the task page's three kinds of query against
each through the API with the read cache off: the first page, a status filter, a full-text
search. p50/p99 per query per size, the plans PostgreSQL chose at the largest size
(EXPLAIN (ANALYZE, BUFFERS) of the statement the API runs), and a plot of p99 against size.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg

from taskapp.tasks.models import POSITION_GAP, Priority
from taskapp.tasks.repository import PAGE_COLUMNS, member_page_sql
from taskapp.tasks.schemas import TaskQuery

# Words for titles and descriptions: each appears in about 1-2 % of titles, so a search for
# one matches thousands of tasks at a million (the hard case for "search, newest first").
_WORDS = (
    "invoice billing login signup export import report dashboard search filter sort page "
    "cache queue worker email upload attachment avatar profile settings password session "
    "token refresh timeout retry error crash slow fast mobile desktop tablet layout header "
    "footer sidebar menu button modal dialog form field label input select checkbox toggle "
    "chart graph table column row cell cursor scroll drag drop keyboard shortcut theme dark "
    "light colour font icon image video audio sound translation locale timezone calendar "
    "date time deadline reminder notification alert banner toast badge counter metric log "
    "trace span alarm budget cost bill plan team member owner viewer invite role access "
    "audit history comment mention thread reply draft publish archive delete restore backup "
    "migration schema index query database replica proxy pool connection network firewall "
    "certificate domain cdn edge cluster container image deploy release rollback pipeline"
)
VOCABULARY = tuple(_WORDS.split())
SEARCH_WORD = "invoice"
PRIORITIES = tuple(int(priority) for priority in Priority)
STATUSES = (("done", 0.6), ("todo", 0.25), ("in_progress", 0.15))
SEED_BATCH = 50_000
# What the API shows of a task, but for the assignee (none: nobody else is in the project).
COPY_COLUMNS = tuple(column for column in PAGE_COLUMNS if column != "assignee_id")


@dataclass(frozen=True)
class ScaleQuery:
    name: str
    params: dict[str, str]

    def query(self) -> TaskQuery:
        return TaskQuery.model_validate(self.params)

    def path(self) -> str:
        return "?" + "&".join(f"{key}={value}" for key, value in self.params.items())


QUERIES = (
    ScaleQuery("first page", {"limit": "50"}),
    ScaleQuery("status filter", {"status": "in_progress", "limit": "50"}),
    ScaleQuery("full-text search", {"q": SEARCH_WORD, "limit": "50"}),
)


@dataclass
class ScaleResults:
    sizes: list[int] = field(default_factory=list)
    # (query name, size) -> figures of each repetition
    runs: dict[tuple[str, int], list[dict[str, float]]] = field(default_factory=dict)
    plans: dict[str, str] = field(default_factory=dict)
    seconds_to_seed: dict[int, float] = field(default_factory=dict)


def _rows(
    project_id: uuid.UUID, count: int, rng: random.Random, placed: dict[str, int]
) -> list[tuple[Any, ...]]:
    """`count` tasks in COPY_COLUMNS' order; `placed` counts the tasks of each column so far,
    so each gets a position of its own, POSITION_GAP apart (as the API and the migration
    number a column)."""
    now = datetime.now(UTC)
    statuses = [name for name, _ in STATUSES]
    weights = [weight for _, weight in STATUSES]
    rows = []
    for _ in range(count):
        created = now - timedelta(seconds=rng.randrange(2 * 365 * 86400))
        title = " ".join(rng.choices(VOCABULARY, k=rng.randint(3, 6))).capitalize()
        description = " ".join(rng.choices(VOCABULARY, k=rng.randint(0, 12)))
        due = date.today() + timedelta(days=rng.randint(-60, 120)) if rng.random() < 0.4 else None
        status = rng.choices(statuses, weights)[0]
        placed[status] = placed.get(status, 0) + 1
        rows.append(
            (
                uuid.uuid4(),
                project_id,
                title,
                description,
                status,
                placed[status] * POSITION_GAP,
                rng.choice(PRIORITIES),
                due,
                1,
                created,
                created + timedelta(seconds=rng.randrange(86400)),
            )
        )
    return rows


@contextlib.asynccontextmanager
async def _connection(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(database_url.replace("+asyncpg", "", 1))
    try:
        yield connection
    finally:
        await connection.close()


async def _seed(
    database_url: str, project_id: uuid.UUID, count: int, progress: Callable[[str], None]
) -> float:
    rng = random.Random(count)  # the same data for the same size, run after run
    started = time.monotonic()
    async with _connection(database_url) as connection:
        done = 0
        placed: dict[str, int] = {}
        while done < count:
            batch = min(SEED_BATCH, count - done)
            await connection.copy_records_to_table(
                "tasks", records=_rows(project_id, batch, rng, placed), columns=list(COPY_COLUMNS)
            )
            done += batch
            elapsed = time.monotonic() - started
            progress(f"bench: scale: seeded {done:,}/{count:,} tasks ({elapsed:.0f} s)")
        await connection.execute("ANALYZE tasks")
    return time.monotonic() - started


async def _explain(
    database_url: str, project_id: uuid.UUID, user_id: uuid.UUID, query: TaskQuery
) -> str:
    statement, params = member_page_sql(query)
    async with _connection(database_url) as connection:
        rows = await connection.fetch(
            f"EXPLAIN (ANALYZE, BUFFERS) {statement}", project_id, user_id, *params
        )
    return "\n".join(row[0] for row in rows)


def seed_project(
    database_url: str, project_id: uuid.UUID, count: int, progress: Callable[[str], None]
) -> float:
    """COPY `count` tasks into the project in batches; returns the seconds it took."""
    return asyncio.run(_seed(database_url, project_id, count, progress))


def explain_query(
    database_url: str, project_id: uuid.UUID, user_id: uuid.UUID, query: TaskQuery
) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the statement the API runs for `query`."""
    return asyncio.run(_explain(database_url, project_id, user_id, query))


def render(results: ScaleResults, median: Callable[[list[float]], float]) -> str:
    header = f"{'query':18} " + " ".join(
        f"{f'{size:,} p50':>12} {f'{size:,} p99':>12}" for size in results.sizes
    )
    lines = [
        "p50 and p99 in ms (median over the repetitions), read cache off, through the API.",
        "The last column: p99 at the largest size divided by p99 at the smallest.",
        "",
        header + f" {'p99 ratio':>10}",
    ]
    for query in QUERIES:
        row = f"{query.name:18} "
        p99s = []
        for size in results.sizes:
            runs = results.runs.get((query.name, size), [])
            p50 = median([r["p50_ms"] for r in runs]) if runs else float("nan")
            p99 = median([r["p99_ms"] for r in runs]) if runs else float("nan")
            p99s.append(p99)
            row += f"{p50:12.2f} {p99:12.2f} "
        ratio = p99s[-1] / p99s[0] if p99s and p99s[0] else float("nan")
        lines.append(row + f"{ratio:10.2f}")
    seeded = ", ".join(
        f"{size:,} in {seconds:.0f} s" for size, seconds in results.seconds_to_seed.items()
    )
    lines += ["", f"Seeding with COPY (the API's indexes in place): {seeded}."]
    return "\n".join(lines)


def render_plans(results: ScaleResults) -> str:
    blocks = []
    for name, plan in results.plans.items():
        blocks.append(f"{name}:\n\n```\n{plan}\n```")
    return "\n\n".join(blocks)


def write_plot(results: ScaleResults, median: Callable[[list[float]], float], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figure, axes = plt.subplots(figsize=(7, 4.5))
    for query in QUERIES:
        sizes = [s for s in results.sizes if results.runs.get((query.name, s))]
        p99s = [median([r["p99_ms"] for r in results.runs[(query.name, s)]]) for s in sizes]
        axes.plot(sizes, p99s, marker="o", label=query.name)
    axes.set_xscale("log")
    axes.set_xlabel("tasks in the project (log)")
    axes.set_ylabel("p99 latency, ms")
    axes.set_ylim(bottom=0)
    axes.set_title("Task page p99 against project size (read cache off)")
    axes.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True
