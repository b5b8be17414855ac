#!/usr/bin/env bash
# Installs the system libraries GUPKit needs when they are missing
# (Debian/Ubuntu: GEOS, PROJ and GDAL development packages; gdal-bin's
# ogr2ogr and PostgreSQL 15 with PostGIS 3 for the tests' throw-away
# database, started by scripts/test-postgis.sh; libxlsxwriter for
# tableaux.xlsx; cairo, librsvg and pango for the PDF documents; unzip and
# poppler-utils, which the tests use to read the XLSX and PDF files back;
# chromium, whose headless print of the HTML dossier a test measures;
# dpkg-dev for make paquet; OpenSSL's libcrypto (libssl-dev) for the output
# manifest's SHA-256; jemalloc, the allocator gup and gup-bench are linked
# with; QGIS's Python bindings, with which a test opens
# the dossier's QGIS project headless).
# Needs root for apt-get.
set -euo pipefail
need=()
pkg-config --exists geos 2>/dev/null || need+=(libgeos-dev)
pkg-config --exists proj 2>/dev/null || need+=(libproj-dev)
pkg-config --exists gdal 2>/dev/null || need+=(libgdal-dev)
command -v ogr2ogr >/dev/null 2>&1 || need+=(gdal-bin)
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
[ -f /usr/share/postgresql/15/extension/postgis.control ] || need+=(postgresql-15-postgis-3)
pkg-config --exists libcrypto 2>/dev/null || need+=(libssl-dev)
pkg-config --exists jemalloc 2>/dev/null || need+=(libjemalloc-dev)
pkg-config --exists xlsxwriter 2>/dev/null || need+=(libxlsxwriter-dev)
pkg-config --exists cairo 2>/dev/null || need+=(libcairo2-dev)
pkg-config --exists librsvg-2.0 2>/dev/null || need+=(librsvg2-dev)
pkg-config --exists pangocairo 2>/dev/null || need+=(libpango1.0-dev)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)
# The test that prints the HTML dossier as a browser would (headless print to PDF).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
# make paquet: dpkg-shlibdeps derives the .deb's Depends from what gup links.
command -v dpkg-shlibdeps >/dev/null 2>&1 || need+=(dpkg-dev)
# The test that loads dossier.qgs in QGIS (scripts/verifier-qgis.py, run
# with Debian's /usr/bin/python3): the bindings and their providers only,
# without recommended packages (no desktop application), to keep CI short.
qgis=()
/usr/bin/python3 -c "import qgis.core" >/dev/null 2>&1 || qgis+=(python3-qgis)
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ ${#need[@]} -gt 0 ] || [ ${#qgis[@]} -gt 0 ]; then
  $SUDO apt-get update -qq
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "Installation de : ${need[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
if [ ${#qgis[@]} -gt 0 ]; then
  echo "Installation de : ${qgis[*]} (sans les paquets recommandés)"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${qgis[@]}"
fi
