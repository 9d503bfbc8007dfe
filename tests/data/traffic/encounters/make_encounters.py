#!/usr/bin/env python3
"""Builds the alerting test encounters from real tracks of ../switzerland.json.gz (OpenSky Network data via the
`traffic` library, MIT; see tests/data/README.md). Run from this folder: python3 make_encounters.py

Each file is in the same `traffic` JSON format as its source (gzipped array of {timestamp ms, icao24, callsign,
latitude, longitude, altitude ft, groundspeed kt, track deg, vertical_rate ft/min}), one report every 10 s.

formation.json.gz  EZY53JP (4401d4) as recorded, FL380, 27 min; and EXS1262 (407180), which flew the same route
                   at another time, moved in time onto EZY53JP's start and in position to 1 NM right of and 1 NM ahead
                   of it, 1000 ft below, with a slow vertical wander added (two sines, +-150 ft at most) so that the spacing wanders
                   around 1000 ft; its altitude is then rounded to 25 ft (ADS-B quantisation) and its vertical rate
                   to 64 ft/min (ADS-B resolution). The horizontal spacing (0.5-5 NM) is the real drift between the
                   two flights plus the shift. Both aircraft keep their real noise (positions, speeds, altitude
                   steps, vertical rates).
parallel.json.gz   the same two flights at the same level (FL380), EXS1262 moved onto EZY53JP's start 4 NM to
                   its right and 1 NM ahead: parallel traffic near the 5 NM minimum (4.1-7.3 NM).
crossing.json.gz   DLH42K (3c6659) and BAW2677 (406b5a), which really crossed at 92 degrees 0.65 NM apart at FL340
                   / FL360 at 2018-08-01 20:06:10 UTC; BAW2677 moved 1500 ft down (FL345): a real crossing geometry
                   that loses separation. Reports from 10 minutes before to 5 minutes after the crossing.
"""
import gzip
import json
import math

SRC = "../switzerland.json.gz"
NM_DEG_LAT = 1.0 / 60.0


def segments(records, icao):
    rs = sorted((r for r in records if r["icao24"] == icao), key=lambda r: r["timestamp"])
    segs, cur = [], []
    for r in rs:
        if cur and r["timestamp"] - cur[-1]["timestamp"] > 60000:
            segs.append(cur)
            cur = []
        cur.append(r)
    segs.append(cur)
    return segs


def longest(records, icao, callsign=None):
    """the longest continuous flight of the aircraft (no gap over 60 s), of that callsign if given"""
    segs = [g for g in segments(records, icao) if callsign is None or g[0]["callsign"] == callsign]
    return max(segs, key=len)


def shifted(track, t0_ms, lat0, lon0, east_nm, north_nm, alt_ft, wander=None):
    """track moved in time so that it starts at t0_ms and in position so that it starts at (lat0, lon0) plus an
    east/north offset; alt_ft added to its altitude, plus wander(t) (ft, and its rate in ft/min)."""
    first = track[0]
    dlat = lat0 - first["latitude"] + north_nm * NM_DEG_LAT
    dlon = lon0 - first["longitude"] + east_nm * NM_DEG_LAT / math.cos(math.radians(lat0))
    out = []
    for r in track:
        q = dict(r)
        q["timestamp"] = r["timestamp"] - first["timestamp"] + t0_ms
        q["latitude"] = r["latitude"] + dlat
        q["longitude"] = r["longitude"] + dlon
        t = (q["timestamp"] - t0_ms) / 1000.0
        dz, dvz = wander(t) if wander else (0.0, 0.0)
        q["altitude"] = round((r["altitude"] + alt_ft + dz) / 25.0) * 25.0
        q["vertical_rate"] = round(((r["vertical_rate"] or 0.0) + dvz) / 64.0) * 64.0
        out.append(q)
    return out


def formation_wander(t):
    w1, w2 = 2 * math.pi / 470.0, 2 * math.pi / 131.0
    dz = -100.0 * math.sin(w1 * t) + 50.0 * math.sin(w2 * t + 1.0)
    dvz = (-100.0 * w1 * math.cos(w1 * t) + 50.0 * w2 * math.cos(w2 * t + 1.0)) * 60.0
    return dz, dvz


def offset(track, right_nm, ahead_nm):
    """east/north offset of right_nm to the right of and ahead_nm ahead along the track's first course."""
    r, a = math.radians(track[0]["track"] + 90.0), math.radians(track[0]["track"])
    return right_nm * math.sin(r) + ahead_nm * math.sin(a), right_nm * math.cos(r) + ahead_nm * math.cos(a)


def write(name, records):
    records = sorted(records, key=lambda r: (r["timestamp"], r["icao24"]))
    with gzip.open(name, "wt") as f:
        json.dump(records, f, separators=(",", ":"))


def report(name, a, b):
    bt = {r["timestamp"] // 10000: r for r in b}  # reports of the same 10 s
    hs, vs = [], []
    for r in a:
        q = bt.get(r["timestamp"] // 10000)
        if not q:
            continue
        x = (q["longitude"] - r["longitude"]) * math.cos(math.radians(r["latitude"])) * 60
        y = (q["latitude"] - r["latitude"]) * 60
        hs.append(math.hypot(x, y))
        vs.append(abs(q["altitude"] - r["altitude"]))
    los = [h < 5 and v < 900 for h, v in zip(hs, vs)]
    spans = sum(1 for i, x in enumerate(los) if x and (i == 0 or not los[i - 1]))
    print(f"{name}: {len(hs)} common reports, horizontal {min(hs):.2f}-{max(hs):.2f} NM, vertical "
          f"{min(vs):.0f}-{max(vs):.0f} ft, {sum(los)} reports in loss (<5 NM, <900 ft) in {spans} spans")


def main():
    records = json.load(gzip.open(SRC))
    lead = longest(records, "4401d4", "EZY53JP")     # EZY53JP
    other = longest(records, "407180", "EXS1262")    # EXS1262
    t0, lat0, lon0 = lead[0]["timestamp"], lead[0]["latitude"], lead[0]["longitude"]
    alt_shift = lead[0]["altitude"] - other[0]["altitude"]

    e, n = offset(lead, 1.0, 1.0)
    wing = shifted(other, t0, lat0, lon0, e, n, alt_shift - 1000.0, formation_wander)
    report("formation", lead, wing)
    write("formation.json.gz", lead + wing)

    e, n = offset(lead, 4.0, 1.0)
    par = shifted(other, t0, lat0, lon0, e, n, alt_shift)
    report("parallel", lead, par)
    write("parallel.json.gz", lead + par)

    cross_t = 1533153970000  # 2018-08-01 20:06:10 UTC, closest approach of the two
    a = [r for r in longest(records, "3c6659", "DLH42K") if cross_t - 600000 <= r["timestamp"] <= cross_t + 300000]
    b = [r for r in longest(records, "406b5a", "BAW2677") if cross_t - 600000 <= r["timestamp"] <= cross_t + 300000]
    b = [dict(r, altitude=r["altitude"] - 1500.0) for r in b]
    report("crossing", a, b)
    write("crossing.json.gz", a + b)


if __name__ == "__main__":
    main()
