# Writes Tests/GUPAnalysisTests/Fixtures/incidents-dates (hand-made, Lambert-93 metres).
import json, sys
X0, Y0 = 700000.0, 6600000.0
out = sys.argv[1]
CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}
def rect(a, b, c, d):
    return {"type": "Polygon", "coordinates": [[[X0+a, Y0+b], [X0+c, Y0+b], [X0+c, Y0+d], [X0+a, Y0+d], [X0+a, Y0+b]]]}
def pt(x, y): return {"type": "Point", "coordinates": [X0+x, Y0+y]}
def fc(fs): return {"type": "FeatureCollection", "crs": CRS, "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in fs]}
zones = [({"nom": "Nord"}, rect(0, 0, 100, 100)), ({"nom": "Centre"}, rect(40, 40, 60, 60)), ({"nom": "Sud"}, rect(200, 0, 300, 100))]
I = [
 (20, 20, {"categorie": "tag", "date": "2025-01-15", "date_resolution": "2025-01-20"}),
 (50, 50, {"categorie": "tag", "date": "2025-03-01T10:00:00Z", "date_resolution": "2025-04-15"}),
 (45, 55, {"categorie": "depot_sauvage", "date": "2025-06-30T23:59:59+02:00", "date_resolution": None}),
 (80, 80, {"categorie": "depot_sauvage", "date": "fin décembre 2025", "date_resolution": "2026-01-05"}),
 (10, 90, {"categorie": "depot_sauvage"}),
 (250, 50, {"categorie": "tag", "date": "2026-02-10", "date_resolution": "2026-02-01"}),
 (260, 60, {"categorie": "encombrants", "date": "2026-02-28 08:15", "date_resolution": "2026-03-30"}),
 (270, 70, {"categorie": "encombrants", "date": "2026-07-01", "date_resolution": "2026-08-01T12:00:00"}),
 (500, 500, {"categorie": "tag", "date": "2025-05-05"}),
 (100, 50, {"categorie": "tag", "date": "2025-05-05"}),
 (230, 40, {"categorie": "epave", "date": 20250101}),
 (240, 30, {"date": "2025-02-02"}),
]
incidents = [(dict(id=k + 1, **p), pt(x, y)) for k, (x, y, p) in enumerate(I)]
u = {"type": "Polygon", "coordinates": [[[X0+x, Y0+y] for x, y in [(10,10),(90,10),(90,90),(70,90),(70,30),(30,30),(30,90),(10,90),(10,10)]]]}
residences = [({"nom": "Résidence U", "logements": 120}, u), ({"nom": "Les Tilleuls", "nb_logements": "45"}, rect(210, 10, 230, 30)),
              ({"nom": "Sans nombre"}, rect(240, 10, 260, 30))]
for name, fs in [("zones", zones), ("incidents", incidents), ("residences", residences)]:
    json.dump(fc(fs), open(f"{out}/{name}.geojson", "w"), ensure_ascii=False, indent=0)
