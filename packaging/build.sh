#!/usr/bin/env bash
# Build the CodeDesk bundle (PyInstaller onedir) and, on Debian, the .deb.
#
#     bash packaging/build.sh            # -> dist/codedesk/ and dist/codedesk_VERSION_ARCH.deb
#
# Run it on the oldest Linux the package must support (the bundle needs the glibc it
# was built with, or newer). Needs the venv from .ci/setup (pyinstaller is in it).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
VERSION=$("$PY" -c 'import main; print(main.__version__)')

"$PY" -m db.build
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
    packaging/codedesk.spec

command -v dpkg-deb >/dev/null || { echo "no dpkg-deb: bundle only, in dist/codedesk"; exit 0; }

ARCH=$(dpkg --print-architecture)
ROOTFS=build/deb/codedesk
rm -rf "$ROOTFS"
mkdir -p "$ROOTFS/DEBIAN" "$ROOTFS/opt" "$ROOTFS/usr/bin" "$ROOTFS/usr/share/applications" \
    "$ROOTFS/usr/share/icons/hicolor/scalable/apps"
cp -a dist/codedesk "$ROOTFS/opt/codedesk"
ln -s /opt/codedesk/codedesk "$ROOTFS/usr/bin/codedesk"
install -m 644 packaging/deb/codedesk.desktop "$ROOTFS/usr/share/applications/codedesk.desktop"
install -m 644 packaging/codedesk.svg "$ROOTFS/usr/share/icons/hicolor/scalable/apps/codedesk.svg"
SIZE=$(du -sk "$ROOTFS" | cut -f1)
cat > "$ROOTFS/DEBIAN/control" <<CONTROL
Package: codedesk
Version: $VERSION
Section: science
Priority: optional
Architecture: $ARCH
Maintainer: CodeDesk team <codedesk@localhost>
Installed-Size: $SIZE
Depends: libc6 (>= 2.36), libgl1, libegl1, libxcb1, libxkbcommon0, libxkbcommon-x11-0, libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0, libfontconfig1, libdbus-1-3, fontconfig-config, fonts-dejavu-core
Description: Offline reference for medical coders: chemodenervation (CPT 64643)
 CodeDesk shows what each code of the chemodenervation family means in plain
 words, how it is reported, its NCCI edits, MUEs and Medicare payments by CMS
 release, and a modifier decision wizard. It never uses the network.
CONTROL
# Files root-owned and world-readable; the app never writes under /opt.
chmod -R u=rwX,go=rX "$ROOTFS"
dpkg-deb --root-owner-group -Zxz --build "$ROOTFS" "dist/codedesk_${VERSION}_${ARCH}.deb" >/dev/null
echo "built dist/codedesk/ and dist/codedesk_${VERSION}_${ARCH}.deb"
