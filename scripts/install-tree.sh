#!/usr/bin/env bash
# Installs gup's tree under a prefix (make install, make paquet):
#   PREFIX/bin/gup
#   PREFIX/share/man/man1/gup.1.gz, gup.COMMANDE.1.gz   (French, generated from the command definitions)
#   PREFIX/share/bash-completion/completions/gup
#   PREFIX/share/zsh/vendor-completions/_gup
#   PREFIX/share/fish/vendor_completions.d/gup.fish
#   PREFIX/share/gup/README.md, PREFIX/share/gup/demo/ (Data/demo)
# Usage: install-tree.sh PREFIX BUILT_BIN_DIR   (BUILT_BIN_DIR holds gup and generate-manual)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="$1"
bin="$2"

install -d "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/gup/demo" \
  "$prefix/share/bash-completion/completions" "$prefix/share/zsh/vendor-completions" \
  "$prefix/share/fish/vendor_completions.d"
install -m 755 "$bin/gup" "$prefix/bin/gup"
strip --strip-unneeded "$prefix/bin/gup" 2>/dev/null || true

# Man pages: swift-argument-parser's manual generator reads the commands'
# definitions through `gup --experimental-dump-help`, whose texts gup
# already prints in French (Gup.main translates the parser's own words).
# The generator drops every non-ASCII character (its escaping keeps
# `character.isASCII` only: "géographiques" would become "gographiques"),
# so the help it reads has them spelled as ASCII tokens (ZZU00E9ZZ), turned
# back into groff's \[u00E9] afterwards; the generator's English section
# titles and exit-status sentence are translated here too.
man_tmp="$(mktemp -d)"
trap 'rm -rf "$man_tmp"' EXIT
gup_abs="$(cd "$(dirname "$bin/gup")" && pwd)/gup"
cat > "$man_tmp/gup" <<WRAP
#!/bin/sh
"$gup_abs" "\$@" | perl -CS -pe 's/([^\\x00-\\x7F])/sprintf("ZZU%04XZZ", ord(\$1))/ge'
WRAP
chmod +x "$man_tmp/gup"
mkdir "$man_tmp/pages"
# A fixed date (the commit's) keeps the pages identical from one build to the next.
day="$(git log -1 --format=%cs 2>/dev/null || true)"
[ -n "$day" ] || day="$(date +%F)"
"$bin/generate-manual" "$man_tmp/gup" --multi-page --date "$day" --output-directory "$man_tmp/pages"
for page in "$man_tmp"/pages/*.1; do
  sed -e 's/^\.Sh NAME$/.Sh NOM/' \
      -e 's/^\.Sh "EXIT STATUS"$/.Sh "CODE DE RETOUR"/' \
      -e 's/^\.Sh "SEE ALSO"$/.Sh "VOIR AUSSI"/' \
      -e 's/^\.Sh AUTHORS$/.Sh AUTEURS/' \
      -e "s/^\.Dd .*/.Dd $day/" \
      -e 's/^$/.Pp/' \
      -e 's/^\.Ar subcommand$/.Ar commande/' \
      -e 's/^\.Ex -std.*$/La commande renvoie 0 en cas de succ\\[u00E8]s, une valeur non nulle en cas d'"'"'erreur (message en fran\\[u00E7]ais sur la sortie d'"'"'erreur)./' \
      "$page" | perl -pe 's/ZZU([0-9A-F]{4,6})ZZ/\\[u$1]/g' | gzip -9n > "$prefix/share/man/man1/$(basename "$page").gz"
done

# Completions, written by gup itself (swift-argument-parser).
"$prefix/bin/gup" --generate-completion-script bash > "$prefix/share/bash-completion/completions/gup"
"$prefix/bin/gup" --generate-completion-script zsh > "$prefix/share/zsh/vendor-completions/_gup"
"$prefix/bin/gup" --generate-completion-script fish > "$prefix/share/fish/vendor_completions.d/gup.fish"

install -m 644 README.md "$prefix/share/gup/README.md"
install -m 644 Data/demo/* "$prefix/share/gup/demo/"
echo "installé sous $prefix"
