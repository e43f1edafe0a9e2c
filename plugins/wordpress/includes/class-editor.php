<?php
/**
 * The element in the editors: block editor toolbar buttons and inserter entry, the classic
 * editor's "Add from Media Library" button, and the markup both insert.
 *
 * @package MediaLibrary
 */

defined( 'ABSPATH' ) || exit;

/**
 * Loads the built element and the editor glue, and renders inserted images.
 */
final class Media_Library_Editor {

	/** Widths offered in `srcset`, as ImageKit `w-` transforms (never above the original). */
	const SRCSET_WIDTHS = array( 320, 640, 960, 1280, 1920, 2560 );

	/** Hooks the editors in. */
	public static function register(): void {
		add_action( 'enqueue_block_editor_assets', array( self::class, 'enqueue_block_editor' ) );
		add_action( 'media_buttons', array( self::class, 'classic_button' ), 20 );
		add_action( 'admin_enqueue_scripts', array( self::class, 'enqueue_classic' ) );
		add_filter( 'script_loader_tag', array( self::class, 'module_tag' ), 10, 2 );
		add_action( 'rest_api_init', array( self::class, 'routes' ) );
	}

	/** The built element's script-tag file, copied in by `npm run build:wordpress`. */
	public static function element_url(): string {
		return plugins_url( 'assets/element/media-library.js', MEDIA_LIBRARY_FILE );
	}

	/** What the editor scripts need: where the token endpoint is and what this user may do. Never a key. */
	public static function config(): array {
		$user = wp_get_current_user();
		return array(
			'restPath'   => '/' . Media_Library_Rest::NAMESPACE . '/',
			'endpoint'   => Media_Library_Settings::endpoint(),
			'rootFolder' => Media_Library_Settings::folder_for( $user ),
			'access'     => Media_Library_Settings::access_for( $user ),
			'configured' => Media_Library_Settings::configured(),
			'canImport'  => current_user_can( 'upload_files' ),
			'widths'     => self::SRCSET_WIDTHS,
		);
	}

	/** Registers the element script (a module) and the shared picker. */
	private static function register_scripts(): void {
		wp_register_script( 'media-library-element', self::element_url(), array(), MEDIA_LIBRARY_VERSION, true );
		wp_register_script(
			'media-library-picker',
			plugins_url( 'assets/picker.js', MEDIA_LIBRARY_FILE ),
			array( 'media-library-element', 'wp-api-fetch', 'wp-i18n' ),
			MEDIA_LIBRARY_VERSION,
			true
		);
		wp_add_inline_script( 'media-library-picker', 'window.mediaLibraryConfig = ' . wp_json_encode( self::config() ) . ';', 'before' );
		wp_set_script_translations( 'media-library-picker', 'media-library', MEDIA_LIBRARY_DIR . '/languages' );
	}

	/** Block editor: toolbar buttons on Image, Gallery, Cover, Media & Text, and the inserter entry. */
	public static function enqueue_block_editor(): void {
		if ( null === Media_Library_Settings::access_for( wp_get_current_user() ) ) {
			return;
		}
		self::register_scripts();
		wp_enqueue_script(
			'media-library-block-editor',
			plugins_url( 'assets/block-editor.js', MEDIA_LIBRARY_FILE ),
			array( 'media-library-picker', 'wp-blocks', 'wp-block-editor', 'wp-components', 'wp-compose', 'wp-data', 'wp-element', 'wp-hooks', 'wp-i18n' ),
			MEDIA_LIBRARY_VERSION,
			true
		);
		wp_set_script_translations( 'media-library-block-editor', 'media-library', MEDIA_LIBRARY_DIR . '/languages' );
	}

	/**
	 * Classic editor: the script behind "Add from Media Library".
	 *
	 * @param string $hook The admin page.
	 */
	public static function enqueue_classic( string $hook ): void {
		if ( 'post.php' !== $hook && 'post-new.php' !== $hook ) {
			return;
		}
		$screen = get_current_screen();
		if ( ! $screen || $screen->is_block_editor() || null === Media_Library_Settings::access_for( wp_get_current_user() ) ) {
			return;
		}
		self::register_scripts();
		wp_enqueue_script(
			'media-library-classic',
			plugins_url( 'assets/classic-editor.js', MEDIA_LIBRARY_FILE ),
			array( 'media-library-picker', 'jquery' ),
			MEDIA_LIBRARY_VERSION,
			true
		);
	}

