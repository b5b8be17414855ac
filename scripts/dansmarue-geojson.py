#!/usr/bin/env python3
"""Converts the DansMaRue CSV sample (shared/data/dansmarue-paris-echantillon-2020.csv)
to GeoJSON for the tests, until gup reads CSV exports itself, and writes square
zones (2.5 km, Lambert-93) over Paris to count the reports in (Paris quartier
polygons are not in shared/data).

usage: python3 scripts/dansmarue-geojson.py CSV OUTDIR   (needs pyproj for the squares)
"""
import csv, json, sys
from pyproj import Transformer

src, out = sys.argv[1], sys.argv[2]
features = []
with open(src, encoding="utf-8") as f:
    for row in csv.DictReader(f, delimiter=";"):
        lat, lon = (float(v) for v in row["geo_point_2d"].split(","))
        features.append({"type": "Feature", "properties": {
            "id": int(row["ID_DECLARATION"]),
            "categorie": row["TYPE_DECLARATION"],
            "sous_categorie": row["SOUS TYPE DECLARATION"],
            "date": row["DATE DECLARATION"],
            "arrondissement": int(row["ARRONDISSEMENT"]),
            "conseil_quartier": row["CONSEIL DE QUARTIER"],
            "intervenant": row["INTERVENANT"],
        }, "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}})
with open(f"{out}/signalements.geojson", "w", encoding="utf-8") as f:
    json.dump({"type": "FeatureCollection", "features": features}, f, ensure_ascii=False)

# 4 × 4 squares of 2.5 km from (647000, 6857000) in Lambert-93, in WGS 84.
to_wgs = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
squares = []
for i in range(4):
    for j in range(4):
        x0, y0, s = 647000 + 2500 * i, 6857000 + 2500 * j, 2500
        ring = []
        for (x, y) in [(x0, y0), (x0 + s, y0), (x0 + s, y0 + s), (x0, y0 + s), (x0, y0)]:
            ring.append([round(c, 7) for c in to_wgs.transform(x, y)])
        squares.append({"type": "Feature", "properties": {"nom": f"carré {'ABCD'[j]}{i + 1}"},
                        "geometry": {"type": "Polygon", "coordinates": [ring]}})
with open(f"{out}/carres.geojson", "w", encoding="utf-8") as f:
    json.dump({"type": "FeatureCollection", "features": squares}, f, ensure_ascii=False)
print(len(features), "signalements,", len(squares), "carrés")
