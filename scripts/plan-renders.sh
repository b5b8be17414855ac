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
GUP=.build/release/gup
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
  "${DFOND[@]}" --date $DATE --sortie "$TMP/demo_situation.svg"
png "$TMP/demo_situation.svg" demo_situation
$GUP plan-masse --perimetres $D/perimetres.geojson --quartier "Les Pins" --parcelles $D/parcelles.geojson \
  --residences $D/residences.geojson "${DFOND[@]}" --date $DATE --sortie "$TMP/demo_masse.svg"
png "$TMP/demo_masse.svg" demo_masse
$GUP dossier $D/dossier.toml --sortie "$TMP/dossier" --date $DATE > /dev/null
png "$TMP/dossier/les-pins/plan_parcours.svg" demo_parcours

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
