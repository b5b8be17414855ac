#!/usr/bin/python3
"""Opens a dossier's QGIS project (dossier.qgs) with QGIS itself, headless,
and checks what the GIS hand-over promises:
- the project reads, every layer is valid, project and layers in the CRS given;
- each GeoPackage layer has as many features in QGIS as `ogrinfo` counts,
  and the geometry type `ogrinfo` reports (MultiPolygon for areal layers,
  Point for point layers, MultiLineString for the route);
- the managers' renderer of `parcelles` and `domanialite` has one category
  per manager of the layer, coloured as the plans de masse colour it (read
  from every QUARTIER/plan_masse.svg of the dossier).
With --image FICHIER.png it also renders the project's view to a PNG.

Run by the test testDossierQGISProjectLoadsInQGIS (Debian's python3-qgis;
/usr/bin/python3, QT_QPA_PLATFORM=offscreen):
    /usr/bin/python3 scripts/verifier-qgis.py DOSSIER/dossier.qgs --crs EPSG:2154
Prints one line per layer; exit 0 when all holds, 1 with the reasons.
"""
import argparse
import glob
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The geometry type ogrinfo must report for each kind of GeoPackage table.
AREAL = "Multi Polygon"
EXPECTED_TYPES = {
    "perimetres": AREAL, "parcelles": AREAL, "residences": AREAL, "secteurs_nettoyage": AREAL,
    "domanialite": AREAL, "chevauchements": AREAL, "non_cadastre": AREAL, "lacunes": AREAL,
    "doublons": AREAL, "points_chauds": AREAL, "zones_chaudes": AREAL,
    "signalements": "Point", "parcours_arrets": "Point", "parcours": "Multi Line String",
}
MANAGER_LAYERS = {"parcelles", "domanialite"}
UNKNOWN_MANAGER = "(gestionnaire inconnu)"   # Labels.unknownManager: ground of no known manager


def ogr_layers(gpkg):
    """{table: (geometry type, feature count)} from ogrinfo."""
    out = subprocess.run(["ogrinfo", "-so", "-al", "-ro", gpkg], capture_output=True, text=True, check=True).stdout
    layers, name, gtype = {}, None, None
    for line in out.splitlines():
        m = re.match(r"Layer name: (.*)", line)
        if m:
            name = m.group(1)
        m = re.match(r"Geometry: (.*)", line)
        if m:
            gtype = m.group(1)
        m = re.match(r"Feature Count: (\d+)", line)
        if m and name:
            layers[name] = (gtype, int(m.group(1)))
    return layers


