#!/usr/bin/env python3
"""Writes the verifier fixtures: each case's input file and the issues expected.

A defect is written at a marker (`marker`, occurrence `nth` on line `line`); its
expected line:column is where the marker is (columns count characters). Run
from this folder: python3 make.py
"""
import os

CASES = {}

def case(name, text, expected):
    CASES[name] = (text, expected)

F = '{"type": "Feature", "properties": {}, "geometry": '

case("syntaxe-virgule", '{"type": "FeatureCollection", "features": [\n' + F + 'null},\n]}\n',
     [("erreur", 3, "]", 1, "/features/1", "JSON invalide")])
case("tronque", '{"type": "FeatureCollection", "features": [{"type": "Feature", ',
     [("erreur", 1, None, 0, "/features/0", "fin de fichier")])
case("vide", "", [("erreur", 1, None, 0, "racine", "vide")])
case("types", '{"type": "FeatureCollection", "features": [\n'
     '{"type": "feature", "properties": {}, "geometry": null},\n'
     + F + '{"type": "Pointe", "coordinates": [1, 2]}},\n'
     + F + '{"type": "Feature", "properties": {}, "geometry": null}}\n]}\n',
     [("erreur", 2, '"feature"', 1, "/features/0/type", "Feature"),
      ("erreur", 3, '"Pointe"', 1, "/features/1/geometry/type", "inconnu"),
      ("erreur", 4, '"Feature"', 2, "/features/2/geometry/type", "type de géométrie attendu")])
case("membres", '{"type": "FeatureCollection", "features": [\n'
     '{"type": "Feature", "geometry": null},\n'
     '{"type": "Feature", "properties": {}},\n'
     '{"type": "Feature", "properties": [], "geometry": null},\n'
     + F + '{"type": "Point"}},\n'
     + F + '{"type": "GeometryCollection"}},\n'
     + F + 'null, "coordinates": [1, 2]},\n'
     + F + 'null, "features": []},\n'
     '{"type": "Feature", "id": true, "properties": {}, "geometry": null},\n'
     '{"type": "Feature", "properties": {"a": 1, "a": 2}, "geometry": null}\n'
     '], "geometries": []}\n',
     [("erreur", 2, "{", 1, "/features/0", "properties"),
      ("erreur", 3, "{", 1, "/features/1", "geometry"),
      ("erreur", 4, "[", 1, "/features/2/properties", "properties"),
      ("erreur", 5, '{"type": "Point"', 1, "/features/3/geometry", "coordinates"),
      ("erreur", 6, '{"type": "GeometryCollection"', 1, "/features/4/geometry", "geometries"),
      ("erreur", 7, '"coordinates"', 1, "/features/5/coordinates", "ne doit pas"),
      ("erreur", 8, '"features"', 1, "/features/6/features", "ne doit pas"),
      ("erreur", 9, "true", 1, "/features/7/id", "chaîne ou un nombre"),
      ("erreur", 10, '"a"', 2, "/features/8/properties/a", "en double"),
      ("erreur", 11, '"geometries"', 1, "/geometries", "ne doit pas")])
case("doublon-racine", '{"type": "FeatureCollection",\n "type": "FeatureCollection", "features": []}\n',
     [("erreur", 2, '"type"', 1, "/type", "en double")])
