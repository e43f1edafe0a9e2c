<?php
/**
 * REST routes under media-library/v1: the token endpoint (`session`, `upload-auth`), a connection
 * test for the settings page, and "Import into WordPress".
 *
 * @package MediaLibrary
 */

defined( 'ABSPATH' ) || exit;

/**
 * The token endpoint for the element. WordPress checks the REST nonce (cookie auth): a request
 * without one runs as a visitor, one with a bad one is refused before these callbacks run.
 */
final class Media_Library_Rest {

	const NAMESPACE = 'media-library/v1';

	/** Hooks the routes in. */
	public static function register(): void {
		add_action( 'rest_api_init', array( self::class, 'routes' ) );
	}

	/** Registers the routes. */
	public static function routes(): void {
		register_rest_route(
			self::NAMESPACE,
			'/session',
			array(
				'methods'             => 'POST',
				'callback'            => array( self::class, 'session' ),
				'permission_callback' => array( self::class, 'may_browse' ),
				'args'                => array(
					'folder' => array(
						'type'        => 'string',
						'description' => __( 'A subfolder of the allowed folder.', 'media-library' ),
					),
					'access' => array(
						'type' => 'string',
						'enum' => array( 'read', 'readwrite' ),
					),
				),
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/upload-auth',
			array(
				'methods'             => array( 'GET', 'POST' ),
				'callback'            => array( self::class, 'upload_auth' ),
				'permission_callback' => array( self::class, 'may_upload' ),
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/test-connection',
			array(
				'methods'             => 'POST',
				'callback'            => array( self::class, 'test_connection' ),
				'permission_callback' => static fn() => current_user_can( 'manage_options' ),
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/import',
			array(
				'methods'             => 'POST',
				'callback'            => array( self::class, 'import' ),
				'permission_callback' => static fn() => self::may_browse() === true && current_user_can( 'upload_files' ),
				'args'                => array(
					'url'         => array(
						'type'     => 'string',
						'required' => true,
					),
					'name'        => array( 'type' => 'string' ),
					'alt'         => array( 'type' => 'string' ),
					'description' => array( 'type' => 'string' ),
					'fileId'      => array( 'type' => 'string' ),
				),
			)
		);
	}

	/**
	 * Logged-in users whose role may browse.
	 *
	 * @return true|WP_Error
	 */
	public static function may_browse() {
		$user = wp_get_current_user();
		if ( ! $user->exists() ) {
			return new WP_Error( 'media_library_login', __( 'Log in to use the media library.', 'media-library' ), array( 'status' => 401 ) );
		}
		if ( null === Media_Library_Settings::access_for( $user ) ) {
			return new WP_Error( 'media_library_forbidden', __( 'Your role may not use the media library. An administrator can change this under Settings → Media Library.', 'media-library' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * Logged-in users whose role may upload and edit.
	 *
	 * @return true|WP_Error
	 */
	public static function may_upload() {
		$browse = self::may_browse();
		if ( true !== $browse ) {
			return $browse;
		}
		if ( 'readwrite' !== Media_Library_Settings::access_for( wp_get_current_user() ) ) {
			return new WP_Error( 'media_library_read_only', __( 'Your role may browse the media library but not upload to it.', 'media-library' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * `POST …/session`: `{token, expiresAt, scope, endpoint}`. The body may narrow the scope (a subfolder, read only), never widen it.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public static function session( WP_REST_Request $request ) {
		$unconfigured = self::unconfigured();
		if ( $unconfigured ) {
			return $unconfigured;
		}
		$user  = wp_get_current_user();
		$scope = self::scope_for( $user );
		if ( null !== $request['folder'] ) {
			$folder = Media_Library_Settings::normalize_folder( (string) $request['folder'] );
			if ( 0 !== strpos( $folder, $scope['folder'] ) ) {
				/* translators: %s: a folder path like /brand/ */
				return new WP_Error( 'media_library_folder', sprintf( __( 'You may only open sessions inside %s.', 'media-library' ), $scope['folder'] ), array( 'status' => 403 ) );
			}
			$scope['folder'] = $folder;
		}
		if ( null !== $request['access'] ) {
			if ( 'readwrite' === $request['access'] && 'read' === $scope['access'] ) {
				/* translators: %s: a folder path like /brand/ */
				return new WP_Error( 'media_library_read_only', sprintf( __( 'Your access to %s is read-only.', 'media-library' ), $scope['folder'] ), array( 'status' => 403 ) );
			}
			$scope['access'] = (string) $request['access'];
		}
		$dam_user = self::dam_user( $user );
		if ( is_wp_error( $dam_user ) ) {
			return $dam_user;
		}
		$now   = time();
		$token = Media_Library_Tokens::session_token(
			$scope,
			Media_Library_Tokens::SESSION_SECONDS,
			'wp:' . $user->ID,
			Media_Library_Settings::private_key(),
			Media_Library_Settings::public_key(),
			$now,
			'',
			$dam_user
		);
		return self::no_store(
			array(
				'token'     => $token,
				'expiresAt' => gmdate( 'Y-m-d\TH:i:s.000\Z', $now + Media_Library_Tokens::SESSION_SECONDS ),
				'scope'     => $scope,
				'endpoint'  => Media_Library_Settings::endpoint(),
			)
		);
	}

	/**
	 * `…/upload-auth`: ImageKit's `{token, expire, signature, publicKey}`. Outside `/`, or acting for
	 * a DAM user, the token is itself a session token, so the media server holds the upload to the
	 * user's folder and grants.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public static function upload_auth() {
		$unconfigured = self::unconfigured();
		if ( $unconfigured ) {
			return $unconfigured;
		}
		$user     = wp_get_current_user();
		$scope    = self::scope_for( $user );
		$dam_user = self::dam_user( $user );
		if ( is_wp_error( $dam_user ) ) {
			return $dam_user;
		}
		$now   = time();
		$token = '/' === $scope['folder'] && '' === $dam_user
			? Media_Library_Tokens::uuid()
			: Media_Library_Tokens::session_token( $scope, Media_Library_Tokens::UPLOAD_EXPIRY_SECONDS, 'wp:' . $user->ID, Media_Library_Settings::private_key(), Media_Library_Settings::public_key(), $now, 'upload', $dam_user );
		return self::no_store( Media_Library_Tokens::upload_auth( $token, Media_Library_Settings::private_key(), Media_Library_Settings::public_key(), $now ) );
	}

	/**
	 * Settings → Test connection: lists one file with the keys, then with a session token, and says in plain words what failed.
	 *
	 * @return WP_REST_Response
	 */
	public static function test_connection() {
		$unconfigured = self::unconfigured();
		if ( $unconfigured ) {
			return new WP_REST_Response(
				array(
					'ok'      => false,
					'message' => $unconfigured->get_error_message(),
				)
			);
		}
		$endpoint = Media_Library_Settings::endpoint();
		$url      = $endpoint . '/v1/files?limit=1';
		$checks   = array(
			__( 'the private key', 'media-library' ) => 'Basic ' . base64_encode( Media_Library_Settings::private_key() . ':' ),
			__( 'a session token', 'media-library' ) => 'Bearer ' . Media_Library_Tokens::session_token(
				array(
					'folder' => '/',
					'access' => 'read',
				),
				60,
				'wp:test-connection',
				Media_Library_Settings::private_key(),
				Media_Library_Settings::public_key(),
				time()
			),
		);
		foreach ( $checks as $what => $authorization ) {
			$response = wp_remote_get(
				$url,
				array(
					'timeout' => 10,
					'headers' => array( 'Authorization' => $authorization ),
				)
			);
			$message = self::connection_problem( $response, $endpoint, $what );
			if ( null !== $message ) {
				return new WP_REST_Response(
					array(
						'ok'      => false,
						'message' => $message,
					)
				);
			}
		}
		return new WP_REST_Response(
			array(
				'ok'      => true,
				/* translators: %s: the media server's URL */
				'message' => sprintf( __( 'Connected to %s: the keys work and the server accepts this site’s session tokens.', 'media-library' ), $endpoint ),
			)
		);
	}

	/**
	 * What went wrong with one test call, in plain words, or null when it worked.
	 *
	 * @param array|WP_Error $response The HTTP response.
	 * @param string         $endpoint The media server.
	 * @param string         $what     Which credential was tried.
	 */
	private static function connection_problem( $response, string $endpoint, string $what ): ?string {
		if ( is_wp_error( $response ) ) {
			/* translators: 1: the media server's URL, 2: the network error */
			return sprintf( __( 'Could not reach %1$s: %2$s. Check the endpoint and that the server is running.', 'media-library' ), $endpoint, $response->get_error_message() );
		}
		$status = (int) wp_remote_retrieve_response_code( $response );
		if ( 200 === $status ) {
			return null;
		}
		$body   = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		$detail = is_array( $body ) && isset( $body['message'] ) ? (string) $body['message'] : '';
		if ( 401 === $status || 403 === $status ) {
			/* translators: 1: which credential, 2: the server's message */
			return trim( sprintf( __( 'The media server refused %1$s. Check that the public and private keys are a pair from this server. %2$s', 'media-library' ), $what, $detail ) );
		}
		if ( 404 === $status ) {
			/* translators: %s: the media server's URL */
			return sprintf( __( '%s answered, but not as a media server (no /v1/files). Check the endpoint URL.', 'media-library' ), $endpoint );
		}
		/* translators: 1: HTTP status, 2: the server's message */
		return trim( sprintf( __( 'The media server answered with status %1$d. %2$s', 'media-library' ), $status, $detail ) );
	}

	/**
	 * "Import into WordPress": sideloads a file from the media server as an attachment, keeping its URL in meta.
	 *
	 * @param WP_REST_Request $request The request.
	 * @return WP_REST_Response|WP_Error
	 */
	public static function import( WP_REST_Request $request ) {
		$url      = (string) $request['url'];
		$endpoint = Media_Library_Settings::endpoint();
		if ( '' === $endpoint || 0 !== strpos( $url, $endpoint . '/' ) ) {
			return new WP_Error( 'media_library_import_url', __( 'Only files from the configured media server can be imported.', 'media-library' ), array( 'status' => 400 ) );
		}
		$existing = get_posts(
			array(
				'post_type'   => 'attachment',
				'post_status' => 'inherit',
				'meta_key'    => '_media_library_url', // phpcs:ignore WordPress.DB.SlowDBQuery -- one lookup per import.
				'meta_value'  => $url, // phpcs:ignore WordPress.DB.SlowDBQuery
				'fields'      => 'ids',
				'numberposts' => 1,
			)
		);
		if ( $existing ) {
			if ( null !== $request['fileId'] && '' !== $request['fileId'] ) {
				update_post_meta( (int) $existing[0], Media_Library_References::FILE_ID_META, sanitize_text_field( (string) $request['fileId'] ) );
			}
			return new WP_REST_Response( self::attachment_answer( (int) $existing[0] ) );
		}
		require_once ABSPATH . 'wp-admin/includes/file.php';
		require_once ABSPATH . 'wp-admin/includes/media.php';
		require_once ABSPATH . 'wp-admin/includes/image.php';
		// The media server may be on this machine, a private network or a non-standard port; trust that one server only.
		$trust = static function ( $args, $requested ) use ( $endpoint ) {
			if ( 0 === strpos( (string) $requested, $endpoint . '/' ) ) {
				$args['reject_unsafe_urls'] = false;
			}
			return $args;
		};
		add_filter( 'http_request_args', $trust, 10, 2 );
		$temp = download_url( $url, 30 );
		remove_filter( 'http_request_args', $trust, 10 );
		if ( is_wp_error( $temp ) ) {
			return new WP_Error( 'media_library_import_download', $temp->get_error_message(), array( 'status' => 502 ) );
		}
		$name = sanitize_file_name( (string) ( $request['name'] ?? '' ) );
		$file = array(
			'name'     => '' !== $name ? $name : wp_basename( (string) wp_parse_url( $url, PHP_URL_PATH ) ),
			'tmp_name' => $temp,
		);
		$id   = media_handle_sideload( $file, 0, (string) ( $request['description'] ?? '' ) );
		if ( is_wp_error( $id ) ) {
			wp_delete_file( $temp );
			return new WP_Error( 'media_library_import', $id->get_error_message(), array( 'status' => 400 ) );
		}
		update_post_meta( $id, '_media_library_url', esc_url_raw( $url ) );
		if ( null !== $request['fileId'] && '' !== $request['fileId'] ) {
			// A featured image imported from the media library counts as a use of the file.
			update_post_meta( $id, Media_Library_References::FILE_ID_META, sanitize_text_field( (string) $request['fileId'] ) );
		}
		if ( null !== $request['alt'] ) {
			update_post_meta( $id, '_wp_attachment_image_alt', sanitize_text_field( (string) $request['alt'] ) );
		}
		return new WP_REST_Response( self::attachment_answer( $id ), 201 );
	}

	/**
	 * The attachment's id and URL for the editor.
	 *
	 * @param int $id Attachment id.
	 */
	private static function attachment_answer( int $id ): array {
		return array(
			'id'  => $id,
			'url' => (string) wp_get_attachment_url( $id ),
		);
	}

	/**
	 * The user's scope: the configured folder, read or readwrite by role.
	 *
	 * @param WP_User $user The user.
	 */
	private static function scope_for( WP_User $user ): array {
		return array(
			'folder' => Media_Library_Settings::folder_for( $user ),
			'access' => (string) Media_Library_Settings::access_for( $user ),
		);
	}

	/**
	 * The DAM user (email) a user's sessions act for: '' for none (the setting is off, or the user
	 * has no DAM account and the settings fall back to the role mapping), or an error saying why
	 * there is no session. The media server is asked (`GET /_ml/me` with a one-minute token naming
	 * the user), so a missing account is told at once instead of as a failing listing.
	 *
	 * @param WP_User $user The user.
	 * @return string|WP_Error
	 */
	private static function dam_user( WP_User $user ) {
		$email = Media_Library_Settings::dam_user_for( $user );
		if ( '' === $email ) {
			return '';
		}
		$probe    = Media_Library_Tokens::session_token(
			array(
				'folder' => '/',
				'access' => 'read',
			),
			60,
			'wp:' . $user->ID,
			Media_Library_Settings::private_key(),
			Media_Library_Settings::public_key(),
			time(),
			'',
			$email
		);
		$response = wp_remote_get(
			Media_Library_Settings::endpoint() . '/_ml/me',
			array(
				'timeout' => 10,
				'headers' => array( 'Authorization' => 'Bearer ' . $probe ),
			)
		);
		if ( is_wp_error( $response ) || 401 !== (int) wp_remote_retrieve_response_code( $response ) ) {
			// Found, or a server that cannot tell: the session names the user and the server decides on each call.
			return $email;
		}
		$body   = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		$reason = is_array( $body ) && isset( $body['reason'] ) ? (string) $body['reason'] : '';
		if ( 'USER_NOT_FOUND' === $reason ) {
			if ( Media_Library_Settings::dam_user_falls_back() ) {
				return '';
			}
			/* translators: %s: the user's email address */
			return new WP_Error( 'media_library_no_dam_user', sprintf( __( 'The media library has no account for %s, and this site opens it as your own media library account. Ask a media library administrator to add you with this email.', 'media-library' ), $email ), array( 'status' => 403 ) );
		}
		if ( 'USER_DISABLED' === $reason ) {
			/* translators: %s: the user's email address */
			return new WP_Error( 'media_library_dam_user_disabled', sprintf( __( 'Your media library account (%s) is disabled. Ask a media library administrator to enable it.', 'media-library' ), $email ), array( 'status' => 403 ) );
		}
		return $email;
	}

	/** An error when endpoint or keys are missing, else null. */
	private static function unconfigured(): ?WP_Error {
		if ( Media_Library_Settings::configured() ) {
			return null;
		}
		return new WP_Error( 'media_library_unconfigured', __( 'The media library is not set up yet: an administrator must enter the media server endpoint and keys under Settings → Media Library.', 'media-library' ), array( 'status' => 503 ) );
	}

	/**
	 * A JSON answer (WordPress sends logged-in users' REST answers with no-cache headers).
	 *
	 * @param array $data The body.
	 */
	private static function no_store( array $data ): WP_REST_Response {
		return new WP_REST_Response( $data );
	}
}
