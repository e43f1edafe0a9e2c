<?php
/**
 * Settings → Media Library: where the media server is, its keys, and who may use it.
 *
 * @package MediaLibrary
 */

defined( 'ABSPATH' ) || exit;

/**
 * The plugin's one option, its form, and the access rules derived from it.
 */
final class Media_Library_Settings {

	const OPTION = 'media_library_settings';
	const PAGE   = 'media-library';

	/** With "act as the matching DAM user": a WordPress user without a DAM account gets no session, and is told why. */
	const DAM_USER_MISSING_REFUSE = 'refuse';

	/** With "act as the matching DAM user": a WordPress user without a DAM account gets the role mapping's session. */
	const DAM_USER_MISSING_ROLES = 'roles';

	/** Hooks the settings page in. */
	public static function register(): void {
		add_action( 'admin_init', array( self::class, 'register_setting' ) );
		add_action( 'admin_menu', array( self::class, 'add_page' ) );
	}

	/**
	 * Stored settings over their defaults.
	 *
	 * @return array{endpoint: string, public_key: string, private_key: string, root_folder: string, read_roles: string[], write_roles: string[], per_user_folder: bool, dam_user: bool, dam_user_missing: string}
	 */
	public static function get(): array {
		$stored = get_option( self::OPTION, array() );
		return array_merge( self::defaults(), is_array( $stored ) ? $stored : array() );
	}

	/** Defaults: editors and authors upload, contributors browse; sessions act for no DAM user. */
	public static function defaults(): array {
		return array(
			'endpoint'         => '',
			'public_key'       => '',
			'private_key'      => '',
			'root_folder'      => '/',
			'read_roles'       => array( 'administrator', 'editor', 'author', 'contributor' ),
			'write_roles'      => array( 'administrator', 'editor', 'author' ),
			'per_user_folder'  => false,
			'dam_user'         => false,
			'dam_user_missing' => self::DAM_USER_MISSING_REFUSE,
		);
	}

	/**
	 * The DAM user a user's sessions act for (their email), or '' when sessions act for none.
	 *
	 * @param WP_User $user The user.
	 */
	public static function dam_user_for( WP_User $user ): string {
		return self::get()['dam_user'] ? (string) $user->user_email : '';
	}

	/** Whether a user without a DAM account falls back to the role mapping (else they are refused). */
	public static function dam_user_falls_back(): bool {
		return self::DAM_USER_MISSING_ROLES === self::get()['dam_user_missing'];
	}

	/** The media server's base URL, from `MEDIA_LIBRARY_ENDPOINT` when defined. */
	public static function endpoint(): string {
		$value = defined( 'MEDIA_LIBRARY_ENDPOINT' ) ? (string) MEDIA_LIBRARY_ENDPOINT : self::get()['endpoint'];
		return untrailingslashit( $value );
	}

	/** The public key, from `MEDIA_LIBRARY_PUBLIC_KEY` when defined. */
	public static function public_key(): string {
		return defined( 'MEDIA_LIBRARY_PUBLIC_KEY' ) ? (string) MEDIA_LIBRARY_PUBLIC_KEY : self::get()['public_key'];
	}

	/** The private key, from `MEDIA_LIBRARY_PRIVATE_KEY` in wp-config.php when defined. Never leaves PHP. */
	public static function private_key(): string {
		return defined( 'MEDIA_LIBRARY_PRIVATE_KEY' ) ? (string) MEDIA_LIBRARY_PRIVATE_KEY : self::get()['private_key'];
	}

	/** Whether endpoint and both keys are set. */
	public static function configured(): bool {
		return '' !== self::endpoint() && '' !== self::public_key() && '' !== self::private_key();
	}

	/**
	 * What a user may do: 'readwrite', 'read', or null (no access).
	 *
	 * @param WP_User $user The user.
	 */
	public static function access_for( WP_User $user ): ?string {
		if ( ! $user->exists() ) {
			return null;
		}
		$settings = self::get();
		$roles    = (array) $user->roles;
		if ( array_intersect( $roles, (array) $settings['write_roles'] ) ) {
			return 'readwrite';
		}
		if ( array_intersect( $roles, (array) $settings['read_roles'] ) ) {
			return 'read';
		}
		return null;
	}

	/**
	 * The folder a user's sessions are confined to, like `/brand/` or `/brand/users/jo/`.
	 *
	 * @param WP_User $user The user.
	 */
	public static function folder_for( WP_User $user ): string {
		$settings = self::get();
		$folder   = self::normalize_folder( (string) $settings['root_folder'] );
		if ( $settings['per_user_folder'] ) {
			$folder .= 'users/' . sanitize_title( $user->user_login ) . '/';
		}
		return $folder;
	}

	/** `brand//logos` → `/brand/logos/`; dot segments dropped. */
	public static function normalize_folder( string $value ): string {
		$segments = array_filter(
			explode( '/', $value ),
			static fn( $segment ) => '' !== $segment && '.' !== $segment && '..' !== $segment
		);
		return array() === $segments ? '/' : '/' . implode( '/', $segments ) . '/';
	}

