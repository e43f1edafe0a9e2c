// Node side of the Contentful app's tests, three origins as in production: the real media server,
// the host's backend (the token endpoint, trusting Contentful editors through request
// verification) and a fake of the one Contentful API call the app makes (signing a request),
// which signs with Contentful's own toolkit as Contentful's API does.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signRequest } from '@contentful/node-apps-toolkit';
import { contentfulAuthorize, contentfulCors } from '../../plugins/contentful/src/token-endpoint.js';
import { samplePdf } from '../../src/server/seed.js';
import { createTokenEndpoint, toNodeHandler } from '../../src/token-endpoint/index.js';
import { damMember } from '../helpers/dam-users.js';
import { jpeg, png, upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer, testKeys } from '../helpers/server.js';

/** The app definition's signing secret, shared by fake Contentful and the host's token endpoint. */
export const signingSecret = `${'k'.repeat(32)}0123456789abcdef0123456789abcdef`;
/** The only app the fake Contentful will sign for. */
export const appDefinitionId = 'media-library-app';
/** The host's Contentful management token, which fake Contentful's Management API wants. */
export const managementToken = 'CFPAT-media-library-test';
/**
 * The app installation's "act as the matching DAM user" setting per environment of space-1:
 * `dam-users` refuses editors without a DAM account, `dam-fallback` gives them the endpoint's
 * scope, any other environment has it off. Editor `<id>` has the email `<id>@example.com`.
 */
export const damUserEnvironments: Record<string, { damUser: boolean; damUserMissing: string }> = {
  'dam-users': { damUser: true, damUserMissing: 'refuse' },
  'dam-fallback': { damUser: true, damUserMissing: 'roles' },
};

/** What the browser tests receive as `window.ML_TEST`. */
export interface ContentfulTestEnv {
  /** The media server. */
  mediaUrl: string;
  /** The host's token endpoint, mounted at /api/media. */
  authUrl: string;
  /** Fake Contentful's API origin. */
  contentfulUrl: string;
  /** The fixture's files by name, as the media server lists them. */
  files: Record<string, { fileId: string; url: string; filePath: string; width?: number; height?: number }>;
}

export async function startContentfulTestServers(): Promise<{
  env: ContentfulTestEnv;
  close(): Promise<void>;
}> {
  const media = await startTestServer();
  const files = await seedFixture(media);
  // A DAM member matching the Contentful editor `dam-editor`, with a grant on /brand/archive only.
  await damMember(media, 'dam-editor@example.com', '/brand/archive');
  const contentful = await listen((req, res) => void fakeContentful(req, res));
  // Editors are Contentful users: `reader` gets read-only sessions, `outsider` none, anyone else read-write.
  const endpoint = createTokenEndpoint({
    ...testKeys,
    endpoint: media.url,
    cors: contentfulCors((origin) => /^http:\/\/(localhost|127\.0\.0\.1):\d+$/.test(origin)),
    authorize: contentfulAuthorize({
      signingSecret,
      spaces: ['space-1'],
      scope: ({ userId }) => (userId === 'outsider' ? false : userId === 'reader' ? { access: 'read' } : {}),
      damUsers: {
        managementToken,
        appDefinitionId,
        managementApi: contentful.url,
        media: { ...testKeys, endpoint: media.url },
      },
    }),
    onError: (error) => console.error('token endpoint:', error),
  });
  const nodeHandler = toNodeHandler(endpoint);
  const host = await listen((req, res) => void nodeHandler(req, res));
  return {
    env: {
      mediaUrl: media.url,
      authUrl: `${host.url}/api/media`,
      contentfulUrl: contentful.url,
      files,
    },
    async close() {
      await Promise.all([host.close(), contentful.close(), media.close()]);
    },
  };
}

/**
 * `POST /spaces/{space}/environments/{env}/app_installations/{app}/signed_requests`, answered as
 * Contentful's API answers it. The caller's "CMA token" is the Contentful user id it acts as.
 * For the token endpoint (with the management token): `GET …/app_installations/{app}` and
 * `GET /spaces/{space}/users/{user}`.
 */
