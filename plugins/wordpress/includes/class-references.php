<?php
/**
 * Where used: on save and delete of any post, tells the media server which of its files the post
 * uses (`PUT`/`DELETE /_ml/references`), and at render swaps each stored URL for the file's current
 * one, so a file moved or renamed in the media library keeps showing.
 *
 * @package MediaLibrary
 */

defined( 'ABSPATH' ) || exit;

/**
 * Reports the files each post uses and renders their current URLs.
 */
final class Media_Library_References {

	/** On a post: a hash of the place last reported, so an unchanged save calls nothing. */
	const REPORTED_META = '_media_library_references';

	/** On an imported attachment: the media server's fileId of its original. */
	const FILE_ID_META = '_media_library_file_id';

	/** How long a file's current URL is cached (seconds); a move shows on pages after at most this. */
	const URL_CACHE_SECONDS = 300;

	/** Set for a day when the media server has no `/_ml/references` (ImageKit itself); per endpoint. */
	const UNSUPPORTED_TRANSIENT = 'media_library_no_references_';

	/** Blocks whose `mlFileId` attribute names the file they show, and the comment attribute holding its URL (null: only in the markup's `<img src>`). */
	const URL_ATTRIBUTES = array(
		'core/image'      => null,
		'core/cover'      => 'url',
		'core/media-text' => null,
	);

	/** Hooks saving, deleting and rendering. */
	public static function register(): void {
		add_action( 'wp_after_insert_post', array( self::class, 'post_saved' ), 10, 2 );
		add_action( 'before_delete_post', array( self::class, 'post_deleted' ), 10, 1 );
		add_filter( 'render_block', array( self::class, 'render_block' ), 10, 2 );
		add_filter( 'the_content', array( self::class, 'render_classic_images' ), 20 );
	}

	/** `wordpress:<site url>`: which site a reference comes from. */
	public static function source(): string {
		return 'wordpress:' . untrailingslashit( home_url() );
	}

	/**
	 * The media server fileIds a post uses: blocks' `mlFileId`, classic `<img data-ml-file-id>`,
	 * and a featured image imported from the media library.
	 *
	 * @param WP_Post $post The post.
	 * @return string[]
	 */
	public static function file_ids( WP_Post $post ): array {
		$ids     = array();
		$content = (string) $post->post_content;
		if ( function_exists( 'has_blocks' ) && has_blocks( $content ) ) {
			self::collect_block_ids( parse_blocks( $content ), $ids );
		}
		if ( preg_match_all( '/\sdata-ml-file-id=["\']([^"\']+)["\']/', $content, $matches ) ) {
			foreach ( $matches[1] as $id ) {
				$ids[] = html_entity_decode( $id, ENT_QUOTES );
			}
		}
		$thumbnail = (int) get_post_thumbnail_id( $post );
		if ( $thumbnail > 0 ) {
			$id = (string) get_post_meta( $thumbnail, self::FILE_ID_META, true );
			if ( '' !== $id ) {
				$ids[] = $id;
			}
		}
		return array_values( array_unique( array_filter( $ids, static fn( $id ) => '' !== $id && strlen( $id ) <= 100 ) ) );
	}

	/**
	 * Adds each block's (and inner block's) `mlFileId` to `$ids`.
	 *
	 * @param array    $blocks Parsed blocks.
	 * @param string[] $ids    Collected ids.
	 */
	private static function collect_block_ids( array $blocks, array &$ids ): void {
		foreach ( $blocks as $block ) {
			if ( isset( $block['attrs']['mlFileId'] ) && is_string( $block['attrs']['mlFileId'] ) ) {
				$ids[] = $block['attrs']['mlFileId'];
			}
			if ( ! empty( $block['innerBlocks'] ) ) {
				self::collect_block_ids( $block['innerBlocks'], $ids );
			}
		}
	}

