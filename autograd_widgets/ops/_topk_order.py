"""The order ``torch.topk`` returns tied values in: ATen's CPU kernel, step for step.

ATen selects the top ``k`` of each row with the C++ standard library (``std::partial_sort``
when ``k * 64 <= n``, else ``std::nth_element`` then ``std::sort`` of the first ``k - 1``),
so where values tie, which index comes first is whatever GCC's libstdc++ algorithms leave.
This module re-implements those algorithms (introselect, introsort with its 16-element
insertion-sort threshold, the binary-heap selection) on ``(value, index)`` pairs, so tied
indices come out as PyTorch's. Rows without ties never need it: any correct sort agrees.
"""

import math

import numpy as np


def _lg(n):
    return n.bit_length() - 1


def _move_median_to_first(a, result, x, y, z, less):
    if less(a[x], a[y]):
        if less(a[y], a[z]):
            a[result], a[y] = a[y], a[result]
        elif less(a[x], a[z]):
            a[result], a[z] = a[z], a[result]
        else:
            a[result], a[x] = a[x], a[result]
    elif less(a[x], a[z]):
        a[result], a[x] = a[x], a[result]
    elif less(a[y], a[z]):
        a[result], a[z] = a[z], a[result]
    else:
        a[result], a[y] = a[y], a[result]


def _unguarded_partition(a, first, last, pivot, less):
    while True:
        while less(a[first], a[pivot]):
            first += 1
        last -= 1
        while less(a[pivot], a[last]):
            last -= 1
        if not first < last:
            return first
        a[first], a[last] = a[last], a[first]
        first += 1


def _partition_pivot(a, first, last, less):
    mid = first + (last - first) // 2
    _move_median_to_first(a, first, first + 1, mid, last - 1, less)
    return _unguarded_partition(a, first + 1, last, first, less)


def _unguarded_linear_insert(a, last, less):
    val = a[last]
    nxt = last - 1
    while less(val, a[nxt]):
        a[last] = a[nxt]
        last = nxt
        nxt -= 1
    a[last] = val


def _insertion_sort(a, first, last, less):
    if first == last:
        return
    for i in range(first + 1, last):
        if less(a[i], a[first]):
            val = a[i]
            a[first + 1 : i + 1] = a[first:i]
            a[first] = val
        else:
            _unguarded_linear_insert(a, i, less)


def _push_heap(a, first, hole, top, value, less):
    parent = (hole - 1) // 2
    while hole > top and less(a[first + parent], value):
        a[first + hole] = a[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[first + hole] = value


def _adjust_heap(a, first, hole, length, value, less):
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if less(a[first + child], a[first + child - 1]):
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if length & 1 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    _push_heap(a, first, hole, top, value, less)


def _make_heap(a, first, last, less):
    length = last - first
    if length < 2:
        return
    parent = (length - 2) // 2
    while True:
        _adjust_heap(a, first, parent, length, a[first + parent], less)
        if parent == 0:
            return
        parent -= 1


def _pop_heap(a, first, last, result, less):
    value = a[result]
    a[result] = a[first]
    _adjust_heap(a, first, 0, last - first, value, less)


def _heap_select(a, first, middle, last, less):
    _make_heap(a, first, middle, less)
    for i in range(middle, last):
        if less(a[i], a[first]):
            _pop_heap(a, first, middle, i, less)


def _sort_heap(a, first, last, less):
    while last - first > 1:
        last -= 1
        _pop_heap(a, first, last, last, less)


def partial_sort(a, first, middle, last, less):
    """``std::partial_sort``: heap-select the first ``middle - first``, then heap-sort them."""
    _heap_select(a, first, middle, last, less)
    _sort_heap(a, first, middle, less)


def nth_element(a, first, nth, last, less):
    """``std::nth_element`` (introselect, insertion sort below four elements)."""
    if first == last or nth == last:
        return
    depth = 2 * _lg(last - first)
    while last - first > 3:
        if depth == 0:
            _heap_select(a, first, nth + 1, last, less)
            a[first], a[nth] = a[nth], a[first]
            return
        depth -= 1
        cut = _partition_pivot(a, first, last, less)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(a, first, last, less)


def _introsort_loop(a, first, last, depth, less):
    while last - first > 16:
        if depth == 0:
            partial_sort(a, first, last, last, less)
            return
        depth -= 1
        cut = _partition_pivot(a, first, last, less)
        _introsort_loop(a, cut, last, depth, less)
        last = cut


def sort(a, first, last, less):
    """``std::sort`` (introsort, then the final insertion sort)."""
    if first == last:
        return
    _introsort_loop(a, first, last, 2 * _lg(last - first), less)
    if last - first > 16:
        _insertion_sort(a, first, first + 16, less)
        for i in range(first + 16, last):
            _unguarded_linear_insert(a, i, less)
    else:
        _insertion_sort(a, first, last, less)


def row_order(values: list, k: int, largest: bool, sorted_: bool) -> list:
    """The ``k`` indices ATen's ``topk_impl_loop`` returns for one row (NaN counts largest)."""
    n = len(values)
    pairs = [(v, j) for j, v in enumerate(values)]
    isnan = math.isnan
    if largest:

        def less(x, y):
            return (isnan(x[0]) and not isnan(y[0])) or x[0] > y[0]

    else:

        def less(x, y):
            return (not isnan(x[0]) and isnan(y[0])) or x[0] < y[0]

    if k * 64 <= n:
        partial_sort(pairs, 0, k, n, less)
    else:
        nth_element(pairs, 0, k - 1, n, less)
        if sorted_:
            sort(pairs, 0, k - 1, less)
    return [j for _, j in pairs[:k]]


def needs_aten_order(rows: np.ndarray, idx: np.ndarray, k: int) -> np.ndarray:
    """Rows (of a 2-D ``rows``, sorted indices ``idx``) where ties touch the top ``k``.

    ``idx`` holds each row's indices in a correct sorted order; a tie among the first
    ``k + 1`` sorted values (NaNs tie with each other) is where the order is ATen's own.
    """
    head = np.take_along_axis(rows, idx[:, : k + 1], axis=1)
    same = head[:, 1:] == head[:, :-1]
    if head.dtype.kind == "f":
        nan = np.isnan(head)
        same |= nan[:, 1:] & nan[:, :-1]
    return same.any(axis=1)
