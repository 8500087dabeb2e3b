"""A discrete-event simulation of report runs through the pipeline, each quota a token bucket (a rate) or a
concurrency pool (a count). A throttled request waits for capacity in arrival order, as if every throttle were
retried at the first moment it could succeed (an optimistic bound: real retries back off and add latency)."""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from shared.capacity.profile import ReportProfile
from shared.capacity.quotas import Quotas

Action = Callable[[float], None]


class Clock:
    """The simulation's event list: actions run in time order (ties in the order they were scheduled)."""

    def __init__(self) -> None:
        self._events: list[tuple[float, int, Action]] = []
        self._sequence = itertools.count()

    def at(self, when: float, action: Action) -> None:
        heapq.heappush(self._events, (when, next(self._sequence), action))

    def run(self) -> None:
        while self._events:
            when, _, action = heapq.heappop(self._events)
            action(when)


class TokenBucket:
    """`burst` tokens at most, refilled at `rate` per second; `take` says when `n` tokens are there and takes them."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._tokens, self._at = burst, 0.0

    def take(self, at: float, n: float = 1.0) -> float:
        at = max(at, self._at)
        self._tokens = min(self.burst, self._tokens + (at - self._at) * self.rate)
        self._at = at
        if self._tokens >= n:
            self._tokens -= n
            return at
        ready = at + (n - self._tokens) / self.rate
        self._tokens, self._at = 0.0, ready
        return ready


class ConcurrencyPool:
    """At most `capacity(t)` holders at once; those who find it full wait in arrival order."""

    def __init__(self, clock: Clock, size: int, growth_per_10s: int = 0, ceiling: int | None = None) -> None:
        self.clock, self.size, self.growth, self.ceiling = clock, size, growth_per_10s, ceiling
        self._busy = 0
        self._waiting: deque[tuple[float, float, Action]] = deque()
        self._growth_scheduled = False

    def capacity(self, at: float) -> int:
        size = self.size + self.growth * int(at // 10)
        return min(size, self.ceiling) if self.ceiling is not None else size

    def hold(self, now: float, seconds: float, then: Action, waits: Callable[[float], None]) -> None:
        """Hold a place for `seconds` as soon as one is free, then `then(end)`; `waits(seconds waited)`."""

        def started(start: float) -> None:
            waits(start - now)
            then(start + seconds)

        self._waiting.append((now, seconds, started))
        self._admit(now)

    def _admit(self, now: float) -> None:
        while self._waiting and self._busy < self.capacity(now):
            _, seconds, started = self._waiting.popleft()
            self._busy += 1
            self.clock.at(now + seconds, self._release)
            started(now)
        growing = self.ceiling is None or self.capacity(now) < self.ceiling
        if self._waiting and self.growth and not self._growth_scheduled and growing:
            self._growth_scheduled = True
            self.clock.at(10.0 * (int(now // 10) + 1), self._grow)

    def _release(self, now: float) -> None:
        self._busy -= 1
        self._admit(now)

    def _grow(self, now: float) -> None:
        self._growth_scheduled = False
        self._admit(now)


@dataclass
class Outcome:
    """What a spike did: when the last report finished, and how long reports waited on each quota in all."""

    reports: int
    drained_s: float
    waits_s: dict[str, float] = field(default_factory=dict)
    queries: int = 0

    @property
    def bottleneck(self) -> str | None:
        """The quota reports waited on longest (None: nothing waited)."""
        waiting = {name: wait for name, wait in self.waits_s.items() if wait > 1e-6}
        return max(waiting, key=waiting.__getitem__) if waiting else None


@dataclass(frozen=True)
class Take:
    bucket: str
    n: float = 1.0


@dataclass(frozen=True)
class Hold:
    """Hold one Lambda execution environment for `seconds`."""

    seconds: float


@dataclass(frozen=True)
class Query:
    key: str
    seconds: float


@dataclass(frozen=True)
class Fork:
    """Run `copies` flows at once (the Deliver Map's items); the first `emails` of them send one email each."""

    copies: int
    emails: int
    hold: Hold


Op = Take | Hold | Query | Fork
BUCKETS = ("scheduler-invocations", "start-execution", "state-transitions", "ses-send-rate")
POOLS = ("lambda-concurrency", "athena-queries")


def operations(profile: ReportProfile, number: int, share_queries: bool) -> list[Op]:
    """One report run as the quota operations it performs, in order."""
    ops: list[Op] = [Take("scheduler-invocations"), Take("start-execution")]
    lambda_states = sum(step.parallel for step in profile.steps)
    ops.append(Take("state-transitions", max(0, profile.transitions - lambda_states)))
    for step in profile.steps:
        ops.append(Take("state-transitions", step.parallel))
        if step.query and profile.query_key is not None:
            key = profile.query_key if share_queries else f"{profile.query_key}#{number}"
            ops.append(Query(key, profile.query_seconds))
        hold = Hold(step.seconds)
        ops.append(Fork(step.parallel, step.emails, hold) if step.parallel > 1 or step.emails else hold)
    return ops


class _Simulation:
    def __init__(self, quotas: Quotas, functions: int) -> None:
        self.clock = Clock()
        self.buckets = {
            "scheduler-invocations": TokenBucket(
                quotas.scheduler_invocations_per_s, quotas.scheduler_invocations_per_s
            ),
            "start-execution": TokenBucket(quotas.start_execution_per_s, quotas.start_execution_burst),
            "state-transitions": TokenBucket(quotas.transitions_per_s, quotas.transitions_burst),
            "ses-send-rate": TokenBucket(quotas.ses_per_s, quotas.ses_per_s),
        }
        scaling = quotas.lambda_scale_per_10s * functions
        self.lambdas = ConcurrencyPool(
            self.clock, min(scaling, quotas.lambda_concurrency), scaling, quotas.lambda_concurrency
        )
        self.athena = ConcurrencyPool(self.clock, quotas.athena_active_queries)
        self.queries: dict[str, float] = {}
        self.query_waiters: dict[str, list[Action]] = defaultdict(list)
        self.waits: dict[str, float] = dict.fromkeys(BUCKETS + POOLS, 0.0)
        self.lambda_waits = self.waited("lambda-concurrency")

    def waited(self, name: str) -> Callable[[float], None]:
        def add(seconds: float) -> None:
            self.waits[name] += seconds

        return add

    def flow(self, ops: list[Op], index: int, done: Action) -> Action:
        """The action that performs `ops[index:]` from the moment it runs, then `done(end)`."""
        return lambda now: self.advance(ops, index, now, done)

    def advance(self, ops: list[Op], index: int, now: float, done: Action) -> None:
        """Perform `ops[index:]` from `now`: inline while nothing waits, by a later event when something does."""
        while index < len(ops):
            op = ops[index]
            index += 1
            if isinstance(op, Take):
                ready = self.buckets[op.bucket].take(now, op.n)
                if ready > now:
                    self.waits[op.bucket] += ready - now
                    self.clock.at(ready, self.flow(ops, index, done))
                    return
            elif isinstance(op, Hold):
                self.lambdas.hold(now, op.seconds, self._later(self.flow(ops, index, done)), self.lambda_waits)
                return
            elif isinstance(op, Query):
                self._query(op, now, self.flow(ops, index, done))
                return
            else:
                self._fork(op, now, self._later(self.flow(ops, index, done)))
                return
        done(now)

    def _later(self, action: Action) -> Action:
        """An action that runs `action` as an event at the time it is given (so time order is kept)."""
        return lambda end: self.clock.at(end, action)

    def _query(self, op: Query, now: float, then: Action) -> None:
        """Run the query, or wait for the same query already run or running (when reports share queries)."""
        if op.key in self.queries:
            self.clock.at(max(now, self.queries[op.key]), then)
            return
        if op.key in self.query_waiters:
            self.query_waiters[op.key].append(then)
            return
        self.query_waiters[op.key].append(then)

        def finished(end: float) -> None:
            self.queries[op.key] = end
            for waiter in self.query_waiters.pop(op.key):
                self.clock.at(end, waiter)

        self.athena.hold(now, op.seconds, finished, self.waited("athena-queries"))

    def _fork(self, op: Fork, now: float, then: Action) -> None:
        remaining, latest = [op.copies], [now]

        def joined(end: float) -> None:
            remaining[0] -= 1
            latest[0] = max(latest[0], end)
            if remaining[0] == 0:
                then(latest[0])

        for copy in range(op.copies):
            ops: list[Op] = [Take("ses-send-rate"), op.hold] if copy < op.emails else [op.hold]
            self.advance(ops, 0, now, joined)


def simulate(
    arrivals: Iterable[tuple[float, ReportProfile]], quotas: Quotas, share_queries: bool = False, functions: int = 6
) -> Outcome:
    """Run reports arriving at the given seconds through `functions` Lambda functions (for Lambda's per-function
    scaling); with `share_queries`, reports with one query key run it once."""
    simulation = _Simulation(quotas, functions)
    finished, count = [0.0], 0

    def done(end: float) -> None:
        finished[0] = max(finished[0], end)

    plans: dict[ReportProfile, list[Op]] = {}
    for number, (arrival, profile) in enumerate(arrivals):
        reusable = profile.query_key is None or share_queries
        ops = plans.get(profile) if reusable else None
        if ops is None:
            ops = operations(profile, number, share_queries)
            if reusable:
                plans[profile] = ops
        simulation.clock.at(arrival, simulation.flow(ops, 0, done))
        count += 1
    simulation.clock.run()
    queries = len(simulation.queries)
    return Outcome(count, finished[0], simulation.waits, queries)
