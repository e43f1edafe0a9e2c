/**
 * Block editor: a "Media Library" toolbar button on the Image, Gallery, Cover and Media & Text
 * blocks, a "Media Library" inserter entry, and a srcset of ImageKit transforms on images.
 */
(() => {
  const { createElement: el, Fragment, useEffect, useRef, useState } = wp.element;
  const { __ } = wp.i18n;
  const { addFilter } = wp.hooks;
  const { createHigherOrderComponent } = wp.compose;
  const { BlockControls, InspectorControls, useBlockProps } = wp.blockEditor;
  const { ToolbarGroup, ToolbarButton, PanelBody, ToggleControl, Placeholder, Button } = wp.components;
  const { createBlock, registerBlockType } = wp.blocks;
  const { dispatch } = wp.data;
  const picker = window.mediaLibraryPicker;
  const supported = ['core/image', 'core/gallery', 'core/cover', 'core/media-text'];
  const icon = 'format-gallery';
  // "Import into WordPress", per insert: the editor's choice holds until changed.
  let importChoice = false;

  /** Block attributes for one File; imported first when asked, for themes that need an attachment. */
  async function imageData(file) {
    const data = {
      url: file.url,
      alt: file.description || '',
      width: file.width,
      height: file.height,
      srcset: picker.srcset(file.url, file.width),
      sizes: picker.sizes(file.width),
      id: undefined,
      fileId: file.fileId,
    };
    if (importChoice && picker.config.canImport) {
      try {
        data.id = (await picker.importFile(file)).id;
      } catch (failure) {
        dispatch('core/notices').createErrorNotice(
          `${__('Import into WordPress failed:', 'media-library')} ${failure.message || ''}`,
          { type: 'snackbar' },
        );
      }
    }
    return data;
  }

  // WordPress 6.3 made the Image block's width and height CSS strings ("640px"); 6.1 and 6.2 take numbers.
  function dimension(value) {
    if (!value) return undefined;
    const type = wp.blocks.getBlockType('core/image')?.attributes?.width?.type;
    return type === 'string' ? `${value}px` : value;
  }

  function imageAttributes(data) {
    return {
      url: data.url,
      alt: data.alt,
      width: dimension(data.width),
      height: dimension(data.height),
      id: data.id,
      mlSrcset: data.srcset || undefined,
      mlSizes: data.sizes || undefined,
      mlFileId: data.fileId,
    };
  }

  /** Applies the chosen files to a supported block. */
  async function applyFiles(name, clientId, attributes, setAttributes, files) {
    if (!files || files.length === 0) return;
    if (name === 'core/gallery') {
      const images = await Promise.all(files.map(imageData));
      dispatch('core/block-editor').replaceInnerBlocks(
        clientId,
        images.map((data) => createBlock('core/image', imageAttributes(data))),
      );
      return;
    }
    const data = await imageData(files[0]);
    if (name === 'core/image') setAttributes(imageAttributes(data));
    else if (name === 'core/cover')
      setAttributes({
        url: data.url,
        alt: data.alt,
        id: data.id,
        mlFileId: data.fileId,
        backgroundType: 'image',
        dimRatio: attributes.dimRatio ?? 50,
      });
    else if (name === 'core/media-text')
      setAttributes({
        mediaUrl: data.url,
        mediaAlt: data.alt,
        mediaId: data.id,
        mediaType: 'image',
        mlFileId: data.fileId,
      });
  }

  function ImportToggle() {
    const [value, setValue] = useState(importChoice);
    if (!picker.config.canImport) return null;
    return el(
      PanelBody,
      { title: __('Media Library', 'media-library'), initialOpen: false },
      el(ToggleControl, {
        label: __('Import into WordPress when inserting', 'media-library'),
        help: __(
          'Also adds the file to the WordPress media library, for themes that need an attachment.',
          'media-library',
        ),
        checked: value,
        onChange: (next) => {
          importChoice = next;
          setValue(next);
        },
      }),
    );
  }

  const withMediaLibraryButton = createHigherOrderComponent(
    (BlockEdit) => (props) => {
      const { name, clientId, attributes, setAttributes, isSelected } = props;
      // A srcset built for another URL (the image was replaced another way) would show the old image.
      useEffect(() => {
        if (
          name === 'core/image' &&
          attributes.mlSrcset &&
          !attributes.mlSrcset.startsWith(attributes.url || '\u0000')
        ) {
          setAttributes({ mlSrcset: undefined, mlSizes: undefined, mlFileId: undefined });
        }
      }, [name, attributes.url, attributes.mlSrcset]);
      // The image replaced another way (core's Replace, a URL): the block no longer shows that file.
      const shown = name === 'core/media-text' ? attributes.mediaUrl : attributes.url;
      const seen = useRef({ shown, fileId: attributes.mlFileId });
      useEffect(() => {
        const before = seen.current;
        seen.current = { shown, fileId: attributes.mlFileId };
        if (attributes.mlFileId && shown !== before.shown && attributes.mlFileId === before.fileId) {
          setAttributes({ mlFileId: undefined });
        }
      }, [shown, attributes.mlFileId]);
      if (!supported.includes(name) || !isSelected) return el(BlockEdit, props);
      const open = async () => {
        const files = await picker.open({ multiple: name === 'core/gallery' });
        await applyFiles(name, clientId, attributes, setAttributes, files);
      };
      return el(
        Fragment,
        null,
        el(BlockEdit, props),
        el(
          BlockControls,
          { group: 'other' },
          el(
            ToolbarGroup,
            null,
            el(ToolbarButton, { icon, onClick: open }, __('Media Library', 'media-library')),
          ),
        ),
        el(InspectorControls, null, el(ImportToggle)),
      );
    },
    'withMediaLibraryButton',
  );
  addFilter('editor.BlockEdit', 'media-library/toolbar-button', withMediaLibraryButton);

  // srcset and sizes are not Image block attributes in core: keep them in ours and write them into the saved <img>.
  // mlFileId (in the block comment) names the media server file: the plugin's PHP reports where
  // each file is used from it, and renders the file's current URL after a move or rename.
  addFilter('blocks.registerBlockType', 'media-library/srcset-attributes', (settings, name) => {
    if (name === 'core/image') {
      return {
        ...settings,
        attributes: {
          ...settings.attributes,
          mlSrcset: { type: 'string' },
          mlSizes: { type: 'string' },
          mlFileId: { type: 'string' },
        },
      };
    }
    if (name === 'core/cover' || name === 'core/media-text') {
      return { ...settings, attributes: { ...settings.attributes, mlFileId: { type: 'string' } } };
    }
    return settings;
  });

  function withSrcset(node, srcSet, sizes) {
    if (!node || typeof node !== 'object' || !node.props) return node;
    if (node.type === 'img') return wp.element.cloneElement(node, { srcSet, sizes });
    if (node.props.children === undefined) return node;
    const children = wp.element.Children.map(node.props.children, (child) =>
      withSrcset(child, srcSet, sizes),
    );
    return wp.element.cloneElement(node, {}, ...(children || []));
  }

  addFilter('blocks.getSaveElement', 'media-library/srcset', (element, blockType, attributes) => {
    if (blockType.name !== 'core/image' || !attributes.mlSrcset) return element;
    return withSrcset(element, attributes.mlSrcset, attributes.mlSizes);
  });

  // The inserter entry: opens the picker at once and becomes an Image (one file) or a Gallery (several).
  registerBlockType('media-library/picker', {
    apiVersion: 2,
    title: __('Media Library', 'media-library'),
    description: __('Insert images from the media library.', 'media-library'),
    category: 'media',
    icon,
    keywords: [__('image', 'media-library'), __('imagekit', 'media-library')],
    supports: { html: false, reusable: false },
    edit: function Edit({ clientId }) {
      const blockProps = useBlockProps();
      const pick = async () => {
        const files = await picker.open({ multiple: true });
        if (!files || files.length === 0) return;
        const images = await Promise.all(files.map(imageData));
        const blocks = images.map((data) => createBlock('core/image', imageAttributes(data)));
        dispatch('core/block-editor').replaceBlocks(
          clientId,
          blocks.length === 1 ? blocks : createBlock('core/gallery', {}, blocks),
        );
      };
      useEffect(() => {
        void pick();
      }, []);
      return el(
        'div',
        blockProps,
        el(
          Placeholder,
          { icon, label: __('Media Library', 'media-library') },
          el(Button, { variant: 'primary', onClick: pick }, __('Open Media Library', 'media-library')),
        ),
      );
    },
    save: () => null,
  });
})();
