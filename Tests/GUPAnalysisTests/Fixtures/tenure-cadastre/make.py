#!/usr/bin/env python3
"""Builds this fixture from the real cadastre (run from this folder):
    python3 make.py /work/shared/data/cadastre-91216-parcelles.geojson
Writes parcelles.geojson (sections AC, AD, AE of Épinay-sur-Orge, as published),
gestionnaires.csv (managers written for the test, a few parcels deliberately
left out), perimetres.geojson (a quartier drawn over the three sections) and
expected/ (reference.py on the same input, unmatched parcels counted as
"(gestionnaire inconnu)" as gup does)."""
import json, os, subprocess, sys, tempfile
import geopandas as gpd
from shapely.geometry import Polygon, mapping
from pyproj import Transformer

src = sys.argv[1]
d = json.load(open(src))
feats = [f for f in d["features"] if f["properties"]["section"] in ("AC", "AD", "AE")]
json.dump({"type": "FeatureCollection", "features": feats}, open("parcelles.geojson", "w"), ensure_ascii=False)

rows, left_out = [], []
for k, f in enumerate(feats):
    p = f["properties"]; n = int(p["numero"])
    if k % 97 == 5:
        left_out.append(f["id"]); continue
    if p["section"] == "AC":
        g = "Cœur d'Essonne Agglomération"
    elif p["section"] == "AD":
        g = "Ville" if n % 2 == 0 else "Essonne Habitat"
    else:
        g = "Copropriété Les Tilleuls" if n < 120 else ("Ville" if n % 3 == 0 else "Essonne Habitat")
    rows.append((f["id"], g))
with open("gestionnaires.csv", "w") as fh:
    fh.write("id,gestionnaire\n")
    for i, g in rows:
        fh.write(f'{i},"{g}"\n' if "," in g else f"{i},{g}\n")

to_ll = Transformer.from_crs(2154, 4326, always_xy=True)
def ll(ring): return [tuple(round(c, 7) for c in to_ll.transform(x, y)) for x, y in ring]
quartier = Polygon(ll([(649900, 6841650), (650700, 6841560), (651100, 6841800), (650950, 6842300), (650100, 6842350), (649900, 6841650)]))
petit = Polygon(ll([(650300, 6841900), (650500, 6841900), (650500, 6842050), (650300, 6842050), (650300, 6841900)]))
pf = [{"type": "Feature", "properties": {"nom": n}, "geometry": mapping(g)} for n, g in [("Grand quartier", quartier), ("Îlot central", petit)]]
json.dump({"type": "FeatureCollection", "features": pf}, open("perimetres.geojson", "w"), ensure_ascii=False)

# reference outputs on the joined parcels
with tempfile.TemporaryDirectory() as tmp:
    g = gpd.read_file("parcelles.geojson")
    m = dict(rows)
    g["gestionnaire"] = [m.get(i, "(gestionnaire inconnu)") for i in g["id"]]
    g.to_file(os.path.join(tmp, "parcelles.geojson"), driver="GeoJSON")
    gpd.read_file("perimetres.geojson").to_file(os.path.join(tmp, "perimetres.geojson"), driver="GeoJSON")
    subprocess.run([sys.executable, "/work/shared/tools/reference.py", tmp, "expected", "--steps", "domanialite",
                    "--name-field", "nom"], check=True)
print(len(feats), "parcels,", len(rows), "managers,", len(left_out), "left out:", left_out)
