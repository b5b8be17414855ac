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
# already prints in French (Gup.main translates the parser's own words);
# the generator's English section titles are translated here.
man_tmp="$(mktemp -d)"
trap 'rm -rf "$man_tmp"' EXIT
# A fixed date (the commit's) keeps the pages identical from one build to the next.
date_arg=()
if d="$(git log -1 --format=%cs 2>/dev/null)" && [ -n "$d" ]; then date_arg=(--date "$d"); fi
"$bin/generate-manual" "$bin/gup" --multi-page "${date_arg[@]}" --output-directory "$man_tmp"
for page in "$man_tmp"/*.1; do
  sed -e 's/^\.Sh NAME$/.Sh NOM/' \
      -e 's/^\.Sh "EXIT STATUS"$/.Sh "CODE DE RETOUR"/' \
      -e 's/^\.Sh EXIT STATUS$/.Sh CODE DE RETOUR/' \
      -e 's/^\.Sh "SEE ALSO"$/.Sh "VOIR AUSSI"/' \
      -e 's/^\.Sh SEE ALSO$/.Sh VOIR AUSSI/' \
      -e 's/^\.Sh AUTHORS$/.Sh AUTEURS/' \
      -e 's/^\.Sh OPTIONS$/.Sh OPTIONS/' \
      -e 's/^\.Sh SUBCOMMANDS$/.Sh COMMANDES/' \
      -e 's/^\.Ex -std.*$/La commande renvoie 0 en cas de succès, une valeur non nulle en cas d'"'"'erreur (message en français sur la sortie d'"'"'erreur)./' \
      "$page" | gzip -9n > "$prefix/share/man/man1/$(basename "$page").gz"
done

# Completions, written by gup itself (swift-argument-parser).
"$prefix/bin/gup" --generate-completion-script bash > "$prefix/share/bash-completion/completions/gup"
"$prefix/bin/gup" --generate-completion-script zsh > "$prefix/share/zsh/vendor-completions/_gup"
"$prefix/bin/gup" --generate-completion-script fish > "$prefix/share/fish/vendor_completions.d/gup.fish"

install -m 644 README.md "$prefix/share/gup/README.md"
install -m 644 Data/demo/* "$prefix/share/gup/demo/"
echo "installé sous $prefix"
