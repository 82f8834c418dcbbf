#!/bin/sh
# Put Coordinator App in your own application menu (no root needed).
# Run it from the unpacked CoordinatorApp folder:   ./install-linux.sh
# It copies the folder to ~/.local/opt/CoordinatorApp, links ~/.local/bin/coordinator-app,
# and adds the menu entry and icon under ~/.local/share. Remove those four to uninstall.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$here/CoordinatorApp" ] || { echo "install-linux.sh: run it from the CoordinatorApp folder" >&2; exit 1; }
data=${XDG_DATA_HOME:-$HOME/.local/share}
target=$HOME/.local/opt/CoordinatorApp
if [ "$here" != "$target" ]; then
    rm -rf "$target"
    mkdir -p "$(dirname "$target")"
    cp -R "$here" "$target"
fi
mkdir -p "$HOME/.local/bin" "$data/applications" "$data/icons/hicolor/scalable/apps"
ln -sf "$target/CoordinatorApp" "$HOME/.local/bin/coordinator-app"
cp "$target/_internal/resources/icons/app.svg" "$data/icons/hicolor/scalable/apps/coordinator-app.svg"
sed "s|^Exec=CoordinatorApp|Exec=\"$target/CoordinatorApp\"|" "$target/coordinator-app.desktop" \
    > "$data/applications/coordinator-app.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
echo "Coordinator App is in your application menu; from a terminal: coordinator-app"
