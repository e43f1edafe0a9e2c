<?php
/**
 * Plugin Name:       Media Library
 * Plugin URI:        https://github.com/media-library/media-library
 * Description:       Pick images from your media server (self-hosted or ImageKit) in the block and classic editors. Private keys stay on the server.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * Author:            The media-library authors
 * License:           MIT
 * License URI:       https://opensource.org/licenses/MIT
 * Text Domain:       media-library
 * Domain Path:       /languages
 *
 * @package MediaLibrary
 */

defined( 'ABSPATH' ) || exit;

define( 'MEDIA_LIBRARY_VERSION', '0.1.0' );
define( 'MEDIA_LIBRARY_FILE', __FILE__ );
define( 'MEDIA_LIBRARY_DIR', __DIR__ );

require_once __DIR__ . '/includes/class-settings.php';
require_once __DIR__ . '/includes/class-tokens.php';
require_once __DIR__ . '/includes/class-rest.php';
require_once __DIR__ . '/includes/class-editor.php';
require_once __DIR__ . '/includes/class-references.php';

add_action(
	'init',
	static function () {
		load_plugin_textdomain( 'media-library', false, dirname( plugin_basename( MEDIA_LIBRARY_FILE ) ) . '/languages' );
	}
);

Media_Library_Settings::register();
Media_Library_Rest::register();
Media_Library_Editor::register();
Media_Library_References::register();
