#!/usr/bin/env bash
# Renders the plans shown in docs/plans/ (README « Plans that locate »):
# the demo, IGN BD TOPO of Rodez (Shapefiles) and of Marseille 10e
# (GeoPackage), which gup reads as they are. Needs a release build
# (make build) and rsvg-convert.
#   bash scripts/plan-renders.sh [SHARED_DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data}
[ -d "$DATA" ] || DATA=/work/shared/data
GUP=${GUP:-.build/release/gup}
OUT=docs/plans
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"
# Print size: 110 px per inch, a page of the A4 plan at 1 px ≈ 0.23 mm.
png() { rsvg-convert -d 110 -p 110 -b white "$1" -o "$OUT/$2.png"; }
D=Data/demo
DATE=30/11/2026

# Demo (synthetic city near Vitrolles; streets, buildings, water and places of scripts/demo-streets.py).
DFOND=(--routes $D/routes.geojson --voies-ferrees $D/voies_ferrees.geojson --eau $D/eau.geojson --bati $D/bati.geojson
       --lieux $D/lieux.geojson)
$GUP plan-situation --perimetres $D/perimetres.geojson --quartier "Les Pins" --contexte $D/communes.geojson \
  "${DFOND[@]}" --source "IGN ADMIN EXPRESS (communes)" --source "données synthétiques GUPKit (quartiers, rues)" \
  --date $DATE --sortie "$TMP/demo_situation.svg"
png "$TMP/demo_situation.svg" demo_situation
SIGN=(--maitre-ouvrage "Ville de Vitrolles" --auteur "Chargé de mission GUSP" --numero-plan "GUP-2026-004" --indice A
      --date-donnees 31/12/2026 --source "Ville de Vitrolles (données synthétiques GUPKit)")
# Les Pins at 1/2 500 needs A3 (a forced scale the quartier does not fit is refused).
$GUP plan-masse --perimetres $D/perimetres.geojson --quartier "Les Pins" --parcelles $D/parcelles.geojson \
  --residences $D/residences.geojson "${DFOND[@]}" --incidents $D/incidents.geojson --format A3 --echelle 2500 \
  "${SIGN[@]}" --date $DATE --sortie "$TMP/demo_masse.svg"
png "$TMP/demo_masse.svg" demo_masse
$GUP dossier $D/dossier.toml --sortie "$TMP/dossier" --date $DATE > /dev/null
png "$TMP/dossier/les-pins/plan_parcours.svg" demo_parcours
# The heat plans of two quartiers: the same classes (the dossier's).
png "$TMP/dossier/les-hermes/plan_points_chauds.svg" demo_points_chauds_hermes
png "$TMP/dossier/les-pins/plan_points_chauds.svg" demo_points_chauds_pins
# Avant / après: 17 parcels of Les Pins change manager (12 of OPAC Sud to the city, 5 of LOGIREM to a new ASL).
python3 - "$D" "$TMP" <<'PY'
import json, sys
d, tmp = sys.argv[1], sys.argv[2]
p = json.load(open(d + "/parcelles.geojson"))
q = [f for f in json.load(open(d + "/perimetres.geojson"))["features"] if f["properties"]["nom_qp"] == "Les Pins"][0]
ring = q["geometry"]["coordinates"][0]
def inside(x, y):  # even-odd rule on the quartier's ring
    c = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1): c = not c
    return c
n = 0
for f in p["features"]:
    g = f["properties"].get("gestionnaire")
    if not all(inside(x, y) for x, y in f["geometry"]["coordinates"][0]): continue
    if g == "OPAC Sud" and n < 12:
        f["properties"]["gestionnaire"] = "Ville"; n += 1
    elif g == "LOGIREM" and 12 <= n < 17:
        f["properties"]["gestionnaire"] = "ASL Les Pins"; n += 1
json.dump(p, open(tmp + "/parcelles_apres.geojson", "w"))
PY
$GUP plan-avant-apres --perimetres $D/perimetres.geojson --quartier "Les Pins" --avant $D/parcelles.geojson \
  --apres "$TMP/parcelles_apres.geojson" --residences $D/residences.geojson --orientation portrait "${SIGN[@]}" \
  --date $DATE --sortie "$TMP/demo_avant_apres.svg" > /dev/null
png "$TMP/demo_avant_apres.svg" demo_avant_apres
cp "$TMP/demo_avant_apres_transferts.csv" "$OUT/demo_avant_apres_transferts.csv"
# Les Pins at 1/1 000 does not fit A4: --planches cuts it in sheets with an assembly index.
$GUP plan-masse --perimetres $D/perimetres.geojson --quartier "Les Pins" --parcelles $D/parcelles.geojson \
  --residences $D/residences.geojson --routes $D/routes.geojson --echelle 1000 --planches "${SIGN[@]}" \
  --date $DATE --sortie "$TMP/demo_assemblage.svg" > /dev/null
png "$TMP/demo_assemblage.svg" demo_assemblage
png "$TMP/demo_assemblage_planche_5.svg" demo_planche_5