	/** Registers the option with its sanitizer. */
	public static function register_setting(): void {
		register_setting(
			self::PAGE,
			self::OPTION,
			array(
				'type'              => 'array',
				'sanitize_callback' => array( self::class, 'sanitize' ),
				'default'           => self::defaults(),
				'show_in_rest'      => false,
			)
		);
	}

	/**
	 * Cleans the submitted form. An empty private key field keeps the stored key (the form never shows it).
	 *
	 * @param mixed $input Submitted values.
	 */
	public static function sanitize( $input ): array {
		$input    = is_array( $input ) ? $input : array();
		$current  = self::get();
		$roles    = array_keys( wp_roles()->get_names() );
		$pick     = static fn( $key ) => array_values( array_intersect( $roles, array_map( 'strval', (array) ( $input[ $key ] ?? array() ) ) ) );
		$endpoint = esc_url_raw( trim( (string) ( $input['endpoint'] ?? '' ) ), array( 'http', 'https' ) );
		$private  = trim( (string) ( $input['private_key'] ?? '' ) );
		if ( ! empty( $input['clear_private_key'] ) ) {
			$private = '';
		} elseif ( '' === $private ) {
			$private = $current['private_key'];
		}
		$missing  = (string) ( $input['dam_user_missing'] ?? '' );
		return array(
			'endpoint'         => untrailingslashit( $endpoint ),
			'public_key'       => sanitize_text_field( (string) ( $input['public_key'] ?? '' ) ),
			'private_key'      => $private,
			'root_folder'      => self::normalize_folder( sanitize_text_field( (string) ( $input['root_folder'] ?? '/' ) ) ),
			'read_roles'       => $pick( 'read_roles' ),
			'write_roles'      => $pick( 'write_roles' ),
			'per_user_folder'  => ! empty( $input['per_user_folder'] ),
			'dam_user'         => ! empty( $input['dam_user'] ),
			'dam_user_missing' => self::DAM_USER_MISSING_ROLES === $missing ? self::DAM_USER_MISSING_ROLES : self::DAM_USER_MISSING_REFUSE,
		);
	}

	/** Adds Settings → Media Library. */
	public static function add_page(): void {
		$hook = add_options_page(
			__( 'Media Library', 'media-library' ),
			__( 'Media Library', 'media-library' ),
			'manage_options',
			self::PAGE,
			array( self::class, 'render_page' )
		);
		add_action(
			'admin_print_scripts-' . $hook,
			static function () {
				wp_enqueue_script(
					'media-library-settings',
					plugins_url( 'assets/settings.js', MEDIA_LIBRARY_FILE ),
					array( 'wp-api-fetch', 'wp-i18n' ),
					MEDIA_LIBRARY_VERSION,
					true
				);
				wp_set_script_translations( 'media-library-settings', 'media-library', MEDIA_LIBRARY_DIR . '/languages' );
			}
		);
	}

