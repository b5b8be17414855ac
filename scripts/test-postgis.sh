#!/usr/bin/env bash
# A throw-away PostgreSQL 15 + PostGIS 3 cluster for the tests, listening
# only on a Unix socket in a temporary folder (no TCP port), run as the
# `postgres` user (initdb refuses root).
#
#   scripts/test-postgis.sh start   initdb if needed, start if not running,
#                                   create database `gup` with real layers
#   scripts/test-postgis.sh stop    stop the cluster and delete its folder
#   scripts/test-postgis.sh env     print the connection for GUP_TEST_PG
#
# The tests read GUP_TEST_PG (default: the connection this script prints).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR="${GUP_PG_DIR:-/tmp/gup-test-pg}"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
CONN="host=$DIR dbname=gup user=postgres"
as_pg() {
  if [ "$(id -un)" = postgres ]; then "$@"; elif [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
case "${1:-start}" in
  env) echo "$CONN" ;;
  stop)
    if [ -d "$DIR/data" ]; then as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$DIR"
    ;;
  start)
    if [ ! -x "$PGBIN/initdb" ]; then echo "test-postgis : $PGBIN/initdb absent (paquet postgresql-15)" >&2; exit 1; fi
    if [ -d "$DIR/data" ] && as_pg "$PGBIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then exit 0; fi
    rm -rf "$DIR"; mkdir -p "$DIR"; chown postgres "$DIR" 2>/dev/null || true
    as_pg "$PGBIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
      || { cat "$DIR/initdb.log" >&2; exit 1; }
    as_pg "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
      -o "-c listen_addresses='' -k $DIR -c fsync=off" start >/dev/null \
      || { cat "$DIR/server.log" >&2; exit 1; }
    psql -h "$DIR" -U postgres -qAt -c "CREATE DATABASE gup" postgres
    psql -h "$DIR" -U postgres -qAt -c "CREATE EXTENSION postgis" gup
    # Real layers (see Tests/GUPFormatsTests/Fixtures/README.md), loaded with
    # Debian's ogr2ogr: the QPV of Rennes in Lambert-93 (SRID 2154) as
    # `perimetres`, Marseille road segments in schema `bdtopo`.
    F=Tests/GUPFormatsTests/Fixtures
    psql -h "$DIR" -U postgres -qAt -c "CREATE SCHEMA bdtopo; CREATE SCHEMA resultats" gup
    ogr2ogr -f PostgreSQL "PG:$CONN" "$F/qpv-rennes.geojson" -nln perimetres -t_srs EPSG:2154 -lco GEOMETRY_NAME=geom
    ogr2ogr -f PostgreSQL "PG:$CONN" "$F/troncons-2-couches.gpkg" troncon_de_route -nln bdtopo.troncons -lco GEOMETRY_NAME=geom
    # The demo's perimeters and incidents (WGS 84, SRID 4326), for `gup dossier` reading PostGIS.
    psql -h "$DIR" -U postgres -qAt -c "CREATE SCHEMA demo" gup
    ogr2ogr -f PostgreSQL "PG:$CONN" Data/demo/perimetres.geojson -nln demo.perimetres -lco GEOMETRY_NAME=geom
    ogr2ogr -f PostgreSQL "PG:$CONN" Data/demo/incidents.geojson -nln demo.incidents -lco GEOMETRY_NAME=geom
    echo "PostGIS de test : $CONN"
    ;;
  *) echo "usage : $0 start|stop|env" >&2; exit 2 ;;
esac
