#!/usr/bin/env python3
"""Adds deliberate repeated reports to the demo incidents (Data/demo/incidents.geojson),
as open-data feeds have them: the same object reported again a few metres and hours
later. Run once after tools/city.py; ids 5001 and up. Deterministic (no randomness).

usage: python3 scripts/demo-repeats.py Data/demo/incidents.geojson
"""
import json, math, sys
from datetime import datetime, timedelta

path = sys.argv[1]
o = json.load(open(path, encoding="utf-8"))
feats = o["features"]
assert all(f["properties"]["id"] <= 5000 for f in feats), "repeats already added"
M_LAT = 1 / 111_320.0  # degrees of latitude per metre

def shifted(f, east_m, north_m, hours, new_id):
    lon, lat = f["geometry"]["coordinates"]
    m_lon = M_LAT / math.cos(math.radians(lat))
    d = datetime.fromisoformat(f["properties"]["date"]) + timedelta(hours=hours)
    p = dict(f["properties"], id=new_id, date=d.strftime("%Y-%m-%dT%H:%M:%S"))
    return {"type": "Feature", "properties": p,
            "geometry": {"type": "Point", "coordinates": [round(lon + east_m * m_lon, 7), round(lat + north_m * M_LAT, 7)]}}

new = []
# Ten reports repeated once, 5 to 9 m away, 1 to 10 h later (ids 5001-5010).
for k, src in enumerate(range(250, 5000, 475)):
    new.append(shifted(feats[src - 1], 5 + k % 5, 0, 1 + k, 5001 + len(new)))
# One chain: A (report 100), B 10 m and 1 h after A, C 20 m and 2 h after A (10 m from B):
# with --fusion-doublons 15:48, B is merged into A and C is kept (no chaining).
a = feats[99]
new.append(shifted(a, 10, 0, 1, 5001 + len(new)))
new.append(shifted(a, 20, 0, 2, 5001 + len(new)))
o["features"] = feats + new
with open(path, "w", encoding="utf-8") as f:
    json.dump(o, f)
print(len(new), "signalements répétés ajoutés")