	/**
	 * After a post, its meta and terms are saved (any post type; the block editor sets the featured
	 * image after `save_post`): reports the files it uses, or that it uses none when trashed.
	 *
	 * @param int     $post_id The post.
	 * @param WP_Post $post    The post.
	 */
	public static function post_saved( int $post_id, WP_Post $post ): void {
		if ( wp_is_post_revision( $post_id ) || wp_is_post_autosave( $post_id ) || 'attachment' === $post->post_type || ! Media_Library_Settings::configured() ) {
			return;
		}
		$reported = (string) get_post_meta( $post_id, self::REPORTED_META, true );
		$ids      = in_array( $post->post_status, array( 'trash', 'auto-draft' ), true ) ? array() : self::file_ids( $post );
		if ( array() === $ids ) {
			if ( '' !== $reported && self::send( 'DELETE', array( 'key' => 'post/' . $post_id ) ) ) {
				delete_post_meta( $post_id, self::REPORTED_META );
			}
			return;
		}
		$title = trim( wp_strip_all_tags( get_the_title( $post ) ) );
		$place = array(
			'key'     => 'post/' . $post_id,
			'title'   => '' !== $title ? $title : sprintf( '%s #%d', $post->post_type, $post_id ),
			'url'     => admin_url( 'post.php?post=' . $post_id . '&action=edit' ),
			'fileIds' => $ids,
		);
		$hash = md5( (string) wp_json_encode( $place ) );
		if ( $hash === $reported ) {
			return;
		}
		if ( self::send( 'PUT', $place ) ) {
			update_post_meta( $post_id, self::REPORTED_META, $hash );
		}
	}

	/**
	 * A post about to be deleted for good (its meta still there): it uses nothing any more.
	 *
	 * @param int $post_id The post.
	 */
	public static function post_deleted( int $post_id ): void {
		if ( ! Media_Library_Settings::configured() || '' === (string) get_post_meta( $post_id, self::REPORTED_META, true ) ) {
			return;
		}
		self::send( 'DELETE', array( 'key' => 'post/' . $post_id ) );
	}

