"""Async SQLAlchemy engine and the request-scoped session.

Connection settings work through RDS Proxy: no server-side prepared statement cache
(statement_cache_size=0), which would otherwise pin every client to one database connection.
In AWS the password is an IAM token asked for per new connection (core/db_auth.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any, NoReturn, Protocol

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import DateTime, MetaData, event, func
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from taskapp.core import db_auth
from taskapp.core.db_auth import PasswordProvider
from taskapp.core.deadline import request_deadline
from taskapp.core.errors import AppError, ServiceUnavailable
from taskapp.core.resilience import CircuitBreaker
from taskapp.core.settings import DatabaseSettings, Settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


def new_id() -> uuid.UUID:
    return uuid.uuid4()


# Errors that mean "the database is unreachable or too busy", not "this query is wrong".
CONNECTIVITY_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    asyncpg.InterfaceError,  # as SQLAlchemy's InterfaceError wraps it
    # asyncpg's protocol out of step with the server, e.g. a FATAL "terminating connection"
    # read between two statements while the server shuts down: the next one cannot start.
    asyncpg.InternalClientError,
    PoolTimeoutError,
    OSError,
    asyncio.TimeoutError,
)


# SQLSTATE classes that mean the same: 08 connection exception; 57 operator intervention
# (57P01 admin shutdown, 57P03 "cannot connect now" while the server starts or stops, 57014 a
# statement cancelled by its timeout).
CONNECTIVITY_SQLSTATE_CLASSES = ("08", "57")


def is_connectivity_error(exc: BaseException) -> bool:
    """Through SQLAlchemy (a DBAPIError wrapping the driver's) or from asyncpg directly
    (`Database.write`)."""
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return True
        sqlstate = getattr(exc.orig, "sqlstate", None)
    else:
        sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate.startswith(CONNECTIVITY_SQLSTATE_CLASSES):
        return True
    return isinstance(exc, CONNECTIVITY_ERRORS)


def create_engine(
    settings: DatabaseSettings, password_provider: PasswordProvider | None = None
) -> AsyncEngine:
    """The app's engine. With a password provider (IAM auth in AWS, see core/db_auth.py) every
    new connection asks it for its password, so a rotated credential needs no restart."""
    connect_args: dict[str, Any] = {
        "statement_cache_size": 0,
        "timeout": settings.database_connect_timeout_seconds,
        "command_timeout": settings.database_command_timeout_seconds,
        "server_settings": {"application_name": "taskapp"},
    }
    tls = db_auth.ssl_context(settings)
    if tls is not None:
        connect_args["ssl"] = tls
    engine = create_async_engine(
        settings.sqlalchemy_database_url,
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_pool_overflow,
        pool_timeout=settings.database_pool_timeout_seconds,
        # No pre-ping: through asyncpg it costs four round trips per checkout (BEGIN, a prepared
        # ";", ROLLBACK), more than the read it guards (issue 9). A connection the server
        # closed (restart, failover, proxy idle close) is known closed to asyncpg without a
        # round trip, and `_discard_closed` swaps it at checkout; one that went silent fails
        # its statement, which answers 503 and tells the breaker, as a ping would have.
        pool_pre_ping=False,
        pool_recycle=1800,
        connect_args=connect_args,
        # Parameters are user data (e-mail addresses, password hashes): never in errors or logs.
        hide_parameters=True,
    )
    event.listen(engine.sync_engine.pool, "checkout", _discard_closed)
    provider = password_provider or db_auth.password_provider(settings)
    if provider is not None:
        _use_password_provider(engine, provider)
    return engine


def _discard_closed(dbapi_connection: Any, record: object, proxy: object) -> None:
    """At checkout, refuse a pooled connection the driver knows is closed: the pool then
    discards it and checks out (or opens) another (SQLAlchemy's disconnect handling)."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the pooled connection was closed by the server")


def _use_password_provider(engine: AsyncEngine, provider: PasswordProvider) -> None:
    @event.listens_for(engine.sync_engine, "do_connect")
    def _fresh_password(
        dialect: object, conn_rec: object, cargs: object, cparams: dict[str, Any]
    ) -> None:
        cparams["password"] = provider()


class ReadConnection(Protocol):
    """What `Database.read` gives: asyncpg's connection, of which reads use one statement."""

    async def fetch(self, query: str, *args: Any) -> list[Any]: ...


class Database:
    """The engine, its session factory and the circuit breaker guarding them."""

    def __init__(self, settings: Settings) -> None:
        self.engine = create_engine(settings)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)
        self.breaker = CircuitBreaker("database", failure_threshold=3, reset_after_seconds=1.0)
        # One-statement reads and writes (`read`, `write`: the requests' hot paths) get their
        # connections first come, first served. The pool's own queue is not fair: a
        # connection returned is taken by whoever asks next, before the waiter it woke runs,
        # and that waiter queues again at the back; under load some requests waited the whole
        # pool timeout (p99 1.1 s at 64 connections, 503s at 256; ADR 0110). asyncio's
        # semaphore queues newcomers behind waiters; as many turns as connections.
        self._turns = asyncio.Semaphore(
            settings.database_pool_size + settings.database_pool_overflow
        )

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """Hold one of the process's connection turns for a connection held throughout,
        waiting in line for it until the request's deadline (then 503 "busy": no verdict on
        the database, which was not asked)."""
        try:
            async with asyncio.timeout_at(request_deadline()):
                await self._turns.acquire()
        except TimeoutError:
            self.breaker.record_no_verdict()
            raise ServiceUnavailable("The server is busy; try again shortly.", 1) from None
        try:
            yield
        finally:
            self._turns.release()

    def unavailable(self) -> ServiceUnavailable:
        return ServiceUnavailable(
            "The database is unavailable; try again shortly.",
            retry_after=self.breaker.retry_after_seconds(),
        )

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commits on success, rolls back on error. While the database is
        down, fails fast with 503 instead of waiting for timeouts; while it hangs, gives up at
        the request's deadline (core/deadline.py) with 503.

        The deadline covers the work before COMMIT only: once COMMIT is sent its outcome is
        the server's, so the answer waits for it (bounded by the command timeout) and a 2xx
        is never turned into a 5xx after the write landed, nor a 5xx sent for a write that
        may still land."""
        if not self.breaker.allow():
            raise self.unavailable()
        # No turn here (see `_turn`): a unit of work may give its connection back midway (a
        # login does while the password is hashed), and a turn held meanwhile would keep the
        # requests behind it waiting for a connection nobody uses.
        async with self.sessionmaker() as session:
            try:
                # Outside a request (the export worker) there is no deadline: None waits.
                async with asyncio.timeout_at(request_deadline()):
                    yield session
            except BaseException as exc:
                await _rollback_quietly(session)
                self._raise_verdict(exc)
            try:
                await _commit_whatever_happens(session.commit())
            except BaseException as exc:
                await _rollback_quietly(session)
                self._raise_verdict(exc)
            self.breaker.record_success()
            for callback in session.info.pop(_AFTER_COMMIT, []):
                await callback()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[ReadConnection]:
        """A connection for reads outside a transaction (autocommit: no BEGIN and COMMIT round
        trips), e.g. one statement that reads consistently on its own; the breaker and the
        request's deadline as for `transaction`. The pooled connection's driver (asyncpg)
        itself: for one statement SQLAlchemy's layers only add work (issue 9). A read that
        fails other than by our own refusal (an AppError) discards the connection, which may
        still be busy with a cancelled statement."""
        if not self.breaker.allow():
            raise self.unavailable()
        async with self._turn():
            try:
                async with (
                    asyncio.timeout_at(request_deadline()),
                    self.engine.connect() as connection,
                ):
                    try:
                        yield await _driver(connection)
                    except AppError:
                        raise
                    except BaseException:
                        await connection.invalidate()
                        raise
            except BaseException as exc:
                self._raise_verdict(exc)
            self.breaker.record_success()

    async def write(self, statement: str, parameters: Sequence[Any]) -> list[Sequence[Any]]:
        """Run one statement that writes (e.g. a CTE that checks access, writes and returns the
        rows: tasks/service.py) in a transaction of its own, with the guarantees of
        `transaction`: the request's deadline up to COMMIT, COMMIT awaited whatever happens, the
        breaker. Not in autocommit, which would save BEGIN and COMMIT: there the statement is
        its own COMMIT, so one cancelled at the deadline (a silent database) could still commit
        after the answer said 503, or its wait would have to outlast the deadline.

        On the pooled connection's driver (asyncpg) directly: for one statement an ORM session
        only adds work (about a fifth of a task create's CPU in the API process; issue 9)."""
        if not self.breaker.allow():
            raise self.unavailable()
        async with self._turn():
            try:
                async with self.engine.connect() as connection:
                    rows = await _write_on(
                        await _driver(connection), statement, parameters, connection
                    )
            except BaseException as exc:
                self._raise_verdict(exc)
            self.breaker.record_success()
        return rows

    def _raise_verdict(self, exc: BaseException) -> NoReturn:
        """Raise what a failed unit of work means for the caller; tell the breaker."""
        if _deadline_passed_outside_the_database(exc):
            # E.g. password hashing queued behind a login storm: the answer is 503, but the
            # database is not to blame, so the breaker must not open for everyone.
            self.breaker.record_no_verdict()
            raise ServiceUnavailable("The server is busy; try again shortly.", 1) from exc
        # A deadline that passed while waiting on the database counts: it was slow or silent.
        if is_connectivity_error(exc):
            self.breaker.record_failure()
            raise self.unavailable() from exc
        if isinstance(exc, asyncio.CancelledError):
            self.breaker.record_no_verdict()
        else:
            self.breaker.record_success()
        raise exc

    async def dispose(self) -> None:
        await self.engine.dispose()


_DATABASE_MODULES = ("sqlalchemy", "asyncpg")


def _deadline_passed_outside_the_database(exc: BaseException) -> bool:
    """Whether `exc` is the request deadline (a TimeoutError from the cancellation it caused)
    and the task was not suspended in the database driver when it struck."""
    cancelled = exc.__cause__
    if not isinstance(exc, TimeoutError) or not isinstance(cancelled, asyncio.CancelledError):
        return False
    trace = cancelled.__traceback__
    while trace is not None:
        if trace.tb_frame.f_globals.get("__name__", "").startswith(_DATABASE_MODULES):
            return False
        trace = trace.tb_next
    return True


async def _commit_whatever_happens(committing: Awaitable[object]) -> None:
    """COMMIT (the session's, or a driver's statement), shielded from cancellation: if the task
    is cancelled meanwhile (shutdown), the outcome is still awaited and reported, then the
    cancellation goes on."""
    commit = asyncio.ensure_future(committing)
    try:
        await asyncio.shield(commit)
    except asyncio.CancelledError:
        await asyncio.wait([commit])
        commit.result()
        raise


async def _driver(connection: AsyncConnection) -> Any:
    """The asyncpg connection under a pooled one."""
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None  # noqa: S101 - a checked-out connection has one
    return driver


async def _write_on(
    driver: Any, statement: str, parameters: Sequence[Any], connection: AsyncConnection
) -> list[Sequence[Any]]:
    """BEGIN, the statement, COMMIT on an asyncpg connection, as `Database.transaction` runs a
    unit of work; a connection left in doubt (a failed ROLLBACK) is discarded from the pool."""
    try:
        async with asyncio.timeout_at(request_deadline()):
            await driver.execute("BEGIN")
            rows: list[Sequence[Any]] = await driver.fetch(statement, *parameters)
    except BaseException:
        try:
            await asyncio.wait_for(driver.execute("ROLLBACK"), timeout=1.0)
        except Exception:  # broken already: the pool must not reuse it
            await connection.invalidate()
        raise
    try:
        await _commit_whatever_happens(driver.execute("COMMIT"))
    except asyncio.CancelledError:
        raise  # COMMIT went through: the connection is fine
    except BaseException:
        await connection.invalidate()
        raise
    return rows


async def _rollback_quietly(session: AsyncSession) -> None:
    # When the connection is already broken the rollback fails too; the pool discards it.
    with contextlib.suppress(Exception):
        await asyncio.wait_for(session.rollback(), timeout=1.0)


_AFTER_COMMIT = "after_commit"


def after_commit(session: AsyncSession, callback: Callable[[], Awaitable[None]]) -> None:
    """Run `callback` once the request's transaction has committed (e.g. cache invalidation,
    which must not run before the new data is visible to other readers)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


# Dependency providers are `async def`: FastAPI runs plain `def` ones in a worker thread.
async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_db_session(request: Request) -> AsyncIterator[AsyncSession]:
    database: Database = request.app.state.database
    async with database.transaction() as session:
        yield session


DatabaseDep = Annotated[Database, Depends(get_database)]


# scope="function": the commit happens before the response is sent, so a 2xx means durable.
DbSession = Annotated[AsyncSession, Depends(get_db_session, scope="function")]
