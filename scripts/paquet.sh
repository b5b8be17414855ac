#!/usr/bin/env bash
# make paquet: packs the installed tree as build/paquet/gup_VERSION_ARCH.deb
# (dpkg-deb) and build/paquet/gup-VERSION-linux-ARCH.tar.gz.
# The .deb's Depends are DERIVED from the shared libraries the built gup
# links (dpkg-shlibdeps, Debian's own tool, maps each NEEDED library to the
# package and minimum version that provides it), never listed by hand: a C
# library added to Package.swift shows up in Depends at the next build.
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

install -d "$root/usr/share/doc/gup"
cat > "$root/usr/share/doc/gup/copyright" <<COPY
GUPKit / gup $version
Source : le dépôt GUPKit (README.md, installé dans /usr/share/gup/README.md).
Données de démonstration : voir /usr/share/gup/demo et la section Données du README.
COPY

installed_kb="$(du -sk "$root/usr" | cut -f1)"
cat > "$root/DEBIAN/control" <<CTRL
Package: gup
Version: $version
Architecture: $arch
Maintainer: ${GUP_MAINTAINER:-Projet GUPKit <gupkit@example.org>}
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

echo "Depends: $depends"
ls -l "$out/$name.deb" "$out/gup-$version-linux-$arch.tar.gz" | awk '{print $5, $9}'
echo "installé : $installed_kb Kio"
