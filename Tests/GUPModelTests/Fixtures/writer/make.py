#!/usr/bin/env python3
"""Expected outputs of GeoJSONWriter (precision 7), computed independently:
json + shapely's orient (exterior counter-clockwise, holes clockwise) + round(x, 7);
positions reduced to 2D (the model keeps x, y). Run from this folder: python3 make.py"""
import glob, json, os
from shapely.geometry import shape, mapping
from shapely.geometry.polygon import orient

def r(c):
    return [round(c[0], 7), round(c[1], 7)]

def fix(g):
    if g is None:
        return None
    t = g["type"]
    if t == "GeometryCollection":
        return {"type": t, "geometries": [fix(x) for x in g["geometries"]]}
    c = g["coordinates"]
    if t == "Point":
        c = r(c)
    elif t in ("MultiPoint", "LineString"):
        c = [r(p) for p in c]
    elif t == "MultiLineString":
        c = [[r(p) for p in l] for l in c]
    elif t in ("Polygon", "MultiPolygon"):
        polys = [c] if t == "Polygon" else c
        out = []
        for rings in polys:
            o = orient(shape({"type": "Polygon", "coordinates": [[p[:2] for p in ring] for ring in rings]}), sign=1.0)
            out.append([[r(p) for p in o.exterior.coords]] + [[r(p) for p in h.coords] for h in o.interiors])
        c = out[0] if t == "Polygon" else out
    return {"type": t, "coordinates": c}

for case in sorted(glob.glob("*/in/*.geojson")):
    doc = json.load(open(case, encoding="utf-8"))
    feats = doc["features"] if doc["type"] == "FeatureCollection" else [doc]
    out = {"type": "FeatureCollection", "features": []}
    for f in feats:
        g = {"type": "Feature"}
        if "id" in f:
            g["id"] = f["id"]
        g["properties"] = f.get("properties") or {}
        g["geometry"] = fix(f.get("geometry"))
        out["features"].append(g)
    dst = case.replace("/in/", "/out/")
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False)
