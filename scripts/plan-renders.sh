#!/usr/bin/env bash
# Renders the plans shown in docs/plans/ (README « Plans that locate »):
# the demo, IGN BD TOPO of Rodez (Shapefiles) and of Marseille 10e
# (GeoPackage). Needs a release build (make build), rsvg-convert and, until
# gup reads Shapefiles and GeoPackages itself, ogr2ogr (gdal-bin) to convert
# them to GeoJSON first.
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
png() { rsvg-convert -d 110 -p 110 -b white "$1" -o "$OUT/$2.png"; }
D=Data/demo
DATE=30/11/2026

# Demo (synthetic city near Vitrolles, named streets of scripts/demo-streets.py).
$GUP plan-situation --perimetres $D/perimetres.geojson --quartier "Les Pins" --contexte $D/communes.geojson \
  --routes $D/routes.geojson --voies-ferrees $D/voies_ferrees.geojson --date $DATE --sortie "$TMP/demo_situation.svg"
png "$TMP/demo_situation.svg" demo_situation
$GUP plan-masse --perimetres $D/perimetres.geojson --quartier "Les Pins" --parcelles $D/parcelles.geojson \
  --residences $D/residences.geojson --routes $D/routes.geojson --echelle 2500 --date $DATE --sortie "$TMP/demo_masse.svg"
png "$TMP/demo_masse.svg" demo_masse
$GUP dossier $D/dossier.toml --sortie "$TMP/dossier" --date $DATE > /dev/null
png "$TMP/dossier/les-pins/plan_parcours.svg" demo_parcours

# Rodez: IGN BD TOPO v2.2 Shapefiles (UTF-8 .dbf without .cpg).
R=$DATA/bdtopo-rodez-v2
for L in ROUTE TRONCON_VOIE_FERREE SURFACE_EAU BATI_INDIFFERENCIE; do
  ogr2ogr --config SHAPE_ENCODING UTF-8 -f GeoJSON -dim XY -lco COORDINATE_PRECISION=2 "$TMP/$L.geojson" "$R/$L.shp"
done
# The real QPV « Quatre Saisons » (Onet-le-Château) at the north-east edge of the sample.
ogr2ogr -f GeoJSON -where "code_qp='QP012001'" "$TMP/qs.geojson" "$DATA/qpv-occitanie-2015.geojson"
FOND=(--routes "$TMP/ROUTE.geojson" --voies-ferrees "$TMP/TRONCON_VOIE_FERREE.geojson" --eau "$TMP/SURFACE_EAU.geojson"
      --bati "$TMP/BATI_INDIFFERENCIE.geojson")
$GUP plan-situation --perimetres "$TMP/qs.geojson" "${FOND[@]}" --source "IGN BD TOPO v2.2 (échantillon Geoclimate)" \
  --date $DATE --sortie "$TMP/rodez_situation.svg"
png "$TMP/rodez_situation.svg" rodez_situation
# A hand-drawn test perimeter in the middle of the sample (no QPV there).
cat > "$TMP/essai.geojson" <<'EOF'
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[
{"type":"Feature","properties":{"nom":"Périmètre d'essai (tracé à la main)","nom_commune":"Rodez"},
 "geometry":{"type":"Polygon","coordinates":[[[666250,6362350],[666550,6362350],[666550,6362650],[666250,6362650],[666250,6362350]]]}}]}
EOF
$GUP plan-masse --perimetres "$TMP/essai.geojson" "${FOND[@]}" --echelle 2500 --commune Rodez \
  --source "IGN BD TOPO v2.2 (échantillon Geoclimate)" --date $DATE --sortie "$TMP/rodez_masse.svg"
png "$TMP/rodez_masse.svg" rodez_masse

# Marseille 10e: IGN BD TOPO GeoPackage, the Bouches-du-Rhône communes; a
# hand-drawn study perimeter along the avenue de la Capelette (no QPV file of Marseille in the data).
ogr2ogr -f GeoJSON -dim XY -lco COORDINATE_PRECISION=2 "$TMP/troncons.geojson" "$DATA/bdtopo-marseille10-troncons.gpkg" troncon_de_route 2> /dev/null
cat > "$TMP/capelette.geojson" <<'EOF'
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[
{"type":"Feature","properties":{"nom":"La Capelette (périmètre d'étude tracé à la main)","nom_commune":"Marseille"},
 "geometry":{"type":"Polygon","coordinates":[[[895150,6245150],[895900,6245250],[896000,6245700],[895500,6245850],[895100,6245600],[895150,6245150]]]}}]}
EOF
$GUP plan-situation --perimetres "$TMP/capelette.geojson" --contexte "$DATA/communes-13.geojson" --routes "$TMP/troncons.geojson" \
  --source "IGN BD TOPO (tronçons de route), IGN ADMIN EXPRESS" --date $DATE --sortie "$TMP/marseille_situation.svg"
png "$TMP/marseille_situation.svg" marseille_situation
$GUP plan-masse --perimetres "$TMP/capelette.geojson" --routes "$TMP/troncons.geojson" --echelle 5000 --commune Marseille \
  --source "IGN BD TOPO (tronçons de route)" --date $DATE --sortie "$TMP/marseille_masse.svg"
png "$TMP/marseille_masse.svg" marseille_masse
ls -l "$OUT"
