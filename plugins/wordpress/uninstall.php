<?php
/**
 * Removes the plugin's settings when it is deleted. Imported attachments stay: they are the site's now.
 *
 * @package MediaLibrary
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

delete_option( 'media_library_settings' );
delete_site_option( 'media_library_settings' );
