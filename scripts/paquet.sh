#!/usr/bin/env bash
# make paquet: packs the installed tree as build/paquet/gup_VERSION_ARCH.deb
# (dpkg-deb) and build/paquet/gup-VERSION-linux-ARCH.tar.gz.
# The .deb's Depends are DERIVED, never listed by hand, so that a C library
# added to Package.swift shows up in Depends at the next build:
# - the libraries gup links (GEOS, PROJ, libc…): dpkg-shlibdeps, Debian's own
#   tool, maps each NEEDED library to the package and minimum version;
# - the libraries gup loads on first use with dlopen (GDAL, cairo, pango,
#   librsvg, libxlsxwriter: README « Démarrage »), which dpkg-shlibdeps
#   cannot see: the built gup is run once with `version --bibliotheques`
#   (which loads them all) under LD_DEBUG=files, each library it opened is
#   mapped to its package (dpkg -S) and that package's shlibs line (the
#   dependency Debian declares for that soname, e.g. libgdal32 (>= 3.6.2+dfsg)).
# Maintainer: $GUP_MAINTAINER (« Nom <adresse> »), else Debian's usual
# DEBFULLNAME and DEBEMAIL, else git's user.name and user.email, else
# « Paquet GUPKit local <UTILISATEUR@MACHINE> » (who built it, where): see
# the README's « Installer » section.
# Usage: paquet.sh VERSION ARCH BUILT_BIN_DIR
set -euo pipefail
cd "$(dirname "$0")/.."
version="$1"; arch="$2"; bin="$3"
out=build/paquet
name="gup_${version}_${arch}"
# Debian's usual layout (debian/control, debian/gup/ the package's root), so
# dpkg-shlibdeps finds what it expects.
root="$out/debian/gup"
rm -rf "$out/debian" "$out/$name.deb" "$out/gup-$version-linux-$arch.tar.gz"
mkdir -p "$out"

bash scripts/install-tree.sh "$root/usr" "$bin"

# The point of the package: nothing from the Swift toolchain at run time.
if ldd "$root/usr/bin/gup" | grep -E '/opt/swift|swift|Foundation|libdispatch|libBlocksRuntime'; then
  echo "erreur : gup charge encore des bibliothèques de la chaîne Swift (ci-dessus) ; il doit être lié avec --static-swift-stdlib" >&2
  exit 1
fi

install -d "$root/DEBIAN"
printf 'Source: gup\n\nPackage: gup\nArchitecture: any\n' > "$out/debian/control"
depends="$(cd "$out" && dpkg-shlibdeps -O -e debian/gup/usr/bin/gup | sed -n 's/^shlibs:Depends=//p')"
[ -n "$depends" ] || { echo "erreur : dpkg-shlibdeps n'a rien trouvé pour $root/usr/bin/gup" >&2; exit 1; }

# The libraries loaded on first use (see the header).
loaded="$(LD_DEBUG=files "$root/usr/bin/gup" version --bibliotheques 2>&1 >/dev/null \
  | sed -n 's/.*file=\([^ ]*\) .*dynamically loaded by .*/\1/p' | sort -u)"
for lib in libgdal libcairo librsvg-2 libpango-1.0 libxlsxwriter; do
  grep -q "^$lib\.so\." <<<"$loaded" || { echo "erreur : gup version --bibliotheques n'a pas chargé $lib (chargées : $loaded)" >&2; exit 1; }
done
for soname in $loaded; do
  pkg="$(dpkg -S "*/$soname" 2>/dev/null | head -1 | cut -d: -f1)"
  [ -n "$pkg" ] || { echo "erreur : aucun paquet installé ne fournit $soname" >&2; exit 1; }
  # libgdal.so.32 → « libgdal 32 » in the package's shlibs file.
  libname="${soname%%.so.*}"; major="${soname##*.so.}"
  dep=""
  for shlibs in /var/lib/dpkg/info/"$pkg".shlibs /var/lib/dpkg/info/"$pkg":*.shlibs; do
    [ -f "$shlibs" ] || continue
    dep="$(awk -v n="$libname" -v m="$major" '$1 == n && $2 == m { $1 = ""; $2 = ""; sub(/^  */, ""); print; exit }' "$shlibs")"
    [ -z "$dep" ] || break
  done
  [ -n "$dep" ] || dep="$pkg"
  # One entry per package (libglib2.0-0 holds both GLib and GObject).
  grep -qE "(^|, )${pkg//./\\.}( |,|$)" <<<"$depends" || depends="$depends, $dep"
done

install -d "$root/usr/share/doc/gup"
cat > "$root/usr/share/doc/gup/copyright" <<COPY
GUPKit / gup $version
Source : le dépôt GUPKit (README.md, installé dans /usr/share/gup/README.md).
Données de démonstration : voir /usr/share/gup/demo et la section Données du README.
COPY

maintainer="${GUP_MAINTAINER:-}"
if [ -z "$maintainer" ] && [ -n "${DEBFULLNAME:-}" ] && [ -n "${DEBEMAIL:-}" ]; then
  maintainer="$DEBFULLNAME <$DEBEMAIL>"
fi
if [ -z "$maintainer" ]; then
  git_name="$(git config user.name 2>/dev/null || true)"; git_email="$(git config user.email 2>/dev/null || true)"
  [ -n "$git_name" ] && [ -n "$git_email" ] && maintainer="$git_name <$git_email>"
fi
[ -n "$maintainer" ] || maintainer="Paquet GUPKit local <$(id -un)@$(uname -n)>"
grep -qE '^[^<>]+ <[^<>@ ]+@[^<>@ ]+>$' <<<"$maintainer" \
  || { echo "erreur : mainteneur « $maintainer » : attendu « Nom <adresse@domaine> » (GUP_MAINTAINER)" >&2; exit 1; }

installed_kb="$(du -sk "$root/usr" | cut -f1)"
cat > "$root/DEBIAN/control" <<CTRL
Package: gup
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_kb
Depends: $depends
Recommends: man-db
Section: science
Priority: optional
Description: analyses géographiques pour la gestion urbaine de proximité
 gup charge les couches d'un quartier (périmètres, parcelles et gestionnaires,
 résidences, secteurs de nettoyage, signalements), calcule la domanialité, les
 densités de signalements, les points chauds, les lacunes de nettoyage, et
 produit les plans et le dossier qualité de service. Le projet de
 démonstration est dans /usr/share/gup/demo : « gup dossier ».
CTRL

dpkg-deb --root-owner-group -Zxz --build "$root" "$out/$name.deb" >/dev/null
# The tarball: the same tree under gup-VERSION/ (bin/, share/), for other
# distributions: unpack anywhere, gup finds its demo beside itself.
rm -rf "$out/tar" && mkdir -p "$out/tar" && cp -a "$root/usr" "$out/tar/gup-$version"
tar -C "$out/tar" --owner=0 --group=0 --sort=name -czf "$out/gup-$version-linux-$arch.tar.gz" "gup-$version"
rm -rf "$out/tar"

echo "Maintainer: $maintainer"
echo "Depends: $depends"
ls -l "$out/$name.deb" "$out/gup-$version-linux-$arch.tar.gz" | awk '{print $5, $9}'
echo "installé : $installed_kb Kio"
