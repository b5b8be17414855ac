#!/usr/bin/env python3
"""Builds this fixture from the real cadastre (run from this folder):
    python3 make.py /work/shared/data/cadastre-91216-parcelles.geojson
Writes secteurs.geojson (the Épinay-sur-Orge parcels inside the perimeters'
extent, as published, each a cleaning sector with a cleaner chosen by section,
plus one drawn street-cleaning sector over them), perimetres.geojson (three
quartiers drawn over the commune) and expected/ (reference.py --steps
nettoyage --grille 0.001: geopandas with every overlay on the 1 mm grid, as
gup does). expected-sans-grille/ is the same without the grid, for comparison."""
import json, os, subprocess, sys
import shapely
from shapely.geometry import Polygon, mapping, shape, box
from pyproj import Transformer

src = sys.argv[1]
d = json.load(open(src))
to_ll = Transformer.from_crs(2154, 4326, always_xy=True)
to_l93 = Transformer.from_crs(4326, 2154, always_xy=True)
def ll(ring): return [tuple(round(c, 7) for c in to_ll.transform(x, y)) for x, y in ring]

quartiers = [
    ("Les Rosières", [(649700, 6841300), (650450, 6841250), (650520, 6841950), (649780, 6842020), (649700, 6841300)]),
    ("Centre", [(650100, 6841750), (651000, 6841700), (651050, 6842200), (650150, 6842250), (650100, 6841750)]),
    ("Le Breuil", [(649100, 6840800), (649900, 6840850), (649950, 6841500), (649150, 6841450), (649100, 6840800)]),
]
extent = shapely.union_all([Polygon(r) for _, r in quartiers])
cleaner = {"AK": "Ville", "AD": "Ville", "AE": "Essonne Nettoyage", "AI": "Essonne Nettoyage", "AN": "Essonne Nettoyage",
           "AL": "Sud Propreté", "ZD": "Sud Propreté", "AM": "Sud Propreté"}
feats = []
for f in d["features"]:
    g = shape(f["geometry"])
    if not extent.intersects(Polygon([to_l93.transform(x, y) for x, y in g.exterior.coords])):
        continue
    p = f["properties"]
    feats.append({"type": "Feature", "id": f["id"],
                  "properties": {"secteur": f["id"], "intervenant": cleaner.get(p["section"], "Ville")},
                  "geometry": f["geometry"]})
# A drawn street-cleaning sector across the Centre quartier (overlaps parcels: double coverage).
voirie = Polygon(ll([(650100, 6841950), (651050, 6841930), (651050, 6841990), (650100, 6842010), (650100, 6841950)]))
feats.append({"type": "Feature", "properties": {"secteur": "voirie-1", "intervenant": "Régie voirie"}, "geometry": mapping(voirie)})
json.dump({"type": "FeatureCollection", "features": feats}, open("secteurs.geojson", "w"), ensure_ascii=False)

pf = [{"type": "Feature", "properties": {"nom": n}, "geometry": mapping(Polygon(ll(r)))} for n, r in quartiers]
json.dump({"type": "FeatureCollection", "features": pf}, open("perimetres.geojson", "w"), ensure_ascii=False)

# Threshold 10 m² (the default) and 0 (every piece, slivers included: where the grid matters).
for out, extra in [("expected", ["--grille", "0.001"]), ("expected-seuil-0", ["--grille", "0.001", "--seuil", "0"])]:
    subprocess.run([sys.executable, "/work/shared/tools/reference.py", ".", out, "--steps", "nettoyage",
                    "--name-field", "nom"] + extra, check=True)
print(len(feats), "sectors")
