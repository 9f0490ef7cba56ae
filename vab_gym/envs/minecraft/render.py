"""First-person pictures of the embedded world: a numba voxel ray caster.

One ray per pixel walks the grid cell by cell (Amanatides-Woo DDA). Faces are shaded by
orientation and get a cheap hashed 8x8 texel pattern, so ores, bark and blossoms show as
speckles the agent can recognise; leaves have holes, water is see-through, plants are sparse
stalks on a diagonal cross, and mobs are boxes. Far terrain fades into the sky colour.
The kernel is serial on purpose: vector envs run one env per core.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from vab_gym.envs.minecraft.world import World, palette, same_grid

# Shape codes the kernel understands (blocks.yaml `shape`).
AIR, CUBE, LIQUID, PLANT, LEAVES = 0, 1, 2, 3, 4
_SHAPES = {"none": AIR, "cube": CUBE, "liquid": LIQUID, "plant": PLANT, "leaves": LEAVES}
# Per-block texture styles beyond plain texel noise.
PLAIN, LOG, GRASS_SIDE = 0, 1, 2

# Face indices: 0 top (+y), 1 bottom (-y), 2 north (-z), 3 south (+z), 4 west (-x), 5 east (+x).
_FACE_LIGHT = np.array([1.0, 0.5, 0.8, 0.8, 0.62, 0.62], dtype=np.float32)
SKY_HORIZON = np.array([178.0, 210.0, 255.0], dtype=np.float32)
SKY_ZENITH = np.array([92.0, 142.0, 240.0], dtype=np.float32)
BRICK_SHIFT = 3  # rays jump over all-air bricks of 8^3 cells
_FASTMATH = {"nsz", "arcp", "contract", "afn", "reassoc"}  # no `nnan`/`ninf`: keep IEEE semantics


@njit(cache=True, inline="always")
def _hash(a, b, c, d, e, f):
    """32-bit integer hash of six ints: a fixed pseudo-random texture, identical every frame."""
    h = (a * 0x8DA6B343) ^ (b * 0xD8163841) ^ (c * 0xCB1AB31F)
    h = h ^ (d * 0x165667B1) ^ (e * 0x27D4EB2F) ^ (f * 0x9E3779B1)
    h &= 0xFFFFFFFF
    h ^= h >> 15
    h = (h * 0x2C1B3C6D) & 0xFFFFFFFF
    h ^= h >> 12
    h = (h * 0x297A2D39) & 0xFFFFFFFF
    h ^= h >> 15
    return h


@njit(cache=True, inline="always")
def _texel(p, c):
    """Index 0..7 of the 1/8-block texel that coordinate p falls in within cell c."""
    k = int((p - c) * 8.0)
    return 0 if k < 0 else (7 if k > 7 else k)


@njit(cache=True)
def _occupancy(cells, z_shift, z_bricks):
    """Which bricks hold any block, how high each brick column's blocks reach, and the
    height above which all is air. `cells` is the grid, or (z_shift 0) its rows read as
    uint64 words of 8 cells, one brick wide, which is 8x fewer reads.

    Each column is read from the top down: the first block found is the column's height,
    and below it one block is enough to mark its brick, so the scan jumps to the brick
    beneath (and over bricks a neighbouring column already marked). Under the ground
    nearly every brick is full, so a column costs about one read per brick, not per cell."""
    sx, sy, sz = cells.shape
    f = BRICK_SHIFT
    bricks = np.zeros((((sx - 1) >> f) + 1, ((sy - 1) >> f) + 1, z_bricks), np.uint8)
    tile_top = np.zeros((bricks.shape[0], z_bricks), np.int64)
    y_top = 0
    for x in range(sx):
        bx = x >> f
        for z in range(sz):
            tz = z >> z_shift
            y = sy - 1
            while y >= 0 and cells[x, y, z] == 0:
                y -= 1
            if y < 0:
                continue
            if y + 1 > tile_top[bx, tz]:
                tile_top[bx, tz] = y + 1
                y_top = max(y_top, y + 1)
            while y >= 0:
                if bricks[bx, y >> f, tz] or cells[x, y, z] != 0:
                    bricks[bx, y >> f, tz] = 1
                    y = ((y >> f) << f) - 1  # the top cell of the brick below
                else:
                    y -= 1
    return bricks, tile_top, y_top


@njit(cache=True, fastmath=_FASTMATH)
def _kernel(
    blocks,
    bricks,
    tile_top,
    y_top,
    eye,
    fwd,
    right,
    up,
    tan_h,
    tan_v,
    view_dist,
    top,
    side,
    speck,
    has_speck,
    shape,
    style,
    bedrock,
    face_light,
    sky_lo,
    sky_hi,
    mob_box,
    mob_col,
    mob_speck,
    mob_has_speck,
    mob_rect,
    out,
):
    """Cast one ray per pixel of `out` (H, W, 3) uint8; colours are float32 0..255 tables.

    Rays only walk y < y_top (above the highest block there is nothing but sky) and jump
    over all-air bricks and over the air above each brick column's highest block, so open
    air and sky cost a few steps instead of one per cell.
    """
    H, W = out.shape[0], out.shape[1]
    SX, SY, SZ = blocks.shape[0], y_top, blocks.shape[2]
    ex, ey, ez = eye[0], eye[1], eye[2]
    n_mobs = mob_box.shape[0]
    fog_start = 0.55 * view_dist
    fog_len = view_dist - fog_start
    for i in range(H):
        sy_ = (1.0 - 2.0 * (i + 0.5) / H) * tan_v
        for j in range(W):
            sx_ = (2.0 * (j + 0.5) / W - 1.0) * tan_h
            dx = fwd[0] + sx_ * right[0] + sy_ * up[0]
            dy = fwd[1] + sx_ * right[1] + sy_ * up[1]
            dz = fwd[2] + sx_ * right[2] + sy_ * up[2]
            norm = 1.0 / math.sqrt(dx * dx + dy * dy + dz * dz)
            dx *= norm
            dy *= norm
            dz *= norm
            # Sky for this direction: horizon colour at and below the horizon, bluer upwards.
            s = math.sqrt(dy) if dy > 0.0 else 0.0
            sky_r = sky_lo[0] + (sky_hi[0] - sky_lo[0]) * s
            sky_g = sky_lo[1] + (sky_hi[1] - sky_lo[1]) * s
            sky_b = sky_lo[2] + (sky_hi[2] - sky_lo[2]) * s
            # Keep every component away from 0 so reciprocals stay finite.
            if abs(dx) < 1e-7:
                dx = 1e-7
            if abs(dy) < 1e-7:
                dy = 1e-7
            if abs(dz) < 1e-7:
                dz = 1e-7
            ix, iy, iz = 1.0 / dx, 1.0 / dy, 1.0 / dz

            # Nearest mob box on this ray (slab test), limited to mobs whose screen box holds it.
            t_mob = 1e30
            mob = -1
            mob_face = 0
            for m in range(n_mobs):
                if (
                    i < mob_rect[m, 0]
                    or i > mob_rect[m, 1]
                    or j < mob_rect[m, 2]
                    or j > mob_rect[m, 3]
                ):
                    continue
                ax = (mob_box[m, 0] - ex) * ix
                bx = (mob_box[m, 3] - ex) * ix
                ay = (mob_box[m, 1] - ey) * iy
                by = (mob_box[m, 4] - ey) * iy
                az = (mob_box[m, 2] - ez) * iz
                bz = (mob_box[m, 5] - ez) * iz
                nx, fx = min(ax, bx), max(ax, bx)
                ny, fy = min(ay, by), max(ay, by)
                nz, fz = min(az, bz), max(az, bz)
                tn = max(nx, ny, nz)
                tf = min(fx, fy, fz)
                if tn <= tf and tn > 0.0 and tn < t_mob:
                    t_mob = tn
                    mob = m
                    if tn == nx:
                        mob_face = 4 if dx > 0 else 5
                    elif tn == ny:
                        mob_face = 1 if dy > 0 else 0
                    else:
                        mob_face = 2 if dz > 0 else 3

            # Clip the ray to the grid box; start at the eye or where the ray enters.
            ax = (0.0 - ex) * ix
            bx = (SX - ex) * ix
            ay = (0.0 - ey) * iy
            by = (SY - ey) * iy
            az = (0.0 - ez) * iz
            bz = (SZ - ez) * iz
            nx, ny, nz = min(ax, bx), min(ay, by), min(az, bz)
            t0 = max(nx, ny, nz)
            t1 = min(max(ax, bx), max(ay, by), max(az, bz))

            acc_r = 0.0
            acc_g = 0.0
            acc_b = 0.0
            trans = 1.0  # how much of what lies further along still shows (water in front)
            hit = False  # the ray ended on a surface (else it shows sky)
            hr = 0.0
            hg = 0.0
            hb = 0.0
            t_hit = 0.0

            if t1 >= max(t0, 0.0) and t0 < view_dist:
                face = -1  # face the ray entered the current cell through; -1: eye inside
                if t0 > 0.0:
                    t = t0
                    if t0 == nx:
                        face = 4 if dx > 0 else 5
                    elif t0 == ny:
                        face = 1 if dy > 0 else 0
                    else:
                        face = 2 if dz > 0 else 3
                else:
                    t = 0.0
                px = ex + dx * t
                py = ey + dy * t
                pz = ez + dz * t
                cx = min(max(math.floor(px), 0), SX - 1)
                cy = min(max(math.floor(py), 0), SY - 1)
                cz = min(max(math.floor(pz), 0), SZ - 1)
                # Make sure the entry face matches the clamped cell.
                if face == 4:
                    cx = 0
                elif face == 5:
                    cx = SX - 1
                elif face == 1:
                    cy = 0
                elif face == 0:
                    cy = SY - 1
                elif face == 2:
                    cz = 0
                elif face == 3:
                    cz = SZ - 1
                stx = 1 if dx > 0 else -1
                sty = 1 if dy > 0 else -1
                stz = 1 if dz > 0 else -1
                tmx = ((cx + (1 if dx > 0 else 0)) - ex) * ix
                tmy = ((cy + (1 if dy > 0 else 0)) - ey) * iy
                tmz = ((cz + (1 if dz > 0 else 0)) - ez) * iz
                tdx, tdy, tdz = abs(ix), abs(iy), abs(iz)
                prev = 0
                while True:
                    # The ray has entered cell (cx, cy, cz) at distance t through `face`.
                    if cx < 0 or cx >= SX or cz < 0 or cz >= SZ or cy >= SY:
                        break  # left the grid sideways or over the highest block: sky
                    if cy < 0:
                        # Below the world: bedrock floor, as seen from above.
                        if t <= view_dist and t < t_mob:
                            px = ex + dx * t
                            pz = ez + dz * t
                            h = _hash(cx, -1, cz, 0, _texel(px, cx), _texel(pz, cz))
                            lum = 0.9 + 0.2 * ((h >> 8) & 255) / 255.0
                            hr, hg, hb = bedrock[0] * lum, bedrock[1] * lum, bedrock[2] * lum
                            t_hit = t
                            hit = True
                        break
                    if t > view_dist or t >= t_mob:
                        break
                    k = BRICK_SHIFT
                    tx, tz = cx >> k, cz >> k
                    if bricks[tx, cy >> k, tz] == 0 or cy >= tile_top[tx, tz]:
                        # Empty space: an all-air brick, or the air above every block of this
                        # brick column. Jump to where the ray leaves that box.
                        n = 1 << k
                        x0, z0 = tx << k, tz << k
                        if cy >= tile_top[tx, tz]:
                            y0, y1 = tile_top[tx, tz], SY
                        else:
                            y0 = (cy >> k) << k
                            y1 = y0 + n
                        tbx = ((x0 + n if stx > 0 else x0) - ex) * ix
                        tby = ((y1 if sty > 0 else y0) - ey) * iy
                        tbz = ((z0 + n if stz > 0 else z0) - ez) * iz
                        if tbx < tby and tbx < tbz:
                            t = tbx
                            cx = x0 + n if stx > 0 else x0 - 1
                            cy = min(max(math.floor(ey + dy * t), y0), y1 - 1)
                            cz = min(max(math.floor(ez + dz * t), z0), z0 + n - 1)
                            face = 4 if stx > 0 else 5
                        elif tby < tbz:
                            t = tby
                            cy = y1 if sty > 0 else y0 - 1
                            cx = min(max(math.floor(ex + dx * t), x0), x0 + n - 1)
                            cz = min(max(math.floor(ez + dz * t), z0), z0 + n - 1)
                            face = 1 if sty > 0 else 0
                        else:
                            t = tbz
                            cz = z0 + n if stz > 0 else z0 - 1
                            cx = min(max(math.floor(ex + dx * t), x0), x0 + n - 1)
                            cy = min(max(math.floor(ey + dy * t), y0), y1 - 1)
                            face = 2 if stz > 0 else 3
                        tmx = ((cx + (1 if dx > 0 else 0)) - ex) * ix
                        tmy = ((cy + (1 if dy > 0 else 0)) - ey) * iy
                        tmz = ((cz + (1 if dz > 0 else 0)) - ez) * iz
                        prev = 0
                        continue
                    b = blocks[cx, cy, cz]
                    if b != 0:
                        sh = shape[b]
                        if sh in (CUBE, LEAVES) and face >= 0:
                            px = ex + dx * t
                            py = ey + dy * t
                            pz = ez + dz * t
                            if face < 2:
                                u, v = _texel(px, cx), _texel(pz, cz)
                            elif face < 4:
                                u, v = _texel(px, cx), _texel(py, cy)
                            else:
                                u, v = _texel(pz, cz), _texel(py, cy)
                            h = _hash(cx, cy, cz, face, u, v)
                            if sh == LEAVES and (h & 255) < 64:
                                pass  # a hole in the leaves: look further
                            else:
                                st = style[b]
                                if face < 2:
                                    cr, cg, cb = top[b, 0], top[b, 1], top[b, 2]
                                else:
                                    cr, cg, cb = side[b, 0], side[b, 1], side[b, 2]
                                bright = 0.9 + 0.2 * ((h >> 8) & 255) / 255.0
                                if st == LOG:
                                    if face < 2:  # growth rings on the cut
                                        ring = int(max(abs(u - 3.5), abs(v - 3.5)))
                                        if ring == 3:
                                            cr, cg, cb = side[b, 0], side[b, 1], side[b, 2]
                                        elif ring == 1:
                                            bright *= 0.8
                                    else:  # bark: vertical streaks
                                        bright = (
                                            0.8 + 0.3 * (_hash(cx, cz, face, u, 7, 1) & 255) / 255.0
                                        )
                                elif (
                                    st == GRASS_SIDE
                                    and face >= 2
                                    and (v == 7 or (v == 6 and (h >> 16) & 1))
                                ):
                                    cr, cg, cb = top[b, 0], top[b, 1], top[b, 2]  # grass fringe
                                if (
                                    has_speck[b]
                                    and ((h >> 20) & 255) < 56
                                    and not (st == LOG and face < 2)
                                ):
                                    cr, cg, cb = speck[b, 0], speck[b, 1], speck[b, 2]
                                lum = bright * face_light[face]
                                hr, hg, hb = cr * lum, cg * lum, cb * lum
                                t_hit = t
                                hit = True
                                break
                        elif sh == LIQUID:
                            # Water: the surface tints what lies behind; depth deepens it.
                            alpha = 0.6 if prev != b else 0.15
                            lum = 1.0 if face < 0 else face_light[face]
                            f = 0.0
                            if t > fog_start:
                                f = min((t - fog_start) / fog_len, 1.0)
                            w = trans * alpha
                            acc_r += w * (top[b, 0] * lum * (1.0 - f) + sky_r * f)
                            acc_g += w * (top[b, 1] * lum * (1.0 - f) + sky_g * f)
                            acc_b += w * (top[b, 2] * lum * (1.0 - f) + sky_b * f)
                            trans *= 1.0 - alpha
                        elif sh == PLANT:
                            # A cross of two diagonal planes; texels on them are blades or gaps.
                            t_out = min(tmx, tmy, tmz)
                            ox, oy, oz = ex - cx, ey - cy, ez - cz
                            ta = (oz - ox) / (dx - dz) if abs(dx - dz) > 1e-9 else -1.0
                            tb = (1.0 - ox - oz) / (dx + dz) if abs(dx + dz) > 1e-9 else -1.0
                            full = cy + 1 < SY and blocks[cx, cy + 1, cz] == b
                            found = False
                            for k in range(2):
                                if k == 0:
                                    tp, plane = (ta, 0) if ta < tb else (tb, 1)
                                else:
                                    tp, plane = (tb, 1) if ta < tb else (ta, 0)
                                if tp < t or tp > t_out or tp >= t_mob:
                                    continue
                                lx = ox + dx * tp
                                ly = oy + dy * tp
                                u = min(max(int(lx * 8.0), 0), 7)
                                v = min(max(int(ly * 8.0), 0), 7)
                                hc = _hash(cx, cy, cz, plane, u, 11)
                                if (hc & 255) >= (80 if full else 150):
                                    continue  # no blade in this column
                                height = 8 if full else 3 + (hc >> 8) % 6
                                if v >= height:
                                    continue
                                cr, cg, cb = side[b, 0], side[b, 1], side[b, 2]
                                if has_speck[b] and v >= height - 2 and (hc >> 16) % 3 != 0:
                                    cr, cg, cb = speck[b, 0], speck[b, 1], speck[b, 2]
                                lum = (0.8 if plane == 0 else 0.92) * (0.85 + 0.15 * v / 7.0)
                                hr, hg, hb = cr * lum, cg * lum, cb * lum
                                t_hit = tp
                                found = True
                                break
                            if found:
                                hit = True
                                break
                    prev = b
                    # Step into the next cell across the nearest boundary.
                    if tmx < tmy and tmx < tmz:
                        t = tmx
                        cx += stx
                        tmx += tdx
                        face = 4 if stx > 0 else 5
                    elif tmy < tmz:
                        t = tmy
                        cy += sty
                        tmy += tdy
                        face = 1 if sty > 0 else 0
                    else:
                        t = tmz
                        cz += stz
                        tmz += tdz
                        face = 2 if stz > 0 else 3

            if not hit and mob >= 0 and t_mob <= view_dist:
                # The mob is nearer than any block surface on this ray.
                px = ex + dx * t_mob
                py = ey + dy * t_mob
                pz = ez + dz * t_mob
                if mob_face < 2:
                    u = int((px - mob_box[mob, 0]) * 8.0)
                    v = int((pz - mob_box[mob, 2]) * 8.0)
                elif mob_face < 4:
                    u = int((px - mob_box[mob, 0]) * 8.0)
                    v = int((py - mob_box[mob, 1]) * 8.0)
                else:
                    u = int((pz - mob_box[mob, 2]) * 8.0)
                    v = int((py - mob_box[mob, 1]) * 8.0)
                if mob_box[mob, 3] - mob_box[mob, 0] >= 0.6:  # 2x2-texel patches on big mobs
                    u >>= 1
                    v >>= 1
                h = _hash(mob, 977, mob_face, u, v, 5)
                cr, cg, cb = mob_col[mob, 0], mob_col[mob, 1], mob_col[mob, 2]
                if mob_has_speck[mob] and (h & 255) < 80:
                    cr, cg, cb = mob_speck[mob, 0], mob_speck[mob, 1], mob_speck[mob, 2]
                lum = face_light[mob_face] * (0.92 + 0.16 * ((h >> 8) & 255) / 255.0)
                hr, hg, hb = cr * lum, cg * lum, cb * lum
                t_hit = t_mob
                hit = True

            if hit:
                if t_hit > fog_start:
                    f = min((t_hit - fog_start) / fog_len, 1.0)
                    hr = hr * (1.0 - f) + sky_r * f
                    hg = hg * (1.0 - f) + sky_g * f
                    hb = hb * (1.0 - f) + sky_b * f
            else:
                hr, hg, hb = sky_r, sky_g, sky_b
            r = acc_r + trans * hr
            g = acc_g + trans * hg
            bb = acc_b + trans * hb
            out[i, j, 0] = np.uint8(min(max(r, 0.0), 255.0))
            out[i, j, 1] = np.uint8(min(max(g, 0.0), 255.0))
            out[i, j, 2] = np.uint8(min(max(bb, 0.0), 255.0))


# Which of a box's 8 corners take the high coordinate on each axis.
_CORNERS = np.array([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)], dtype=bool)


class Renderer:
    """First-person view of a World, as VAB shows the agent (640x360, 70 degrees FOV)."""

    def __init__(
        self, height: int = 360, width: int = 640, fov_deg: float = 70.0, view_distance: int = 48
    ) -> None:
        self.height, self.width = int(height), int(width)
        self.fov_deg = float(fov_deg)
        self.view_distance = float(view_distance)
        # Minecraft's FOV is vertical; the horizontal one follows from the aspect ratio.
        self._tan_v = math.tan(math.radians(self.fov_deg) / 2.0)
        self._tan_h = self._tan_v * self.width / self.height
        pal = palette()
        self._top = pal.top.astype(np.float32)
        self._side = pal.side.astype(np.float32)
        self._speck = pal.speckle.astype(np.float32)
        self._has_speck = pal.has_speckle.astype(np.bool_)
        self._shape = np.array([_SHAPES[s] for s in pal.shape], dtype=np.int8)
        self._style = np.array(
            [
                LOG if n.endswith("_log") else GRASS_SIDE if n == "grass_block" else PLAIN
                for n in pal.names
            ],
            dtype=np.int8,
        )
        self._bedrock = pal.color[pal.id("bedrock")].astype(np.float32)
        self._entities = {
            kind: (
                np.array(e["size"], dtype=np.float64),
                np.array(e["color"], dtype=np.float32),
                np.array(e.get("speckle", e["color"]), dtype=np.float32),
                "speckle" in e,
            )
            for kind, e in pal.entities.items()
        }
        self._last: _Scene | None = None  # see render()
        self._shapes: tuple[tuple, _MobShapes | None] | None = None  # see _mob_shapes()

    def _basis(self, yaw: float, pitch: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Forward, right and up unit vectors for Minecraft's yaw (0 = +z, 90 = -x) and pitch."""
        y, p = math.radians(yaw), math.radians(pitch)
        fwd = np.array([-math.sin(y) * math.cos(p), -math.sin(p), math.cos(y) * math.cos(p)])
        right = np.array([-math.cos(y), 0.0, -math.sin(y)])
        up = np.cross(right, fwd)
        return fwd, right, up

    def _mob_shapes(self, world: World, key: tuple) -> _MobShapes | None:
        """The mobs' boxes, corners and colours, which depend on the mobs alone: kept
        while ``key`` (each mob's kind and feet, as ``render`` sees them) stays the same."""
        if self._shapes is not None and self._shapes[0] == key:
            return self._shapes[1]
        kinds = [
            (mob, self._entities[mob.kind]) for mob in world.mobs if mob.kind in self._entities
        ]
        n = len(kinds)
        shapes = None
        if n:
            pos = np.array([mob.pos for mob, _ in kinds], dtype=np.float64)
            size = np.array([spec[0] for _, spec in kinds], dtype=np.float64)  # (width, height)
            half = np.stack([size[:, 0] / 2, np.zeros(n), size[:, 0] / 2], 1)
            lo = pos - half
            hi = pos + half + np.stack([np.zeros(n), size[:, 1], np.zeros(n)], 1)
            shapes = _MobShapes(
                lo,
                hi,
                np.concatenate([lo, hi], 1),
                np.where(_CORNERS[None], hi[:, None], lo[:, None]),  # (n, 8, 3)
                np.array([spec[1] for _, spec in kinds], dtype=np.float32).reshape(n, 3),
                np.array([spec[2] for _, spec in kinds], dtype=np.float32).reshape(n, 3),
                np.array([spec[3] for _, spec in kinds], dtype=np.bool_),
            )
        self._shapes = (key, shapes)
        return shapes

    def _mobs(
        self,
        world: World,
        eye: np.ndarray,
        fwd: np.ndarray,
        right: np.ndarray,
        up: np.ndarray,
        key: tuple | None = None,
    ) -> tuple[np.ndarray, ...]:
        """Mob boxes and colours, plus the screen rectangle each can cover (to skip most rays)."""
        if key is None:
            key = _mob_key(world)
        shapes = self._mob_shapes(world, key)
        if shapes is None:
            return (
                np.zeros((0, 6)),
                np.zeros((0, 3), np.float32),
                np.zeros((0, 3), np.float32),
                np.zeros(0, np.bool_),
                np.zeros((0, 4), np.int64),
            )
        lo, hi = shapes.lo, shapes.hi
        near = np.linalg.norm(np.clip(eye, lo, hi) - eye, axis=1) <= self.view_distance
        corners = shapes.corners - eye  # (n, 8, 3)
        depth = corners @ fwd
        keep = near & ~(depth <= 0.0).all(1)  # drop mobs wholly behind the eye
        straddle = (depth <= 0.05).any(1)  # across the eye plane: test on every ray
        safe = np.where(depth > 0.05, depth, 1.0)
        j = ((corners @ right) / safe / self._tan_h + 1.0) * 0.5 * self.width
        i = (1.0 - (corners @ up) / safe / self._tan_v) * 0.5 * self.height
        rects = np.stack(
            [
                np.floor(i.min(1)) - 1,
                np.floor(i.max(1)) + 1,
                np.floor(j.min(1)) - 1,
                np.floor(j.max(1)) + 1,
            ],
            1,
        ).astype(np.int64)
        rects[straddle] = (0, self.height - 1, 0, self.width - 1)
        return (
            shapes.boxes[keep],
            shapes.cols[keep],
            shapes.specks[keep],
            shapes.has[keep],
            np.ascontiguousarray(rects[keep]),
        )

    def render(self, world: World, eye: np.ndarray, yaw: float, pitch: float) -> np.ndarray:
        """(height, width, 3) uint8 image from the eye position (x, y, z floats).

        The grid's occupancy is kept while the blocks stay the same (most steps break
        nothing), and so is the frame while nothing it shows changed either (a craft, an
        equip, an ``execute`` that found nothing): the same pixels either way."""
        eye = np.asarray(eye, dtype=np.float64).reshape(3)
        blocks = np.ascontiguousarray(world.blocks, dtype=np.uint8)
        view = (
            eye.tobytes(),
            np.array([yaw, pitch], np.float64).tobytes(),  # bit for bit
            _mob_key(world),
        )
        last = self._last
        if last is not None and same_grid(last.blocks, blocks):
            if last.view == view:
                return last.frame.copy()
        else:
            last = self._last = _Scene(blocks.copy(), *_occupied(blocks))
        fwd, right, up = self._basis(float(yaw), float(pitch))
        boxes, cols, specks, has, rects = self._mobs(world, eye, fwd, right, up, view[2])
        out = np.empty((self.height, self.width, 3), dtype=np.uint8)
        _kernel(
            blocks,
            last.bricks,
            last.tile_top,
            last.y_top,
            eye,
            fwd,
            right,
            up,
            self._tan_h,
            self._tan_v,
            self.view_distance,
            self._top,
            self._side,
            self._speck,
            self._has_speck,
            self._shape,
            self._style,
            self._bedrock,
            _FACE_LIGHT,
            SKY_HORIZON,
            SKY_ZENITH,
            boxes,
            cols,
            specks,
            has,
            rects,
            out,
        )
        last.view, last.frame = view, out
        return out.copy()