export async function fakeContentful(req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.setHeader('access-control-allow-origin', req.headers.origin ?? '*');
  res.setHeader('access-control-allow-headers', 'authorization, content-type');
  if (req.method === 'OPTIONS') return void res.writeHead(204).end();
  if (req.method === 'GET') return fakeManagementApi(req, res);
  const match =
    /^\/spaces\/([^/]+)\/environments\/([^/]+)\/app_installations\/([^/]+)\/signed_requests$/.exec(
      req.url ?? '',
    );
  const userId = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  if (req.method !== 'POST' || !match) return reply(404, { message: 'The resource could not be found.' });
  if (!userId) return reply(401, { message: 'The access token you sent could not be found or is invalid.' });
  const [, spaceId, environmentId, appId] = match as unknown as [string, string, string, string];
  if (appId !== appDefinitionId) return reply(404, { message: 'The resource could not be found.' });
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const additionalHeaders = signRequest(
    signingSecret,
    { method: payload.method, path: payload.path, headers: payload.headers ?? {}, body: payload.body ?? '' },
    Date.now(),
    { spaceId, envId: environmentId, userId },
  );
  const link = (linkType: string, id: string) => ({ sys: { type: 'Link', linkType, id } });
  reply(201, {
    sys: {
      type: 'AppSignedRequest',
      createdAt: new Date().toISOString(),
      appDefinition: link('AppDefinition', appId),
      space: link('Space', spaceId),
      environment: link('Environment', environmentId),
    },
    additionalHeaders,
  });
}

/** The two Management API reads the token endpoint makes for "act as the matching DAM user". */
function fakeManagementApi(req: IncomingMessage, res: ServerResponse) {
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const url = req.url ?? '';
  const known = /^\/spaces\/space-1\/(environments\/[^/]+\/app_installations|users)\/[^/]+$/.test(url);
  if (!known) return reply(404, { message: 'The resource could not be found.' });
  if (req.headers.authorization !== `Bearer ${managementToken}`) {
    return reply(401, { message: 'The access token you sent could not be found or is invalid.' });
  }
  const installation = /^\/spaces\/space-1\/environments\/([^/]+)\/app_installations\/([^/]+)$/.exec(url);
  if (installation && installation[2] === appDefinitionId) {
    return reply(200, {
      sys: { type: 'AppInstallation' },
      parameters: { authUrl: 'https://cms-api.example/media', ...damUserEnvironments[installation[1]!] },
    });
  }
  const user = /^\/spaces\/space-1\/users\/([^/]+)$/.exec(url);
  if (user) {
    return reply(200, {
      sys: { type: 'User', id: user[1] },
      firstName: user[1],
      email: `${user[1]}@example.com`,
    });
  }
  reply(404, { message: 'The resource could not be found.' });
}

export function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server: Server = createServer(handler);
  return new Promise<{ url: string; close(): Promise<void> }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

/**
 * /brand: red.png (60×40, alt "A red square", focus area), blue.jpg (80×50), guide.pdf;
 * /brand/archive: old.png; /other: elsewhere.png (outside the app's root folder /brand).
 */
async function seedFixture(server: TestServer): Promise<ContentfulTestEnv['files']> {
  const put = async (folder: string, name: string, bytes: Buffer, fields: Record<string, string> = {}) => {
    const response = await upload(server, {
      file: { bytes, name },
      fields: { fileName: name, folder, useUniqueFileName: 'false', ...fields },
    });
    const body = await response.json();
    if (response.status !== 200) throw new Error(`fixture upload ${folder}/${name}: ${JSON.stringify(body)}`);
    return body as ContentfulTestEnv['files'][string] & { name: string };
  };
  const uploaded = [
    await put('/brand', 'red.png', await png(60, 40), {
      description: 'A red square',
      customCoordinates: '10,5,30,20',
    }),
    await put('/brand', 'blue.jpg', await jpeg(80, 50)),
    await put('/brand', 'guide.pdf', samplePdf('Guide', ['Brand guide.'])),
    await put('/brand/archive', 'old.png', await png(20, 20)),
    await put('/other', 'elsewhere.png', await png(20, 20)),
  ];
  const files: ContentfulTestEnv['files'] = {};
  for (const { name, fileId, filePath, width, height } of uploaded) {
    // The URL as listings and details give it (with ImageKit's ?updatedAt=), which is what the app stores.
    const { url } = (await (await server.api(`/v1/files/${fileId}/details`)).json()) as { url: string };
    files[name] = { fileId, url, filePath, ...(width && { width }), ...(height && { height }) };
  }
  return files;
}
