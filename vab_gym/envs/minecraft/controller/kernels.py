"""The executor's numba kernels: the walking search (Dijkstra over standable cells), the
cheapest approach to targets, the staircase estimate, and the search box's target scan.

Apart from the Python around them because numba's on-disk cache is keyed by this module:
``pathing.warm_up`` compiles (or loads) every kernel here before a timed step calls one.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, inline="always")
def _before(d_a, i_a, d_b, i_b):
    """The heap's order: by distance, then by flat index (heapq's order of (d, i) tuples)."""
    return d_a < d_b or (d_a == d_b and i_a < i_b)


@njit(cache=True)
def _dijkstra(
    solid,
    water,
    stand,
    start,
    limit,
    walk,
    jump,
    water_factor,
    fall,
    dist,
    prev,
    done,
    count,
    heap_d,
    heap_i,
    size,
    resume,
):
    """Ticks to walk from ``start`` to every standable cell (8 directions, step up 1, drop 3)
    within ``limit``, into the flat work arrays ``dist`` (distance; exact where settled,
    an upper bound above ``limit`` at cells left in the heap, inf where unreached),
    ``prev`` (predecessor, read only where ``dist`` is finite) and ``done`` (the cells
    settled, in order); returns ``(count, heap_d, heap_i, size)``: the settled cells and
    the heap left over.

    The search stops at the first heap entry beyond ``limit`` instead of never pushing
    it, so ``resume`` (same box, start and blocks) continues a search to a wider limit
    where a new one would settle the same cells again: cells settle in the order of
    ``(d, i)`` either way, with the same predecessors, so the result is the one a fresh
    search to the wider limit gives. The work arrays outlive a search (``_Paths``): a new
    search sets the cells the last one wrote (settled, and still in its heap) back to inf,
    which is cheaper than filling a box-sized array. The heap is two arrays ordered as
    heapq orders ``(d, i)`` tuples, so cells settle in the same order, with the same
    predecessors, as with heapq."""
    sx, sy, sz = stand.shape
    if not resume:
        for k in range(count):
            dist[done[k]] = np.inf
        for k in range(size):
            dist[heap_i[k]] = np.inf
        count = 0
        s = (start[0] * sy + start[1]) * sz + start[2]
        dist[s] = 0.0
        prev[s] = -1
        heap_d[0], heap_i[0] = 0.0, s
        size = 1
    dxs = (1, -1, 0, 0, 1, 1, -1, -1)
    dzs = (0, 0, 1, -1, 1, -1, 1, -1)
    while size > 0:
        d, i = heap_d[0], heap_i[0]
        if d > limit:  # the rest lies beyond the limit: left for a resumed search
            break
        size -= 1
        if size > 0:  # sift the last entry down from the root
            last_d, last_i = heap_d[size], heap_i[size]
            pos = 0
            while True:
                c = 2 * pos + 1
                if c >= size:
                    break
                if c + 1 < size and _before(heap_d[c + 1], heap_i[c + 1], heap_d[c], heap_i[c]):
                    c += 1
                if not _before(heap_d[c], heap_i[c], last_d, last_i):
                    break
                heap_d[pos], heap_i[pos] = heap_d[c], heap_i[c]
                pos = c
            heap_d[pos], heap_i[pos] = last_d, last_i
        if d > dist[i]:
            continue
        done[count] = i
        count += 1
        x = i // (sy * sz)
        y = (i // sz) % sy
        z = i % sz
        for k in range(8):
            dx, dz = dxs[k], dzs[k]
            nx, nz = x + dx, z + dz
            if nx < 0 or nz < 0 or nx >= sx or nz >= sz or y + 1 >= sy:
                continue
            ny = -1
            cost = walk
            if dx != 0 and dz != 0:
                if (
                    not stand[nx, y, nz]
                    or solid[x + dx, y, z]
                    or solid[x + dx, y + 1, z]
                    or solid[x, y, z + dz]
                    or solid[x, y + 1, z + dz]
                ):
                    continue
                ny = y
                cost = walk * 1.4142
            elif stand[nx, y, nz]:
                ny = y
            elif y + 2 < sy and stand[nx, y + 1, nz] and not solid[x, y + 2, z]:
                ny = y + 1
                cost = walk + jump
            elif not solid[nx, y, nz] and not solid[nx, y + 1, nz]:
                for drop in range(1, 4):
                    yy = y - drop
                    if yy < 1:
                        break
                    if stand[nx, yy, nz]:
                        ny = yy
                        cost = walk + fall * drop
                        break
                    if solid[nx, yy, nz]:
                        break
            if ny < 0:
                continue
            if water[nx, ny, nz] or water[nx, ny - 1, nz]:
                cost *= water_factor
            nd = d + cost
            j = (nx * sy + ny) * sz + nz
            if nd < dist[j]:
                dist[j] = nd
                prev[j] = i
                if size == heap_d.shape[0]:  # grow the heap
                    grown_d = np.empty(2 * size)
                    grown_i = np.empty(2 * size, np.int64)
                    grown_d[:size] = heap_d
                    grown_i[:size] = heap_i
                    heap_d, heap_i = grown_d, grown_i
                pos = size  # sift the new entry up
                size += 1
                while pos > 0:
                    parent = (pos - 1) >> 1
                    if not _before(nd, j, heap_d[parent], heap_i[parent]):
                        break
                    heap_d[pos], heap_i[pos] = heap_d[parent], heap_i[parent]
                    pos = parent
                heap_d[pos], heap_i[pos] = nd, j
    return count, heap_d, heap_i, size


@njit(cache=True)
def _approach(dist, cells, offsets):
    """For each target cell, the cheapest reachable stand cell among ``offsets`` from it."""
    sx, sy, sz = dist.shape
    k = cells.shape[0]
    best = np.full(k, np.inf)
    where = np.full(k, -1, np.int64)
    for t in range(k):
        for m in range(offsets.shape[0]):
            x = cells[t, 0] + offsets[m, 0]
            y = cells[t, 1] + offsets[m, 1]
            z = cells[t, 2] + offsets[m, 2]
            if x < 0 or y < 0 or z < 0 or x >= sx or y >= sy or z >= sz:
                continue
            if dist[x, y, z] < best[t]:
                best[t] = dist[x, y, z]
                where[t] = (x * sy + y) * sz + z
    return best, where


@njit(cache=True)
def _dig_estimate(cells, costs, targets, per_step):
    """For each buried target, the cheapest stand cell to start a staircase from: walking
    ticks there plus ``per_step`` for each staircase step to the target."""
    k = targets.shape[0]
    best = np.full(k, np.inf)
    where = np.full(k, -1, np.int64)
    for t in range(k):
        for c in range(cells.shape[0]):
            h = abs(cells[c, 0] - targets[t, 0]) + abs(cells[c, 2] - targets[t, 2])
            steps = max(h, abs(cells[c, 1] - targets[t, 1]), 1) - 1
            total = costs[c] + per_step * steps
            if total < best[t]:
                best[t] = total
                where[t] = c
    return best, where


BRICK = 3  # log2 of the edge of the bricks whose block kinds ``_brick_kinds`` records


@njit(cache=True)
def _brick_kinds(blocks, n_kinds):
    """Which block ids occur in each brick of 8x8x8 cells: ``_box_targets`` skips the
    bricks without any target block, which for ores and plants is nearly all of them."""
    sx, sy, sz = blocks.shape
    kinds = np.zeros(
        (((sx - 1) >> BRICK) + 1, ((sy - 1) >> BRICK) + 1, ((sz - 1) >> BRICK) + 1, n_kinds),
        np.bool_,
    )
    for x in range(sx):
        for y in range(sy):
            for z in range(sz):
                kinds[x >> BRICK, y >> BRICK, z >> BRICK, blocks[x, y, z]] = True
    return kinds


@njit(cache=True)
def _box_targets(blocks, solid, lut, kinds, lo):
    """The box's targets (cells whose block ``lut`` marks), those exposed (a face-adjacent
    cell inside the box is not solid), the exposed cells in ``np.argwhere`` order, and
    whether any target is buried: one pass, where numpy made a dozen box-sized arrays.

    ``blocks`` and ``solid`` are the crop of the world at ``lo``; ``kinds`` is the world's
    ``_brick_kinds`` (a brick may list an id it no longer holds, never the reverse), so the
    pass reads only the bricks that may hold a target, in the same order."""
    sx, sy, sz = blocks.shape
    target = np.zeros((sx, sy, sz), np.bool_)
    exposed = np.zeros((sx, sy, sz), np.bool_)
    cells = np.empty((4096, 3), np.int64)
    count = 0
    any_buried = False
    ids = np.nonzero(lut)[0]
    b0 = lo >> BRICK
    nb = ((lo + np.array([sx, sy, sz]) - 1) >> BRICK) - b0 + 1
    # Per row of bricks, the runs of z that may hold targets: [starts, ends) in box cells.
    runs = np.zeros((nb[0], nb[1], nb[2] + 1, 2), np.int64)
    n_runs = np.zeros((nb[0], nb[1]), np.int64)
    for i in range(nb[0]):
        for j in range(nb[1]):
            open_run = False
            for k in range(nb[2]):
                hot = False
                for m in ids:
                    if kinds[b0[0] + i, b0[1] + j, b0[2] + k, m]:
                        hot = True
                        break
                if hot and not open_run:
                    runs[i, j, n_runs[i, j], 0] = max(0, ((b0[2] + k) << BRICK) - lo[2])
                    open_run = True
                elif not hot and open_run:
                    runs[i, j, n_runs[i, j], 1] = ((b0[2] + k) << BRICK) - lo[2]
                    n_runs[i, j] += 1
                    open_run = False
            if open_run:
                runs[i, j, n_runs[i, j], 1] = sz
                n_runs[i, j] += 1
    for x in range(sx):
        bx = ((lo[0] + x) >> BRICK) - b0[0]
        for y in range(sy):
            by = ((lo[1] + y) >> BRICK) - b0[1]
            for r in range(n_runs[bx, by]):
                z0, z1 = runs[bx, by, r, 0], runs[bx, by, r, 1]
                for z in range(z0, z1):
                    if not lut[blocks[x, y, z]]:
                        continue
                    target[x, y, z] = True
                    if (
                        (x > 0 and not solid[x - 1, y, z])
                        or (x + 1 < sx and not solid[x + 1, y, z])
                        or (y > 0 and not solid[x, y - 1, z])
                        or (y + 1 < sy and not solid[x, y + 1, z])
                        or (z > 0 and not solid[x, y, z - 1])
                        or (z + 1 < sz and not solid[x, y, z + 1])
                    ):
                        exposed[x, y, z] = True
                        if count == cells.shape[0]:
                            grown = np.empty((2 * count, 3), np.int64)
                            grown[:count] = cells
                            cells = grown
                        cells[count, 0], cells[count, 1], cells[count, 2] = x, y, z
                        count += 1
                    else:
                        any_buried = True
    return target, exposed, cells[:count].copy(), any_buried
