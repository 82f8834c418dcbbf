#!/bin/sh
# Put Coordinator App in your own application menu (no root needed), and check that its window
# can open: it names the system packages to install when a library is missing (exit status 1).
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

# The window on X11 goes through Qt's xcb plugin. The bundle carries the xcb helper libraries
# (libxcb-cursor0, libxcb-icccm4, ...); the system must have the rest (libxcb1, libGL, fontconfig).
# Ask the loader, with the bundle's own folder first as at run time, and name what is missing.
deb_package() {   # Debian/Ubuntu's package of a library: libxcb-icccm.so.4 -> libxcb-icccm4, libxkbcommon-x11.so.0 -> libxkbcommon-x11-0
    echo "$1" | awk '{ n = index($0, ".so"); name = tolower(substr($0, 1, n - 1)); v = substr($0, n + 4); sub(/\..*/, "", v);
                       print name ((name ~ /[0-9]$/ && v != "") ? "-" : "") v }'
}
plugin=$target/_internal/PySide6/Qt/plugins/platforms/libqxcb.so
missing=""
if [ -f "$plugin" ] && command -v "${LDD:-ldd}" >/dev/null 2>&1; then
    missing=$(LD_LIBRARY_PATH="$target/_internal" "${LDD:-ldd}" "$plugin" 2>/dev/null \
              | sed -n 's/^[[:space:]]*\([^[:space:]]*\) => not found.*/\1/p' | sort -u | tr '\n' ' ')
fi
if [ -n "$missing" ]; then
    packages=$(for lib in $missing; do deb_package "$lib"; done | sort -u | tr '\n' ' ')
    echo "install-linux.sh: the window cannot open on X11 yet: this machine lacks ${missing% }." >&2
    echo "install-linux.sh: install them, then start Coordinator App:  sudo apt install ${packages% }" >&2
    echo "Coordinator App is in your application menu; the command line works now: coordinator-app --help"
    exit 1
fi
echo "Coordinator App is in your application menu; from a terminal: coordinator-app"