def _mob_key(world: World) -> tuple:
    """Each mob's kind and feet (their bytes): all of a mob that shows."""
    return tuple((mob.kind, np.asarray(mob.pos, np.float64).tobytes()) for mob in world.mobs)


@dataclass
class _MobShapes:
    """The boxes (lo, hi, both in a row), the 8 corners and the colours of the mobs."""

    lo: np.ndarray
    hi: np.ndarray
    boxes: np.ndarray
    corners: np.ndarray
    cols: np.ndarray
    specks: np.ndarray
    has: np.ndarray


def _occupied(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """``_occupancy`` of a C-contiguous uint8 grid, in words of 8 cells where z allows."""
    sz = blocks.shape[2]
    if BRICK_SHIFT == 3 and sz % 8 == 0:
        return _occupancy(blocks.view(np.uint64), 0, sz >> 3)
    return _occupancy(blocks, BRICK_SHIFT, ((sz - 1) >> BRICK_SHIFT) + 1)


@dataclass
class _Scene:
    """What the last frame was made from: a copy of the grid and its occupancy, and the
    eye, view and mobs (kind, feet) of the frame itself (their bytes: the same inputs,
    bit for bit, give the same pixels)."""

    blocks: np.ndarray
    bricks: np.ndarray
    tile_top: np.ndarray
    y_top: int
    view: tuple | None = None
    frame: np.ndarray | None = None