	/** The settings form. The private key is write-only: the page says whether one is set, never what it is. */
	public static function render_page(): void {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		$settings = self::get();
		$name     = self::OPTION;
		$roles    = wp_roles()->get_names();
		$from     = static fn( $constant ) => defined( $constant )
			/* translators: %s: a PHP constant's name */
			? '<p class="description">' . esc_html( sprintf( __( 'Set by %s in wp-config.php.', 'media-library' ), $constant ) ) . '</p>'
			: '';
		?>
		<div class="wrap">
			<h1><?php esc_html_e( 'Media Library', 'media-library' ); ?></h1>
			<form method="post" action="options.php">
				<?php settings_fields( self::PAGE ); ?>
				<table class="form-table" role="presentation">
					<tr>
						<th scope="row"><label for="ml-endpoint"><?php esc_html_e( 'Media server endpoint', 'media-library' ); ?></label></th>
						<td>
							<input id="ml-endpoint" class="regular-text code" type="url" name="<?php echo esc_attr( $name ); ?>[endpoint]" value="<?php echo esc_attr( $settings['endpoint'] ); ?>" placeholder="https://media.example.com">
							<?php echo wp_kses_post( $from( 'MEDIA_LIBRARY_ENDPOINT' ) ); ?>
						</td>
					</tr>
					<tr>
						<th scope="row"><label for="ml-public-key"><?php esc_html_e( 'Public key', 'media-library' ); ?></label></th>
						<td>
							<input id="ml-public-key" class="regular-text code" type="text" name="<?php echo esc_attr( $name ); ?>[public_key]" value="<?php echo esc_attr( $settings['public_key'] ); ?>" autocomplete="off">
							<?php echo wp_kses_post( $from( 'MEDIA_LIBRARY_PUBLIC_KEY' ) ); ?>
						</td>
					</tr>
					<tr>
						<th scope="row"><label for="ml-private-key"><?php esc_html_e( 'Private key', 'media-library' ); ?></label></th>
						<td>
							<?php if ( defined( 'MEDIA_LIBRARY_PRIVATE_KEY' ) ) : ?>
								<p><strong><?php esc_html_e( 'Set', 'media-library' ); ?></strong></p>
								<?php echo wp_kses_post( $from( 'MEDIA_LIBRARY_PRIVATE_KEY' ) ); ?>
							<?php else : ?>
								<input id="ml-private-key" class="regular-text code" type="password" name="<?php echo esc_attr( $name ); ?>[private_key]" value="" autocomplete="new-password" placeholder="<?php echo esc_attr( '' !== $settings['private_key'] ? __( 'Set (type to replace)', 'media-library' ) : __( 'Not set', 'media-library' ) ); ?>">
								<?php if ( '' !== $settings['private_key'] ) : ?>
									<p class="description"><?php esc_html_e( 'A private key is set. It is never shown; leave the field empty to keep it.', 'media-library' ); ?></p>
									<label><input type="checkbox" name="<?php echo esc_attr( $name ); ?>[clear_private_key]" value="1"> <?php esc_html_e( 'Remove the stored private key', 'media-library' ); ?></label>
								<?php endif; ?>
								<p class="description"><?php esc_html_e( 'Or define MEDIA_LIBRARY_PRIVATE_KEY in wp-config.php to keep it out of the database.', 'media-library' ); ?></p>
							<?php endif; ?>
						</td>
					</tr>
					<tr>
						<th scope="row"><label for="ml-root-folder"><?php esc_html_e( 'Root folder', 'media-library' ); ?></label></th>
						<td>
							<input id="ml-root-folder" class="regular-text code" type="text" name="<?php echo esc_attr( $name ); ?>[root_folder]" value="<?php echo esc_attr( $settings['root_folder'] ); ?>">
							<p class="description"><?php esc_html_e( 'Editors see this folder and what is inside it, like /website/.', 'media-library' ); ?></p>
							<label><input type="checkbox" name="<?php echo esc_attr( $name ); ?>[per_user_folder]" value="1" <?php checked( $settings['per_user_folder'] ); ?>> <?php esc_html_e( 'Give each user their own folder inside it (users/<login>/)', 'media-library' ); ?></label>
						</td>
					</tr>
					<?php
					foreach ( array(
						'read_roles'  => __( 'Roles that may browse', 'media-library' ),
						'write_roles' => __( 'Roles that may upload and edit', 'media-library' ),
					) as $key => $label ) :
						?>
						<tr>
							<th scope="row"><?php echo esc_html( $label ); ?></th>
							<td><fieldset>
								<?php foreach ( $roles as $role => $role_name ) : ?>
									<label><input type="checkbox" name="<?php echo esc_attr( "{$name}[{$key}][]" ); ?>" value="<?php echo esc_attr( $role ); ?>" <?php checked( in_array( $role, (array) $settings[ $key ], true ) ); ?>> <?php echo esc_html( translate_user_role( $role_name ) ); ?></label><br>
								<?php endforeach; ?>
							</fieldset></td>
						</tr>
					<?php endforeach; ?>
					<tr>
						<th scope="row"><?php esc_html_e( 'DAM users', 'media-library' ); ?></th>
						<td>
							<label><input id="ml-dam-user" type="checkbox" name="<?php echo esc_attr( $name ); ?>[dam_user]" value="1" aria-describedby="ml-dam-user-description" <?php checked( $settings['dam_user'] ); ?>> <?php esc_html_e( 'Act as the matching DAM user (by email)', 'media-library' ); ?></label>
							<p class="description" id="ml-dam-user-description"><?php esc_html_e( 'Sessions carry the WordPress user’s email, and the media server applies that DAM user’s folder grants within the root folder and role access above. Needs the self-hosted media server with users.', 'media-library' ); ?></p>
							<fieldset>
								<legend><?php esc_html_e( 'When a WordPress user has no DAM account with their email:', 'media-library' ); ?></legend>
								<label><input type="radio" name="<?php echo esc_attr( $name ); ?>[dam_user_missing]" value="<?php echo esc_attr( self::DAM_USER_MISSING_REFUSE ); ?>" <?php checked( self::DAM_USER_MISSING_REFUSE, $settings['dam_user_missing'] ); ?>> <?php esc_html_e( 'Refuse, and tell them to ask for an account', 'media-library' ); ?></label><br>
								<label><input type="radio" name="<?php echo esc_attr( $name ); ?>[dam_user_missing]" value="<?php echo esc_attr( self::DAM_USER_MISSING_ROLES ); ?>" <?php checked( self::DAM_USER_MISSING_ROLES, $settings['dam_user_missing'] ); ?>> <?php esc_html_e( 'Use the role mapping above, as without this setting', 'media-library' ); ?></label>
							</fieldset>
						</td>
					</tr>
				</table>
				<?php submit_button(); ?>
			</form>
			<h2><?php esc_html_e( 'Connection', 'media-library' ); ?></h2>
			<p><button type="button" class="button" id="ml-test-connection"><?php esc_html_e( 'Test connection', 'media-library' ); ?></button></p>
			<div id="ml-test-result" role="status" aria-live="polite"></div>
		</div>
		<?php
	}
}