# Épinay-sur-Orge: the real Etalab cadastre (DGFiP) with 25 managers handed out
# by section and parcel number (3 kinds in the `type` column), and a hand-drawn
# study perimeter: colours that never repeat, grouped by kind.
python3 - "$DATA" "$TMP" <<'PY'
import json, sys
data, tmp = sys.argv[1], sys.argv[2]
p = json.load(open(data + "/cadastre-91216-parcelles.geojson"))
kinds = ["Collectivité publique"] * 6 + ["Bailleur social"] * 11 + ["Copropriété"] * 8
names = (["Commune d'Épinay-sur-Orge", "Département de l'Essonne", "Cœur d'Essonne Agglomération", "État (DDT 91)", "SNCF Immobilier", "Grand Paris Aménagement"]
         + ["Essonne Habitat", "Immobilière 3F", "Vilogia", "CDC Habitat", "Batigère", "Emmaüs Habitat", "Antin Résidences", "Logial-OPH", "Seqens", "Domaxis", "Valophis"]
         + ["Copropriété Les Templiers", "Copropriété Le Parc", "Copropriété La Croix Ronde", "ASL Les Rossays", "Copropriété Le Breuil", "Syndic Foncia (Les Mares)", "Copropriété Petit Vaux", "AFUL Les Sablons"])
for f in p["features"]:
    pr = f["properties"]
    k = (sum(map(ord, pr["section"])) * 7 + int(pr["numero"]) // 6) % 25
    pr["gestionnaire"] = names[k]; pr["type"] = kinds[k]
json.dump(p, open(tmp + "/epinay.geojson", "w"))
json.dump({"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"nom": "Épinay centre (périmètre d'étude tracé à la main)", "nom_commune": "Épinay-sur-Orge"},
  "geometry": {"type": "Polygon", "coordinates": [[[2.3220, 48.6700], [2.3320, 48.6700], [2.3320, 48.6760], [2.3220, 48.6760], [2.3220, 48.6700]]]}}]},
  open(tmp + "/epinay_perimetre.geojson", "w"))
PY
$GUP plan-masse --perimetres "$TMP/epinay_perimetre.geojson" --parcelles "$TMP/epinay.geojson" --format A3 \
  --maitre-ouvrage "Commune d'Épinay-sur-Orge" --auteur "Chargé de mission GUSP" --numero-plan "EPI-2026-01" --indice A \
  --date-donnees "cadastre Etalab 2024" --source "DGFiP, Etalab (cadastre)" --date $DATE --sortie "$TMP/epinay_masse.svg"
png "$TMP/epinay_masse.svg" epinay_masse_25_gestionnaires

# Rodez: IGN BD TOPO v2.2 Shapefiles read by gup itself (UTF-8 .dbf without
# .cpg); remarkable buildings (churches, sports halls…) as places, named by
# their nature.
R=$DATA/bdtopo-rodez-v2
FOND=(--routes "$R/ROUTE.shp" --voies-ferrees "$R/TRONCON_VOIE_FERREE.shp" --eau "$R/SURFACE_EAU.shp"
      --bati "$R/BATI_INDIFFERENCIE.shp" --lieux "$R/BATI_REMARQUABLE.shp" --champ-nom-lieu nature)
# The real QPV « Quatre Saisons » (Onet-le-Château), at the north-east edge
# of the sample, among the Aveyron communes around Rodez
# (Data/communes-12-rodez.geojson, IGN ADMIN EXPRESS): commune tint, inset.
$GUP plan-situation --perimetres "$DATA/qpv-occitanie-2015.geojson" --quartier "Quatre Saisons" \
  --contexte Data/communes-12-rodez.geojson "${FOND[@]}" \
  --source "IGN BD TOPO v2.2 (échantillon Geoclimate), IGN ADMIN EXPRESS" --date $DATE --sortie "$TMP/rodez_situation.svg"
png "$TMP/rodez_situation.svg" rodez_situation
# A hand-drawn test perimeter in the middle of the sample (no QPV there).
cat > "$TMP/essai.geojson" <<'JSON'
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[
{"type":"Feature","properties":{"nom":"Périmètre d'essai (tracé à la main)","nom_commune":"Rodez"},
 "geometry":{"type":"Polygon","coordinates":[[[666250,6362350],[666550,6362350],[666550,6362650],[666250,6362650],[666250,6362350]]]}}]}
JSON
$GUP plan-masse --perimetres "$TMP/essai.geojson" "${FOND[@]}" --echelle 2500 --commune Rodez \
  --source "IGN BD TOPO v2.2 (échantillon Geoclimate)" --date $DATE --sortie "$TMP/rodez_masse.svg"
png "$TMP/rodez_masse.svg" rodez_masse

# Marseille 10e: the IGN BD TOPO GeoPackage read by gup itself, the
# Bouches-du-Rhône communes. The shared data hold no QPV of Marseille
# (Occitanie and Rennes only): a study perimeter drawn by hand along the
# avenue de la Capelette, and named so on the plan.
TR=$DATA/bdtopo-marseille10-troncons.gpkg
DRAWN="périmètre d'étude tracé à la main : aucun QPV de Marseille dans les données"
cat > "$TMP/capelette.geojson" <<'JSON'
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[
{"type":"Feature","properties":{"nom":"La Capelette (périmètre d'étude)","nom_commune":"Marseille"},
 "geometry":{"type":"Polygon","coordinates":[[[895150,6245150],[895900,6245250],[896000,6245700],[895500,6245850],[895100,6245600],[895150,6245150]]]}}]}
JSON
$GUP plan-situation --perimetres "$TMP/capelette.geojson" --contexte "$DATA/communes-13.geojson" --routes "$TR" \
  --source "IGN BD TOPO (tronçons de route), IGN ADMIN EXPRESS" --source "$DRAWN" --date $DATE --sortie "$TMP/marseille_situation.svg"
png "$TMP/marseille_situation.svg" marseille_situation
$GUP plan-masse --perimetres "$TMP/capelette.geojson" --routes "$TR" --echelle 5000 --commune Marseille \
  --source "IGN BD TOPO (tronçons de route)" --source "$DRAWN" --date $DATE --sortie "$TMP/marseille_masse.svg"
png "$TMP/marseille_masse.svg" marseille_masse
ls -l "$OUT"
