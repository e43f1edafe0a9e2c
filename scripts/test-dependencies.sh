#!/usr/bin/env bash
# What `npm test` needs from the system besides node_modules, installed when missing: Chromium
# (element, e2e and plugin suites), ffmpeg (video posters), poppler-utils (PDF pages), PostgreSQL and Redis (the scale-path
# pass starts throwaway servers of both), PHP with mysqli, curl, dom and mbstring, MariaDB and
# WordPress (the WordPress plugin's suite). `npm test` runs it first, so it is silent and quick
# when all is here. It installs with apt-get as root or through `sudo -n` (sudo without a
# password); otherwise it stops with one line naming the command to run.
set -euo pipefail

packages=()

# Fills `packages` with the Debian packages of what is missing.
find_missing() {
  packages=()
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || packages+=(chromium)
  command -v ffmpeg >/dev/null || packages+=(ffmpeg)
  command -v pdftoppm >/dev/null || packages+=(poppler-utils)
  # test-scale.sh uses these servers instead of starting its own.
  if [ -z "${MEDIA_LIBRARY_TEST_POSTGRES:-}" ] || [ -z "${MEDIA_LIBRARY_TEST_REDIS:-}" ]; then
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || packages+=(postgresql)
    command -v redis-server >/dev/null || packages+=(redis-server)
  fi
  # Debian puts mariadbd in /usr/sbin, which is not on a user's PATH.
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || packages+=(mariadb-server)
  # WORDPRESS_SOURCE points the suite at a WordPress tree of the user's own.
  [ -n "${WORDPRESS_SOURCE:-}" ] || [ -f /usr/share/wordpress/wp-includes/version.php ] ||
    packages+=(wordpress)
  if ! command -v php >/dev/null; then
    packages+=(php-cli php-mysql php-curl php-xml php-mbstring)
    return
  fi
  local extension
  for extension in $(php -r 'foreach (["mysqli", "curl", "dom", "mbstring"] as $e) if (!extension_loaded($e)) echo "$e\n";'); do
    case "$extension" in
      mysqli) packages+=(php-mysql) ;;
      dom) packages+=(php-xml) ;;
      *) packages+=("php-$extension") ;;
    esac
  done
}

find_missing
[ ${#packages[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
  echo "npm test needs these Debian packages or your system's equivalents: ${packages[*]}" >&2
  exit 1
fi
if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "npm test needs system packages; run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
  exit 1
fi

echo "Installing what npm test needs: ${packages[*]}" >&2
"${as_root[@]}" apt-get update -qq >/dev/null
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
find_missing
if [ ${#packages[@]} -gt 0 ]; then
  echo "Still missing after apt-get install: ${packages[*]}" >&2
  exit 1
fi