def plan_manager_colours(folder):
    """{manager: '#rrggbb'} of the tenure classes of every plan de masse."""
    colours = {}
    for svg in sorted(glob.glob(os.path.join(folder, "*", "plan_masse.svg"))):
        root = ET.parse(svg).getroot()
        for g in root.iter("{http://www.w3.org/2000/svg}g"):
            if g.get("id") != "couche-domanialite":
                continue
            for c in g:
                if c.get("class") == "classe" and c.get("data-classe"):
                    colours[c.get("data-classe")] = c.get("fill").lower()
    return colours


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("projet")
    ap.add_argument("--crs", required=True)
    ap.add_argument("--image")
    a = ap.parse_args()
    try:
        from qgis.core import QgsApplication, QgsProject, QgsVectorLayer, QgsMapSettings, QgsMapRendererSequentialJob
        from qgis.PyQt.QtCore import QSize
        from qgis.PyQt.QtGui import QColor
    except ImportError as e:
        print(f"QGIS absent pour Python ({e}) : installez python3-qgis (scripts/install-deps.sh)")
        return 2
    app = QgsApplication([], False)
    app.initQgis()
    problems = []
    project = QgsProject.instance()
    folder = os.path.dirname(os.path.abspath(a.projet))
    if not project.read(a.projet):
        print(f"{a.projet} : QGIS ne lit pas le projet : {project.error()}")
        return 1
    if project.crs().authid() != a.crs:
        problems.append(f"SCR du projet {project.crs().authid()!r}, attendu {a.crs}")
    gpkg = os.path.join(folder, "dossier.gpkg")
    ogr = ogr_layers(gpkg)
    plan = plan_manager_colours(folder)
    if not plan:
        problems.append("aucune couleur de gestionnaire lue dans les plans de masse")
    seen = set()
    tree = project.layerTreeRoot().findLayers()
    for t in tree:
        if t.layer() is None:
            problems.append(f"arbre des couches : « {t.name()} » ne désigne aucune couche du projet (identifiant {t.layerId()!r})")
    if len(tree) != len(project.mapLayers()):
        problems.append(f"{len(tree)} couches dans l'arbre, {len(project.mapLayers())} dans le projet")
    for layer in project.mapLayers().values():
        name = layer.name()
        if not layer.isValid():
            problems.append(f"couche « {name} » invalide ({layer.source()})")
            continue
        if layer.crs().authid() != a.crs:
            problems.append(f"couche « {name} » : SCR {layer.crs().authid()!r}, attendu {a.crs}")
        if not isinstance(layer, QgsVectorLayer):
            print(f"{name} : raster valide")
            continue
        table = layer.dataProvider().uri().param("layerName") or layer.source().split("layername=")[-1].split("|")[0]
        seen.add(table)
        gtype, count = ogr.get(table, (None, None))
        if count is None:
            problems.append(f"couche « {name} » : table {table!r} absente de dossier.gpkg")
            continue
        if layer.featureCount() != count:
            problems.append(f"couche « {name} » : {layer.featureCount()} entités dans QGIS, {count} dans dossier.gpkg")
        if EXPECTED_TYPES.get(table) != gtype:
            problems.append(f"table {table} : géométrie {gtype!r}, attendue {EXPECTED_TYPES.get(table)!r}")
        line = f"{name} ({table}) : {count} entités, {gtype}"
        if table in MANAGER_LAYERS:
            r = layer.renderer()
            if r.type() != "categorizedSymbol":
                problems.append(f"couche « {name} » : rendu {r.type()}, attendu par catégories de gestionnaire")
                continue
            cats = {c.value(): c.symbol().color().name() for c in r.categories() if c.value() not in (None, "")}
            field = r.classAttribute()
            values = {str(v).strip() for v in layer.uniqueValues(layer.fields().indexOf(field)) if v not in (None, "")}
            values.discard("NULL")
            # Every manager of the layer has its category (the analysis's
            # « (gestionnaire inconnu) » included, in the plans' grey).
            if not values <= set(cats):
                problems.append(f"couche « {name} » : gestionnaires sans catégorie : {sorted(values - set(cats))}")
            extra = set(cats) - values - {UNKNOWN_MANAGER}
            if table == "parcelles" and extra:
                problems.append(f"couche « {name} » : catégories sans parcelle : {sorted(extra)}")
            for m, c in cats.items():
                if m in plan and plan[m] != c:
                    problems.append(f"couche « {name} » : « {m} » en {c} dans QGIS, {plan[m]} sur les plans")
            missing = [m for m in plan if m in values and m not in cats]
            if missing:
                problems.append(f"couche « {name} » : gestionnaires des plans sans catégorie : {missing}")
            line += f", {len(set(cats) - {UNKNOWN_MANAGER})} gestionnaires aux couleurs des plans"
        print(line)
    for table in ogr:
        if table not in seen:
            problems.append(f"table {table} de dossier.gpkg absente du projet")
    if a.image and not problems:
        settings = QgsMapSettings()
        root = project.layerTreeRoot()
        settings.setLayers([l.layer() for l in root.findLayers() if l.isVisible()])
        settings.setDestinationCrs(project.crs())
        settings.setExtent(project.viewSettings().defaultViewExtent() if not project.viewSettings().defaultViewExtent().isEmpty()
                           else settings.fullExtent())
        settings.setOutputSize(QSize(1600, 1100))
        settings.setOutputDpi(150)
        settings.setBackgroundColor(QColor("#ffffff"))
        job = QgsMapRendererSequentialJob(settings)
        job.start()
        job.waitForFinished()
        job.renderedImage().save(a.image, "png")
        print(f"image : {a.image}")
    for p in problems:
        print(f"erreur : {p}")
    app.exitQgis()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
