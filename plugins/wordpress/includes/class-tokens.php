<?php
/**
 * The token endpoint contract (DESIGN.md "Public contracts") in PHP: ImageKit upload
 * signatures and scoped session tokens (HS256 JWTs keyed by the private key, `kid` = public key).
 *
 * @package MediaLibrary
 */

defined( 'ABSPATH' ) || exit;

/**
 * Mints what the element needs; the private key signs here and is never returned.
 */
final class Media_Library_Tokens {

	/** Upload signatures last 30 minutes, as ImageKit's own helpers (the server takes at most an hour). */
	const UPLOAD_EXPIRY_SECONDS = 1800;

	/** Sessions last 10 minutes; the element renews them. */
	const SESSION_SECONDS = 600;

	/**
	 * A session token for `$scope`.
	 *
	 * @param array  $scope       `{folder, access, maxFileSize?, accept?}`.
	 * @param int    $ttl_seconds Lifetime.
	 * @param string $sub         The WordPress user, for the media server's audit trail.
	 * @param string $private_key Signs the token.
	 * @param string $public_key  Names the key pair (`kid`).
	 * @param int    $now         Unix seconds.
	 * @param string $use         `upload` for an upload's token, which the server refuses as a session.
	 * @param string $user        A DAM user's email: the server applies that user's grants within `$scope`.
	 */
	public static function session_token( array $scope, int $ttl_seconds, string $sub, string $private_key, string $public_key, int $now, string $use = '', string $user = '' ): string {
		$header = array(
			'alg' => 'HS256',
			'typ' => 'JWT',
			'kid' => $public_key,
		);
		$claims = array(
			'scope' => $scope,
			'iat'   => $now,
			'exp'   => $now + $ttl_seconds,
			'jti'   => self::base64url( random_bytes( 16 ) ),
		);
		if ( '' !== $sub ) {
			$claims['sub'] = $sub;
		}
		if ( '' !== $use ) {
			$claims['use'] = $use;
		}
		if ( '' !== $user ) {
			$claims['user'] = $user;
		}
		$input = self::base64url( self::json( $header ) ) . '.' . self::base64url( self::json( $claims ) );
		return $input . '.' . self::base64url( hash_hmac( 'sha256', $input, $private_key, true ) );
	}

	/**
	 * ImageKit's client-upload authentication: `signature = hex(HMAC-SHA1(privateKey, token . expire))`.
	 *
	 * @param string $token       Single-use token (a session token binds the upload to its scope).
	 * @param string $private_key Signs.
	 * @param string $public_key  Returned for the upload form.
	 * @param int    $now         Unix seconds.
	 * @return array{token: string, expire: int, signature: string, publicKey: string}
	 */
	public static function upload_auth( string $token, string $private_key, string $public_key, int $now ): array {
		$expire = $now + self::UPLOAD_EXPIRY_SECONDS;
		return array(
			'token'     => $token,
			'expire'    => $expire,
			'signature' => hash_hmac( 'sha1', $token . $expire, $private_key ),
			'publicKey' => $public_key,
		);
	}

	/** A random UUID (v4) for uploads that need no scope. */
	public static function uuid(): string {
		$bytes    = random_bytes( 16 );
		$bytes[6] = chr( ( ord( $bytes[6] ) & 0x0f ) | 0x40 );
		$bytes[8] = chr( ( ord( $bytes[8] ) & 0x3f ) | 0x80 );
		return vsprintf( '%s%s-%s-%s-%s-%s%s%s', str_split( bin2hex( $bytes ), 4 ) );
	}

	/**
	 * Unpadded base64url.
	 *
	 * @param string $bytes Raw bytes.
	 */
	public static function base64url( string $bytes ): string {
		return rtrim( strtr( base64_encode( $bytes ), '+/', '-_' ), '=' );
	}

	/**
	 * JSON as the server reads it (UTF-8, slashes as they are).
	 *
	 * @param array $value Value.
	 */
	private static function json( array $value ): string {
		return (string) wp_json_encode( $value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
	}
}
