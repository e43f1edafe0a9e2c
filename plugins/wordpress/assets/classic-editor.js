/** Classic editor: "Add from Media Library" inserts the markup the plugin's PHP renders for the chosen files. */
(($) => {
  $(document).on('click', '.media-library-classic-button', async function (event) {
    event.preventDefault();
    const editor = $(this).data('editor') || 'content';
    const files = await window.mediaLibraryPicker.open({ multiple: true });
    if (!files || files.length === 0) return;
    const { html } = await wp.apiFetch({
      path: `${window.mediaLibraryPicker.config.restPath}markup`,
      method: 'POST',
      data: { files },
    });
    window.wpActiveEditor = editor;
    window.send_to_editor(html);
  });
})(jQuery);
