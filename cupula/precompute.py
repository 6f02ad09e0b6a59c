"""Whole-network results computed ahead, off the pages' critical path.

What is computed per view (``RESULTS``): the leader ranking and the key players of the
whole network the view may see. ``compute_ahead`` computes them after a load (and at
server start) for each distinct view signature of the registered users, and for the
views readers asked for, and keeps them in the database (``store.results``) with the
usage they were built from. ``read_result`` gives a reader the newest result of *its*
view: the current one, or the previous one with the time it went stale, or
``BeingComputed`` with the progress; never a result computed for another signature.

Results are computed on the network a view's pages show by default, its fused network
(``graph.fusion.network_key``, part of the stored key: ``store.results.variant_of``),
after its stored resolution run is brought up to date with the new loads (``plan``,
``resolve_ahead``: the incremental resolution); a reader asking for another network
(records apart, or a fusion since changed) has it computed on demand.

``Background`` runs ``compute_ahead`` in a child process for a server (the work is CPU
bound and would hold the GIL the requests need): woken when a reader asks for a view,
polling for loads made by other processes, stopped (killed if need be) within seconds.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.synchronize
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from cupula.access.accounts import AccountError, list_users, viewer_for
from cupula.access.viewer import Viewer
from cupula.errors import BeingComputed, CupulaError, NotFound, NotReady
from cupula.graph.analysis import network_of
from cupula.graph.fusion import APART, Fusion, fusion_for, fusion_version, network_key
from cupula.graph.keyplayers import KeyPlayer, KeyPlayerSet, key_players
from cupula.graph.leaders import Leader, LeaderOptions, Ranking, rank_leaders
from cupula.graph.network import Network
from cupula.resolve.service import is_stale, resolve_incremental, stored_run
from cupula.store import Store, View
from cupula.store import results as stored
from cupula.store.usage import Usage

log = logging.getLogger("cupula.precompute")

RANKED = 200  # leaders kept with their reasons (the most a page or `top` asks for)
PURPOSE = "results computed ahead for the views of the registered users"
LEADERS, KEY_PLAYERS = "leaders", "key players"
WHAT = {LEADERS: "leader ranking", KEY_PLAYERS: "key players"}
NO_TIES = "no ties to analyse among what you may see"
KEY_PLAYERS_BUDGET_S = 120.0  # the whole-network greedy search keeps its best by then


# -- payloads: each result as JSON data and back ----------------------------------------


def ranking_payload(ranking: Ranking) -> dict[str, Any]:
    """The ranking without its per-signal arrays (no reader uses them); the scores of
    every candidate as two parallel lists."""
    ids = list(ranking.scores)
    return {
        "leaders": [asdict(leader) for leader in ranking.leaders],
        "signals": ranking.signals,
        "weights": ranking.weights,
        "candidates": ranking.candidates,
        "nodes": ranking.nodes,
        "ties": ranking.ties,
        "pairs": ranking.pairs,
        "betweenness": ranking.betweenness,
        "score_ids": ids,
        "score_values": np.array([ranking.scores[i] for i in ids], dtype=np.float64),
    }


def ranking_of(payload: dict[str, Any]) -> Ranking:
    values = payload["score_values"].tolist()
    return Ranking(
        leaders=[Leader(**leader) for leader in payload["leaders"]],
        signals=list(payload["signals"]),
        weights=dict(payload["weights"]),
        candidates=int(payload["candidates"]),
        nodes=int(payload["nodes"]),
        ties=int(payload["ties"]),
        pairs=int(payload["pairs"]),
        betweenness=str(payload["betweenness"]),
        scores=dict(zip(payload["score_ids"], values, strict=True)),
    )


def players_payload(players: KeyPlayerSet) -> dict[str, Any]:
    return asdict(players)


def players_of(payload: dict[str, Any]) -> KeyPlayerSet:
    return KeyPlayerSet(
        players=[KeyPlayer(**p) for p in payload["players"]],
        criterion=payload["criterion"],
        before=payload["before"],
        pool=payload["pool"],
        cut_short=bool(payload.get("cut_short", False)),
    )


DECODE: dict[str, Callable[[dict[str, Any]], Any]] = {
    LEADERS: ranking_of,
    KEY_PLAYERS: players_of,
}
ERRORS: dict[str, type[CupulaError]] = {"NotFound": NotFound}


def _error(exc: CupulaError) -> dict[str, Any]:
    return {"error": type(exc).__name__, "detail": str(exc)}


# -- computing ---------------------------------------------------------------------------


def compute_view(
    view: View, fusion: Fusion | None = None
) -> tuple[dict[str, dict[str, Any]], Usage]:
    """Every result of ``RESULTS`` for ``view``, as payloads, and what they were built
    from (the whole network the view may see; each cluster of ``fusion`` one node)."""
    with view.recorded() as used:
        net = network_of(view).network
        if fusion is not None:
            net = fusion.apply(net)
    if net.m == 0:
        return {LEADERS: _error(NotFound(NO_TIES)), KEY_PLAYERS: {"none": True}}, used
    ranking = whole_ranking(net)
    players = key_players(net, k=5, betweenness_values=ranking.values.get("betweenness"),
                          budget_s=KEY_PLAYERS_BUDGET_S)  # fmt: skip
    return {LEADERS: ranking_payload(ranking), KEY_PLAYERS: players_payload(players)}, used


def whole_ranking(net: Network) -> Ranking:
    """The leader ranking of a view's whole network, as kept: reasons for the first
    ``RANKED`` (the most a page or `top` asks for), scores for all."""
    return rank_leaders(net, options=LeaderOptions(top=RANKED))


def plan(store: Store, version: int, viewers: Iterable[Viewer] | None = None) -> int:
    """Ask for the results of each distinct view of ``viewers`` (default: every active
    registered user) at ``version``; return how many views were newly asked for."""
    if viewers is None:
        found = []
        for user in list_users(store, Viewer.local_admin()):
            try:
                found.append(viewer_for(store, user.name))
            except AccountError:
                continue  # disabled or expired: nobody to compute for
        viewers = found
    added = 0
    for viewer in viewers:
        view = store.view(viewer, purpose=PURPOSE)
        # its resolution brought up to date first: what its pages show by default is its
        # fused network, named by the run (``network_key``)
        resolve_ahead(store, view)
        network = network_key(fusion_for(store, view), fusion_version(store, view))
        added += stored.add_task(store, version=version, signature=view.checked_signature(),
                                 variant=stored.variant_of(view, network), user=viewer.user,
                                 datasets=None)  # fmt: skip
    return added


def task_fusion(store: Store, view: View, task: stored.Task, viewer: Viewer) -> Fusion | None:
    """The fusion the task's network names (None: records apart), as ``view``'s reader
    got it (``graph.fusion.network_key``); a different one raises ``_Changed``."""
    wanted = stored.network_of_variant(task.variant)
    if wanted == APART:
        return None
    whole = store.view(viewer, purpose=PURPOSE) if task.datasets is not None else None
    fusion = fusion_for(store, view, whole=whole)
    if network_key(fusion, fusion_version(store, view, whole=whole)) != wanted:
        raise _Changed("the resolution or the judgements changed meanwhile")
    return fusion


class _Changed(NotReady):
    """What a task was asked for is no longer what its view would get."""


def resolve_ahead(store: Store, view: View) -> bool:
    """Bring the view's stored resolution run up to date with the loads since it
    (``cupula resolve --incremental``), if it has a run; a change that needs a full run
    is left to `cupula resolve` (a full run re-estimates the model: an analyst's
    decision). Returns whether an increment was made."""
    try:
        if stored_run(store, view) is None or not is_stale(store, view):
            return False
        increment = resolve_incremental(store, view)
    except NotReady as exc:  # NoRun, NeedsFullRun: the message says what to run
        log.info("resolution of %s's view not brought up to date: %s", view.viewer.user, exc)
        return False
    except Exception:
        log.exception("incremental resolution of %s's view failed", view.viewer.user)
        return False
    log.info("resolution of %s's view: %s", view.viewer.user, increment.stats)
    return True


def compute_task(store: Store, task: stored.Task, viewers: dict[str, Viewer]) -> None:
    """Compute and keep the results of one asked-for view."""
    try:
        viewer = viewers.get(task.user) or viewer_for(store, task.user)
        view = store.view(viewer, datasets=task.datasets, purpose=PURPOSE)
        network = stored.network_of_variant(task.variant)
        signature, variant = view.checked_signature(), stored.variant_of(view, network)
        if (signature, variant) != (task.signature, task.variant):
            # the user's clearance or the markings changed since it was asked: what would
            # be computed is another view's; its readers ask for it again
            stored.finish(store, task, state="failed", error="the view changed meanwhile")
            return
        try:
            fusion = task_fusion(store, view, task, viewer)
        except _Changed as exc:
            stored.finish(store, task, state="failed", error=str(exc))
            return
        start = time.perf_counter()
        payloads, used = compute_view(view, fusion)
        seconds = time.perf_counter() - start
        for name, payload in payloads.items():
            stored.put_result(store, name=name, signature=signature, variant=variant,
                              version=task.data_version, payload=payload, usage=used,
                              seconds=seconds)  # fmt: skip
        stored.finish(store, task)
    except Exception as exc:
        log.exception("computing ahead for %s failed", task.user)
        stored.finish(store, task, state="failed", error=f"{type(exc).__name__}: {exc}")


def compute_ahead(
    store: Store,
    viewers: Iterable[Viewer] | None = None,
    *,
    stop: threading.Event | multiprocessing.synchronize.Event | None = None,
    planned: bool = False,
) -> int:
    """Compute what is missing for the current data version: each distinct view of
    ``viewers`` (default: the registered users) and each view a reader asked for.
    Returns the number of views computed here; stops between views when ``stop`` is set.
    ``planned``: the users' views of this version were asked for already (by an earlier
    call), only what readers asked for since is left to compute."""
    version = stored.data_version(store)
    given = list(viewers) if viewers is not None else None
    if not planned:
        stored.forget_before(store, version)
        plan(store, version, given)
    by_user = {v.user: v for v in given or ()}
    computed = 0
    while not (stop is not None and stop.is_set()):
        task = stored.claim(store, version)
        if task is None:
            break
        compute_task(store, task, by_user)
        computed += 1
    return computed


# -- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """A result as a reader gets it: the value, when it was computed, and since when it is
    stale (None: it is current)."""

    value: Any
    computed_at: str
    stale_since: str | None
    progress: str = ""  # of the new version, when stale: "n of m" views done


class _Decoded:
    """Results decoded lately in this process (a ranking of 1M scores takes a while to
    decode), by the random token of their row: a new row is a new key."""

    def __init__(self, size: int = 16) -> None:
        self._kept: OrderedDict[str, stored.Row] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(
        self, store: Store, name: str, signature: str, variant: str, version: int
    ) -> stored.Row | None:
        newest = stored.newest_version(store, name=name, signature=signature,
                                       variant=variant, version=version)  # fmt: skip
        if newest is None:
            return None
        found, token = newest
        with self._lock:
            row = self._kept.get(token)
        if row is None:
            row = stored.read_row(store, name=name, signature=signature, variant=variant,
                                  version=found)  # fmt: skip
            if row is None or row.token != token:  # replaced meanwhile
                return self.get(store, name, signature, variant, version)
            with self._lock:
                self._kept[token] = row
                while len(self._kept) > self._size:
                    self._kept.popitem(last=False)
        return row


DECODED = _Decoded()


def read_result(
    store: Store,
    view: View,
    name: str,
    *,
    network: str = APART,
    wake: Callable[[], None] | None = None,
) -> Stored:
    """The newest stored ``name`` of ``view``'s signature and variant (its agency and
    ``network``: ``graph.fusion.network_key``). When it is stale
    or missing, the view is asked for (and ``wake`` called); when missing,
    ``BeingComputed`` with the progress. The statements it was built from are counted in
    the view's usage (the audit entry says what it would have said had it been built)."""
    signature, variant = view.checked_signature(), stored.variant_of(view, network)
    version = stored.data_version(store)
    row = DECODED.get(store, name, signature, variant, version)
    if row is None or row.data_version < version:
        datasets = None if view.scope.datasets is None else tuple(sorted(view.scope.datasets))
        asked = stored.add_task(store, version=version, signature=signature, variant=variant,
                                user=view.viewer.user, datasets=datasets)  # fmt: skip
        if asked and wake is not None:
            wake()
    if row is None:
        failed = stored.task_error(store, version=version, signature=signature, variant=variant)
        if failed is not None:
            raise NotReady(f"the {WHAT[name]} of your view could not be computed ({failed})")
        progress = stored.progress(store, version)
        raise BeingComputed(WHAT[name], progress.done, progress.total)
    view.usage.merge(row.usage)
    if "error" in row.payload:
        raise ERRORS.get(row.payload["error"], NotReady)(row.payload["detail"])
    value = None if row.payload.get("none") else DECODE[name](row.payload)
    if row.data_version == version:
        return Stored(value, row.computed_at, None)
    since = stored.changed_since(store, row.data_version)
    return Stored(value, row.computed_at, since, str(stored.progress(store, version)))


