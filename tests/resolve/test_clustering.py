import numpy as np

from cupula.resolve.clustering import Links, cluster


def links(*rows: tuple[int, int, float]) -> Links:
    return Links.of(rows)


def test_pairs_above_threshold_join_transitively() -> None:
    got = cluster(4, links((0, 1, 9.0), (1, 2, 8.0), (2, 3, -1.0)), threshold=3.0)
    assert got == [[0, 1, 2], [3]]


def test_different_blocks_the_whole_merge_path() -> None:
    # 0-1 and 1-2 are strong, but an analyst said 0 and 2 differ: 2 stays apart from
    # 0 (1 goes with whichever it joined first: the stronger link)
    got = cluster(3, links((0, 1, 9.0), (1, 2, 8.0)), threshold=3.0, different=[(0, 2)])
    assert [0, 1] in got and [2] in got


def test_same_joins_whatever_the_score_and_can_be_overruled() -> None:
    assert cluster(2, links((0, 1, -20.0)), threshold=3.0, same=[(0, 1)]) == [[0, 1]]
    got = cluster(3, links(), threshold=3.0, same=[(0, 1), (1, 2)], different=[(0, 2)])
    assert [2] in got


def test_oversize_clusters_are_split_at_stricter_thresholds() -> None:
    # a chain of 6 weak links between two tight groups of 3
    rows = [(0, 1, 20.0), (1, 2, 20.0), (3, 4, 20.0), (4, 5, 20.0), (2, 3, 4.0)]
    assert cluster(6, links(*rows), threshold=3.0, max_size=10) == [[0, 1, 2, 3, 4, 5]]
    assert cluster(6, links(*rows), threshold=3.0, max_size=3) == [[0, 1, 2], [3, 4, 5]]


def test_records_alike_count_once_towards_the_size_limit() -> None:
    rows = [(0, i, 20.0) for i in range(1, 6)]
    units = [0, 0, 0, 0, 0, 1]
    assert cluster(6, links(*rows), threshold=3.0, max_size=2, units=units) == [[0, 1, 2, 3, 4, 5]]


def test_empty_links() -> None:
    empty = Links(np.array([], np.int64), np.array([], np.int64), np.array([], np.float64))
    assert cluster(2, empty, threshold=1.0) == [[0], [1]]
    assert cluster(0, empty, threshold=1.0) == []


def test_different_splits_a_transitive_merge_at_its_weakest_link() -> None:
    # 0-1 and 2-3 are strong, 1-2 weaker: together one cluster of four...
    rows = [(0, 1, 20.0), (1, 2, 6.0), (2, 3, 18.0)]
    assert cluster(4, links(*rows), threshold=3.0) == [[0, 1, 2, 3]]
    # ...until an analyst says 0 and 3 differ: no direct link joins them, the path does,
    # and the weakest link on it (1-2) is the one cut
    got = cluster(4, links(*rows), threshold=3.0, different=[(0, 3)])
    assert got == [[0, 1], [2, 3]]
    # an analyst's "same" on the path is kept; the automatic link is cut instead
    got = cluster(4, links(*rows), threshold=3.0, same=[(1, 2)], different=[(0, 3)])
    assert [0] in got or [3] in got
    assert not any(0 in c and 3 in c for c in got)