	/**
	 * Calls `/_ml/references` with a one-minute read-write session token for the root folder. A file
	 * deleted from the library since it was inserted is left out and the call made again. Never
	 * fails the save: a media server that cannot be reached is reported on the next save.
	 *
	 * @param string $method `PUT` or `DELETE`.
	 * @param array  $place  `{key, title?, url?, fileIds?}`.
	 * @return bool Whether the server took it.
	 */
	private static function send( string $method, array $place ): bool {
		// A server without `/_ml/references` (ImageKit itself) is asked again once a day, not on every save.
		if ( get_transient( self::UNSUPPORTED_TRANSIENT . md5( Media_Library_Settings::endpoint() ) ) ) {
			return false;
		}
		$token    = Media_Library_Tokens::session_token(
			array(
				'folder' => Media_Library_Settings::normalize_folder( (string) Media_Library_Settings::get()['root_folder'] ),
				'access' => 'readwrite',
			),
			60,
			'wp:references',
			Media_Library_Settings::private_key(),
			Media_Library_Settings::public_key(),
			time()
		);
		$body     = array( 'source' => self::source() ) + $place;
		$response = wp_remote_request(
			Media_Library_Settings::endpoint() . '/_ml/references',
			array(
				'method'      => $method,
				'timeout'     => 5,
				'headers'     => array(
					'Authorization' => 'Bearer ' . $token,
					'Content-Type'  => 'application/json',
				),
				'body'        => wp_json_encode( $body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ),
				'data_format' => 'body',
			)
		);
		if ( is_wp_error( $response ) ) {
			return false;
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		if ( 404 === $status ) {
			set_transient( self::UNSUPPORTED_TRANSIENT . md5( Media_Library_Settings::endpoint() ), 1, DAY_IN_SECONDS );
			return false;
		}
		if ( 400 === $status && 'PUT' === $method ) {
			$answer  = json_decode( (string) wp_remote_retrieve_body( $response ), true );
			$missing = is_array( $answer ) && isset( $answer['missingFileIds'] ) && is_array( $answer['missingFileIds'] ) ? $answer['missingFileIds'] : array();
			$left    = array_values( array_diff( $place['fileIds'], $missing ) );
			if ( array() !== $missing && count( $left ) < count( $place['fileIds'] ) ) {
				if ( array() === $left ) {
					return self::send( 'DELETE', array( 'key' => $place['key'] ) );
				}
				$place['fileIds'] = $left;
				return self::send( 'PUT', $place );
			}
		}
		return $status >= 200 && $status < 300;
	}

	/**
	 * A file's current URL on the media server, cached; null when it cannot be told (then the stored URL stays).
	 *
	 * @param string $file_id The fileId.
	 */
	public static function current_url( string $file_id ): ?string {
		$cache_key = 'media_library_url_' . md5( $file_id );
		$cached    = get_transient( $cache_key );
		if ( is_string( $cached ) ) {
			return '' === $cached ? null : $cached;
		}
		if ( ! Media_Library_Settings::configured() ) {
			return null;
		}
		$response = wp_remote_get(
			Media_Library_Settings::endpoint() . '/v1/files/' . rawurlencode( $file_id ) . '/details',
			array(
				'timeout' => 3,
				'headers' => array( 'Authorization' => 'Basic ' . base64_encode( Media_Library_Settings::private_key() . ':' ) ),
			)
		);
		$url = '';
		if ( ! is_wp_error( $response ) && 200 === (int) wp_remote_retrieve_response_code( $response ) ) {
			$file = json_decode( (string) wp_remote_retrieve_body( $response ), true );
			$url  = is_array( $file ) && isset( $file['url'] ) ? esc_url_raw( (string) $file['url'], array( 'http', 'https' ) ) : '';
		}
		// A failed lookup is cached briefly too, so a media server that is down does not slow every page.
		set_transient( $cache_key, $url, '' === $url ? 60 : self::URL_CACHE_SECONDS );
		return '' === $url ? null : $url;
	}

	/**
	 * Blocks showing a media library file: the stored URL (in `src`, `srcset`, a background) becomes the file's current one.
	 *
	 * @param string $html  The block's HTML.
	 * @param array  $block The parsed block.
	 */
	public static function render_block( string $html, array $block ): string {
		$name    = (string) ( $block['blockName'] ?? '' );
		$file_id = $block['attrs']['mlFileId'] ?? null;
		if ( ! array_key_exists( $name, self::URL_ATTRIBUTES ) || ! is_string( $file_id ) ) {
			return $html;
		}
		$attribute = self::URL_ATTRIBUTES[ $name ];
		$stored    = null === $attribute ? null : ( $block['attrs'][ $attribute ] ?? null );
		if ( null === $stored && preg_match( '/<img\s[^>]*src=["\']([^"\']+)/i', (string) ( $block['innerHTML'] ?? '' ), $src ) ) {
			$stored = html_entity_decode( $src[1], ENT_QUOTES );
		}
		if ( ! is_string( $stored ) || '' === $stored ) {
			return $html;
		}
		return self::swap_url( $html, $stored, $file_id );
	}

	/**
	 * Classic content: each `<img data-ml-file-id>` gets its file's current URL.
	 *
	 * @param string $content The post content.
	 */
	public static function render_classic_images( string $content ): string {
		if ( false === strpos( $content, 'data-ml-file-id' ) ) {
			return $content;
		}
		return (string) preg_replace_callback(
			'/<img\s[^>]*data-ml-file-id=["\']([^"\']+)["\'][^>]*>/i',
			static function ( array $match ): string {
				if ( ! preg_match( '/\ssrc=["\']([^"\']+)["\']/', $match[0], $src ) ) {
					return $match[0];
				}
				return self::swap_url( $match[0], html_entity_decode( $src[1], ENT_QUOTES ), html_entity_decode( $match[1], ENT_QUOTES ) );
			},
			$content
		);
	}

	/**
	 * `$html` with `$stored` (the URL saved with the post) replaced by the file's current URL.
	 *
	 * @param string $html    Markup.
	 * @param string $stored  The stored URL.
	 * @param string $file_id The file.
	 */
	private static function swap_url( string $html, string $stored, string $file_id ): string {
		$current = self::current_url( $file_id );
		if ( null === $current || $current === $stored ) {
			return $html;
		}
		return str_replace( array( $stored, esc_url( $stored ) ), array( $current, esc_url( $current ) ), $html );
	}
}