# -- in a server -------------------------------------------------------------------------

POLL_S = 2.0  # how often the child looks for loads made by other processes


def _loop(
    db: str, wake: multiprocessing.synchronize.Event, stop: multiprocessing.synchronize.Event
) -> None:
    """The child process: compute what is missing, then wait for a wake-up or a poll."""
    store = Store.open(db)
    planned = -1  # the data version whose users' views were asked for
    parent = os.getppid()  # a server ended without stopping us (killed): we end too
    try:
        while not stop.is_set() and os.getppid() == parent:
            try:
                version = stored.data_version(store)
                compute_ahead(store, stop=stop, planned=version == planned)
                planned = version
            except Exception:  # a database hiccup: try again at the next poll
                log.exception("computing ahead failed")
            wake.wait(POLL_S)
            wake.clear()
    except KeyboardInterrupt:
        pass
    finally:
        store.close()


class Background:
    """``compute_ahead`` in a child process for one server process."""

    def __init__(self, db: str, *, target: Callable[..., None] = _loop) -> None:
        context = multiprocessing.get_context("spawn")  # no copy of the server's threads
        self._wake = context.Event()
        self._stop = context.Event()
        self._process = context.Process(target=target, args=(db, self._wake, self._stop),
                                        name="cupula-ahead", daemon=True)  # fmt: skip

    def start(self) -> None:
        self._process.start()

    def wake(self) -> None:
        self._wake.set()

    @property
    def alive(self) -> bool:
        return self._process.is_alive()

    def stop(self, grace: float = 0.5) -> None:
        """Stop within ``grace`` seconds and a little: asked first, then killed (a result
        being written is one transaction: it is kept whole or not at all)."""
        if self._process.pid is None:
            return
        self._stop.set()
        self._wake.set()
        self._process.join(grace)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(1.0)
