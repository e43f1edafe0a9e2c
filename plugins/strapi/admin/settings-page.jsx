// Settings → Media server: "Act as the matching DAM user (by email)", next to the role
// permissions that decide read or read-write, and what an admin without a DAM account gets.
import { Box, Button, Checkbox, Flex, Radio, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useEffect, useState } from 'react';

const permissions = [{ action: 'plugin::media-library.settings', subject: null }];

const SettingsForm = () => {
  const { get, put } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [settings, setSettings] = useState(null);
  const [failure, setFailure] = useState(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    get('/media-library/settings').then(
      ({ data }) => setSettings(data.data),
      (error) => setFailure(error.message),
    );
  }, [get]);

  if (failure) return <Page.Error />;
  if (!settings) return <Page.Loading />;

  const save = async (event) => {
    event.preventDefault();
    setSaving(true);
    try {
      const { data } = await put('/media-library/settings', settings);
      setSettings(data.data);
      toggleNotification({ type: 'success', message: 'Media server settings saved' });
    } catch (error) {
      toggleNotification({ type: 'danger', message: error.response?.data?.error?.message ?? error.message });
    } finally {
      setSaving(false);
    }
  };

  return (
    <Page.Main>
      <Page.Title>Media server settings</Page.Title>
      <form onSubmit={save}>
        <Layouts.Header
          title="Media server"
          subtitle="Who editors are on the media server"
          primaryAction={
            <Button type="submit" loading={saving}>
              Save
            </Button>
          }
        />
        <Layouts.Content>
          <Box background="neutral0" padding={6} shadow="filterShadow" hasRadius>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <Typography variant="delta" tag="h2">
                DAM users
              </Typography>
              <Typography variant="omega" textColor="neutral600">
                Roles decide who may browse (read) or also upload and edit (read and write), under Settings,
                Roles, Plugins, Media server. With this on, each session also carries the admin's email, and
                the media server applies that DAM user's folder grants within the role's access. Needs the
                self-hosted media server with users.
              </Typography>
              <Checkbox
                name="damUser"
                checked={settings.damUser}
                onCheckedChange={(checked) => setSettings({ ...settings, damUser: checked === true })}
              >
                Act as the matching DAM user (by email)
              </Checkbox>
              <Typography id="media-library-dam-user-missing" variant="pi" fontWeight="bold">
                When an admin has no DAM account with their email
              </Typography>
              <Radio.Group
                name="damUserMissing"
                aria-labelledby="media-library-dam-user-missing"
                value={settings.damUserMissing}
                onValueChange={(value) => setSettings({ ...settings, damUserMissing: value })}
              >
                <Radio.Item value="refuse">Refuse, and tell them to ask for an account</Radio.Item>
                <Radio.Item value="roles">Use the role permissions, as without this setting</Radio.Item>
              </Radio.Group>
            </Flex>
          </Box>
        </Layouts.Content>
      </form>
    </Page.Main>
  );
};

const SettingsPage = () => (
  <Page.Protect permissions={permissions}>
    <SettingsForm />
  </Page.Protect>
);

export default SettingsPage;