case("coordonnees", '{"type": "FeatureCollection", "features": [\n'
     + F + '{"type": "Point", "coordinates": [1]}},\n'
     + F + '{"type": "Point", "coordinates": [1, 2, 3, 4]}},\n'
     + F + '{"type": "LineString", "coordinates": [[1, 2]]}},\n'
     + F + '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}},\n'
     + F + '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}},\n'
     + F + '{"type": "Point", "coordinates": [1, "2"]}},\n'
     '{"type": "Feature", "bbox": [0, 0, 1], "properties": {}, "geometry": {"type": "Point", "coordinates": [1, 2]}}\n]}\n',
     [("erreur", 2, "[1]", 1, "/features/0/geometry/coordinates", "position de 1"),
      ("erreur", 3, "[1, 2, 3, 4]", 1, "/features/1/geometry/coordinates", "position de 4"),
      ("erreur", 4, "[[1, 2]]", 1, "/features/2/geometry/coordinates", "LineString de 1"),
      ("erreur", 5, "[[0, 0]", 1, "/features/3/geometry/coordinates/0", "non fermé"),
      ("erreur", 6, "[[0, 0]", 1, "/features/4/geometry/coordinates/0", "anneau de 3"),
      ("erreur", 7, '"2"', 1, "/features/5/geometry/coordinates/1", "non numérique"),
      ("erreur", 8, "[0, 0, 1]", 1, "/features/6/bbox", "bbox")])
case("avertissements", '{"type": "FeatureCollection", "features": [\n'
     + F + '{"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}},\n'
     + F + '{"type": "GeometryCollection", "geometries": [{"type": "GeometryCollection", "geometries": []}]}},\n'
     + F + '{"type": "Point", "coordinates": [2.123456789, 48.1]}}\n]}\n',
     [("avertissement", 2, "[[0, 0]", 1, "/features/0/geometry/coordinates/0", "sens horaire"),
      ("avertissement", 3, '{"type": "GeometryCollection"', 2, "/features/1/geometry/geometries/0", "imbriquée"),
      ("avertissement", 4, "2.123456789", 1, "/features/2/geometry/coordinates/0", "7 décimales")])
case("lambert-sans-crs", '{"type": "FeatureCollection", "features": [\n'
     + F + '{"type": "Point", "coordinates": [652000.5, 6862000.25]}}\n]}\n',
     [("erreur", 2, "[652000.5", 1, "/features/0/geometry/coordinates", "Lambert-93")])
case("lambert-avec-crs", '{"type": "FeatureCollection",\n'
     '"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}},\n'
     '"features": [\n' + F + '{"type": "Point", "coordinates": [652000.5, 6862000.25]}}\n]}\n',
     [("avertissement", 2, '"crs"', 1, "/crs", "obsolète")])
case("suite-lignes",
     F + '{"type": "Point", "coordinates": [1, 2]}}\n' + F + '{"type": "Point", "coordinates": [1]}}\n',
     [("erreur", 2, "[1]", 1, "texte n° 2, /geometry/coordinates", "position de 1")])
case("suite-rs",
     "\x1e" + F + '{"type": "Point", "coordinates": [1, 2]}}\n\x1e' + F + '{"type": "LineString", "coordinates": [[1, 2]]}}\n',
     [("erreur", 2, "[[1, 2]]", 1, "texte n° 2, /geometry/coordinates", "LineString de 1")])
case("valide-bom", "\ufeff" + '{"type": "FeatureCollection", "features": [\n'
     '{"type": "Feature", "id": "a1", "properties": {"nom": "Les Épinettes"}, "geometry": {"type": "Polygon", "coordinates": [[[2.1, 48.1], [2.2, 48.1], [2.2, 48.2], [2.1, 48.1]]]}}\n]}\n',
     [])

for name, (text, expected) in CASES.items():
    os.makedirs(f"{name}/in", exist_ok=True)
    os.makedirs(f"{name}/out", exist_ok=True)
    with open(f"{name}/in/{name}.geojson", "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    lines = text.split("\n")
    out = []
    for sev, line, marker, nth, pointer, words in expected:
        l = lines[line - 1]
        if marker is None:
            col = len(l.lstrip("\ufeff")) + 1 if text else 1   # at the end of the (only) line
        else:
            col, start = -1, 0
            for _ in range(nth):
                col = l.index(marker, start)
                start = col + 1
            col = len(l[:col].lstrip("\ufeff")) + 1 if line == 1 else col + 1
        out.append(f"{sev}\t{line}:{col}\t{pointer}\t{words}\n")
    with open(f"{name}/out/{name}.txt", "w", encoding="utf-8") as fh:
        fh.writelines(out)
