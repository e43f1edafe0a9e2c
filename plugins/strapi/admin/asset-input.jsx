// The field's input: the chosen assets as thumbnails (remove, reorder, alt text) and a button
// that opens <media-library> in modal mode to pick or upload. All browsing UI is the element's.
import { Box, Button, Field, Flex, IconButton, TextInput, Typography } from '@strapi/design-system';
import { ArrowDown, ArrowUp, Plus, Trash } from '@strapi/icons';
import { useFetchClient, useField } from '@strapi/strapi/admin';
import { useCallback, useEffect, useRef } from 'react';
import { assetList, fieldValue, storedAsset, thumbnailUrl } from './stored-asset.mjs';

/** The element's script-tag build, bundled into Strapi's admin; it registers <media-library>. */
const loadElement = () => import('media-library/media-library.js');

/**
 * The element's `fetchAuth`: the plugin's admin routes, with the admin's own (refreshed)
 * credentials. Strapi's fetch client throws on a refusal, with its status and message (the
 * token routes answer Strapi's error shape), which the element shows as the reason.
 */
function useFetchAuth() {
  const { get, post } = useFetchClient();
  return useCallback(
    async (path, init) => {
      const options = init.signal ? { signal: init.signal } : {};
      const url = `/media-library/${path}`;
      try {
        const { data } =
          init.method === 'POST'
            ? await post(url, init.body ? JSON.parse(init.body) : {}, options)
            : await get(url, options);
        return Response.json(data, { status: 200 });
      } catch (error) {
        if (typeof error?.status !== 'number') throw error;
        return Response.json({ message: error.message }, { status: error.status });
      }
    },
    [get, post],
  );
}

const AssetInput = ({ name, label, hint, required, disabled, attribute }) => {
  const field = useField(name);
  const options = attribute?.options ?? {};
  const multiple = Boolean(options.multiple);
  const assets = assetList(field.value);
  const fetchAuth = useFetchAuth();
  const picker = useRef(null);

  const save = (next) => field.onChange(name, fieldValue(next, multiple));
  const saveRef = useRef(save);
  saveRef.current = save;
  const assetsRef = useRef(assets);
  assetsRef.current = assets;

  useEffect(() => () => picker.current?.remove(), []);

  const open = async () => {
    await loadElement();
    if (!picker.current) {
      const element = document.createElement('media-library');
      element.setAttribute('mode', 'modal');
      element.addEventListener('ml-insert', (event) => {
        const current = assetsRef.current;
        const chosen = event.detail.files.map((file) =>
          storedAsset(
            file,
            current.find((asset) => asset.fileId === file.fileId),
          ),
        );
        const kept = current.filter((asset) => !chosen.some((next) => next.fileId === asset.fileId));
        saveRef.current(element.multiple ? [...kept, ...chosen] : chosen.slice(0, 1));
      });
      document.body.append(element);
      picker.current = element;
    }
    const element = picker.current;
    element.fetchAuth = fetchAuth;
    element.multiple = multiple;
    if (options.accept) element.setAttribute('accept', options.accept);
    if (options.rootFolder) element.setAttribute('root-folder', options.rootFolder);
    element.show();
  };

  const move = (index, by) => {
    const next = [...assets];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item);
    save(next);
  };
  const remove = (index) => save(assets.filter((_, at) => at !== index));
  const setAlt = (index, alt) => save(assets.map((asset, at) => (at === index ? { ...asset, alt } : asset)));

  return (
    <Field.Root name={name} id={name} error={field.error} hint={hint} required={required}>
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Field.Label>{label}</Field.Label>
        {assets.length > 0 && (
          <ul aria-label={`${label}: chosen assets`} style={{ display: 'grid', gap: '8px' }}>
            {assets.map((asset, index) => (
              <li key={asset.fileId}>
                <Box padding={2} hasRadius borderColor="neutral200" background="neutral0">
                  <Flex gap={3} alignItems="center">
                    <Box width="80px" height="80px" background="neutral100" hasRadius>
                      {thumbnailUrl(asset) ? (
                        <img
                          src={thumbnailUrl(asset)}
                          alt=""
                          width={80}
                          height={80}
                          style={{ objectFit: 'contain', width: '80px', height: '80px' }}
                        />
                      ) : (
                        <Typography variant="pi">{asset.mime}</Typography>
                      )}
                    </Box>
                    <Flex direction="column" alignItems="stretch" gap={1} grow={1}>
                      <Typography fontWeight="bold">{asset.name}</Typography>
                      <TextInput
                        aria-label={`Alt text for ${asset.name}`}
                        placeholder="Alt text"
                        value={asset.alt ?? ''}
                        disabled={disabled}
                        onChange={(event) => setAlt(index, event.target.value)}
                      />
                    </Flex>
                    {multiple && (
                      <>
                        <IconButton
                          label={`Move ${asset.name} up`}
                          disabled={disabled || index === 0}
                          onClick={() => move(index, -1)}
                        >
                          <ArrowUp />
                        </IconButton>
                        <IconButton
                          label={`Move ${asset.name} down`}
                          disabled={disabled || index === assets.length - 1}
                          onClick={() => move(index, 1)}
                        >
                          <ArrowDown />
                        </IconButton>
                      </>
                    )}
                    <IconButton
                      label={`Remove ${asset.name}`}
                      disabled={disabled}
                      onClick={() => remove(index)}
                    >
                      <Trash />
                    </IconButton>
                  </Flex>
                </Box>
              </li>
            ))}
          </ul>
        )}
        <Box>
          <Button variant="secondary" startIcon={<Plus />} disabled={disabled} onClick={open}>
            {assets.length > 0 && !multiple ? 'Replace from media server' : 'Browse media server'}
          </Button>
        </Box>
        <Field.Hint />
        <Field.Error />
      </Flex>
    </Field.Root>
  );
};

export default AssetInput;