	/**
	 * The button beside "Add Media".
	 *
	 * @param string $editor_id The editor's id.
	 */
	public static function classic_button( string $editor_id = 'content' ): void {
		if ( null === Media_Library_Settings::access_for( wp_get_current_user() ) ) {
			return;
		}
		printf(
			'<button type="button" class="button media-library-classic-button" data-editor="%s"><span class="dashicons dashicons-images-alt2" style="vertical-align:text-top" aria-hidden="true"></span> %s</button>',
			esc_attr( $editor_id ),
			esc_html__( 'Add from Media Library', 'media-library' )
		);
	}

	/**
	 * Loads the element as an ES module (WordPress 6.1 has no script-module API).
	 *
	 * @param string $tag    The script tag.
	 * @param string $handle The script's handle.
	 */
	public static function module_tag( string $tag, string $handle ): string {
		if ( 'media-library-element' !== $handle ) {
			return $tag;
		}
		return str_replace( '<script ', '<script type="module" ', $tag );
	}

	/** `POST media-library/v1/markup`: the classic editor's HTML for chosen files. */
	public static function routes(): void {
		register_rest_route(
			Media_Library_Rest::NAMESPACE,
			'/markup',
			array(
				'methods'             => 'POST',
				'callback'            => static function ( WP_REST_Request $request ) {
					$files = array_filter( (array) $request['files'], 'is_array' );
					return new WP_REST_Response( array( 'html' => implode( "\n", array_map( array( self::class, 'image_markup' ), $files ) ) ) );
				},
				'permission_callback' => array( Media_Library_Rest::class, 'may_browse' ),
				'args'                => array(
					'files' => array(
						'type'     => 'array',
						'required' => true,
					),
				),
			)
		);
	}

	/**
	 * `srcset` of ImageKit width transforms up to the file's own width.
	 *
	 * @param string $url   The file's URL.
	 * @param int    $width The file's width in pixels (0 when unknown).
	 */
	public static function srcset( string $url, int $width ): string {
		if ( $width <= 0 ) {
			return '';
		}
		$separator = false === strpos( $url, '?' ) ? '?' : '&';
		$entries   = array();
		foreach ( self::SRCSET_WIDTHS as $candidate ) {
			if ( $candidate < $width ) {
				$entries[] = $url . $separator . 'tr=w-' . $candidate . ' ' . $candidate . 'w';
			}
		}
		$entries[] = $url . ' ' . $width . 'w';
		return implode( ', ', $entries );
	}

	/**
	 * The `<img>` for one File (the element's insert payload): URL, alt from its description, size,
	 * srcset, and its fileId (`data-ml-file-id`), by which the post reports where the file is used
	 * and shows its current URL after a move.
	 *
	 * @param array $file A File: url, width, height, description, name, fileId.
	 */
	public static function image_markup( array $file ): string {
		$url = esc_url_raw( (string) ( $file['url'] ?? '' ), array( 'http', 'https' ) );
		if ( '' === $url ) {
			return '';
		}
		$width  = absint( $file['width'] ?? 0 );
		$height = absint( $file['height'] ?? 0 );
		$alt    = (string) ( $file['description'] ?? '' );
		$attrs  = array(
			'src' => $url,
			'alt' => $alt,
		);
		if ( $width && $height ) {
			$attrs['width']  = (string) $width;
			$attrs['height'] = (string) $height;
			$attrs['srcset'] = self::srcset( $url, $width );
			$attrs['sizes']  = '(max-width: ' . $width . 'px) 100vw, ' . $width . 'px';
		}
		$attrs['class'] = 'media-library-image';
		$file_id        = (string) ( $file['fileId'] ?? '' );
		if ( '' !== $file_id ) {
			$attrs['data-ml-file-id'] = $file_id;
		}
		$html           = '<img';
		foreach ( $attrs as $name => $value ) {
			$html .= ' ' . $name . '="' . ( 'src' === $name ? esc_url( $value ) : esc_attr( $value ) ) . '"';
		}
		return $html . ' />';
	}
}
