// Node side of the element tests: the real media server with a token endpoint and a small,
// known library. Read-only for the tests; a test that writes (a new folder) uses a fresh name.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { defaultConfig } from '../../src/server/config.js';
import { samplePdf } from '../../src/server/seed.js';
import { startMediaServer } from '../../src/server/server.js';
import { openSqliteStore } from '../../src/server/store/sqlite.js';
import type { Scope } from '../../src/shared/session-token.js';
import type { AITag } from '../../src/shared/wire.js';
import { createTokenEndpoint, fastifyTokenEndpoint } from '../../src/token-endpoint/index.js';
import { catalogRow } from '../helpers/catalog-row.js';
import { startFakeAiProviders } from '../helpers/fake-ai-providers.js';
import { jpeg, png, upload } from '../helpers/fixtures.js';
import { basicAuth, type TestServer, testKeys } from '../helpers/server.js';
import { hasFfmpeg, twoColourVideo } from '../helpers/videos.js';
import { longFileName, longFolderName } from './long-names.js';

/** What the browser tests receive as `window.ML_TEST`. */
export interface ElementTestEnv {
  url: string;
  /**
   * Token endpoint: sessions for anyone; `x-test-scope: {json}` narrows, `x-test-deny: 1` refuses,
   * `x-test-member: {json}` (a TestMember) acts for a DAM member made then with those grants.
   */
  authUrl: string;
  /** Files in /many, for paging. */
  manyCount: number;
  /** Files in /big (catalog rows without blobs: their thumbnails fail), for jumping around. */
  bigCount: number;
  /** ffmpeg is installed: /media/clip.mp4 exists and has a poster frame. */
  videos: boolean;
  /**
   * The first admin, for the DAM app's screens: the test pages reach `/_ml/…` and `/v1/…` on their
   * own origin (web-test-runner.config.mjs forwards them here), so its session cookie is theirs.
   */
  admin: { email: string; password: string };
}

export const testAdmin = { email: 'admin@element.test', password: 'element-tests-admin-password' };

export const manyCount = 130;
export const bigCount = 10_000;

/** /big: `bigCount` files written straight into the catalog (uploading them would take minutes); newest is row-00000. */
async function seedBigFolder(dataDir: string): Promise<void> {
  const store = await openSqliteStore(join(dataDir, 'library.db'));
  const now = Date.now();
  await store.folders.insertIfMissing({
    folderId: 'f00000000000000000000big',
    path: '/big/',
    parent: '/',
    name: 'big',
    customMetadata: {},
    createdAt: now,
    updatedAt: now,
  });
  await store.transaction(async (tx) => {
    for (let i = 0; i < bigCount; i++) {
      const id = `b${i.toString(16).padStart(23, '0')}`;
      const name = `row-${String(i).padStart(5, '0')}.png`;
      await tx.files.insertVersion(
        catalogRow(id, '/big/', name, {
          blobKey: `originals/big/${id}`,
          size: 100,
          mime: 'image/png',
          format: 'png',
          width: 16,
          height: 16,
          createdAt: now - i * 1000,
          updatedAt: now - i * 1000,
        }),
      );
    }
  });
  await store.close();
}

/** `pageOrigins`: where the test pages run, allowed to import from links through Companion. */
export async function startElementTestServer(
  options: { pageOrigins?: string[] } = {},
): Promise<{ env: ElementTestEnv; close(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'media-library-element-'));
  await seedBigFolder(dataDir);
  // An OpenAI-compatible API at the HTTP boundary: "Suggest alt text" and "Generate" show.
  const fakeAi = await startFakeAiProviders();
  const server = await startMediaServer(
    {
      port: 0,
      dataDir,
      initialKeys: testKeys,
      logLevel: 'silent',
      rateLimit: false,
      // One browser runs every test file from one address: the suite renders more new thumbnails
      // than a person's minute allows (the budget has its own tests in test/security).
      renderBudget: false,
      // Small enough that a test file goes to the resumable endpoint.
      upload: {
        ...defaultConfig().upload,
        resumableThreshold: 1024 * 1024,
        companionOrigins: options.pageOrigins ?? [],
      },
      // The documented opening of the private-network guard (MEDIA_LIBRARY_URL_FETCH_ALLOW_PRIVATE):
      // the upload tests import from a link to this server itself.
      urlFetch: { ...defaultConfig().urlFetch, allowPrivateNetworks: true },
      initialAdmin: testAdmin,
      externalAi: {
        ...defaultConfig().externalAi,
        openai: {
          url: `${fakeAi.url}/v1`,
          key: 'sk-element-tests',
          captionModel: 'vision-test',
          imageModel: 'image-test',
          sendPrivate: false,
        },
        // Google Vision's label detection at the same fake: `google-auto-tagging` jobs the tests can hold.
        google: { key: 'google-element-tests', endpoint: fakeAi.url, sendPrivate: false },
      },
    },
    {
      async beforeListen(app, context) {
        // AITags come from the analysis jobs (another part); the AI-tag tests set them as those jobs do.
        app.post('/_ml/test/ai-tags', async (request) => {
          const { fileId, AITags } = request.body as { fileId: string; AITags: AITag[] };
          const file = await context.store.files.get(fileId);
          if (!file) throw new Error(`no file ${fileId}`);
          await context.store.files.updateVersions([file.versionId], { aiTags: AITags });
          return { ok: true };
        });
        // Holds the fake providers' answers (a tagging job stays pending) until called with false.
        let release: (() => void) | undefined;
        app.post('/_ml/test/ai-hold', async (request) => {
          const { hold } = request.body as { hold: boolean };
          release?.();
          release = undefined;
          fakeAi.hold = hold
            ? new Promise<void>((resolve) => {
                release = resolve;
              })
            : undefined;
          return { ok: true };
        });
        const endpoint = createTokenEndpoint({
          ...testKeys,
          endpoint: 'http://127.0.0.1',
          // The test page runs on the test runner's origin, not this server's.
          cors: {
            origin: (origin) => /^http:\/\/(localhost|127\.0\.0\.1):\d+$/.test(origin),
            credentials: false,
            allowHeaders: ['x-test-scope', 'x-test-deny', 'x-test-member', 'x-test-user'],
          },
          authorize: async (request) => {
            if (request.headers.get('x-test-deny')) return { allow: false };
            const scope = request.headers.get('x-test-scope');
            const member = request.headers.get('x-test-member');
            // `x-test-user: ann@example.com`: a session acting for that DAM user (comments, notifications).
            const user = request.headers.get('x-test-user');
            return {
              allow: true,
              sub: 'element-tests',
              ...(scope && { scope: JSON.parse(scope) as Partial<Scope> }),
              ...(member && { user: await makeMember(api, JSON.parse(member) as TestMember) }),
              ...(user && { user }),
            };
          },
        });
        await app.register(fastifyTokenEndpoint, { prefix: '/_ml/test/auth', endpoint });
      },
    },
  );
  const api: TestServer['api'] = (path, init = {}) => {
    const { json, key: _key, ...rest } = init;
    const headers = new Headers(rest.headers);
    headers.set('authorization', basicAuth(testKeys.privateKey));
    if (json !== undefined) headers.set('content-type', 'application/json');
    return fetch(server.url + path, {
      ...rest,
      headers,
      ...(json !== undefined && { body: JSON.stringify(json) }),
    });
  };
  const target = { url: server.url, dataDir, server, api, close: async () => {} } as TestServer;
  await seedFixture(target);
  // Two people for the comment tests: managers, so they see the whole library.
  for (const [email, name] of [
    ['ann@example.com', 'Ann Archer'],
    ['bo@example.com', 'Bo Baker'],
  ]) {
    const user = await api('/_ml/users', {
      method: 'POST',
      json: { email, name, role: 'manager', password: 'correct horse battery staple' },
    });
    if (user.status !== 201) throw new Error(`fixture user: ${await user.text()}`);
  }
  return {
    env: {
      url: server.url,
      authUrl: `${server.url}/_ml/test/auth`,
      manyCount,
      bigCount,
      videos: hasFfmpeg,
      admin: testAdmin,
    },
    async close() {
      await server.close();
      await fakeAi.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A DAM user for a test: its grants (on folders made if missing), and groups to make. */
export interface TestMember {
  email: string;
  name?: string;
  role?: 'member' | 'manager' | 'admin';
  /** Grants to the user, or to the group named (made if missing); `file` (a path) instead of `folder` for a file. */
  grants?: Array<{
    folder?: string;
    file?: string;
    level: 'view' | 'contribute' | 'manage';
    group?: string;
  }>;
  /** Groups to make (if missing), for the share dialog to find. */
  groups?: string[];
}

/** Makes (or finds) the user, its groups, folders and grants; answers its email for the `user` claim. */
async function makeMember(api: TestServer['api'], member: TestMember): Promise<string> {
  const must = async (response: Response, ...ok: number[]) => {
    if (!ok.includes(response.status)) throw new Error(`test member: ${await response.text()}`);
    return response;
  };
  const users = (await (await must(await api('/_ml/users'), 200)).json()) as Array<{
    id: string;
    email: string;
  }>;
  let user = users.find((u) => u.email === member.email.toLowerCase());
  if (!user) {
    const json = { email: member.email, name: member.name ?? member.email, role: member.role ?? 'member' };
    user = (await (await must(await api('/_ml/users', { method: 'POST', json }), 201)).json()) as typeof user;
  }
  const groupNames = [...(member.groups ?? []), ...(member.grants ?? []).flatMap((g) => g.group ?? [])];
  const groups = new Map<string, string>();
  for (const name of groupNames) {
    const listed = (await (await must(await api('/_ml/groups'), 200)).json()) as Array<{
      id: string;
      name: string;
    }>;
    const found =
      listed.find((g) => g.name === name) ??
      ((await (await must(await api('/_ml/groups', { method: 'POST', json: { name } }), 201)).json()) as {
        id: string;
      });
    groups.set(name, found.id);
  }
  for (const grant of member.grants ?? []) {
    const principal = grant.group
      ? { type: 'group', id: groups.get(grant.group)! }
      : { type: 'user', id: user!.id };
    if (grant.file) {
      const folder = grant.file.slice(0, grant.file.lastIndexOf('/')) || '/';
      const listed = (await (
        await must(await api(`/v1/files?path=${encodeURIComponent(folder)}`), 200)
      ).json()) as Array<{ fileId: string; filePath: string }>;
      const fileId = listed.find((f) => f.filePath === grant.file)!.fileId;
      const json = { principal, target: { type: 'file', id: fileId }, level: grant.level };
      await must(await api('/_ml/grants', { method: 'PUT', json }), 200);
      continue;
    }
    const path = grant.folder ?? '/';
    let parent = '/';
    for (const folderName of path.split('/').filter(Boolean)) {
      await must(
        await api('/v1/folder', { method: 'POST', json: { folderName, parentFolderPath: parent } }),
        201,
      );
      parent = `${parent === '/' ? '' : parent}/${folderName}`;
    }
    const json = { principal, target: { type: 'folder', path }, level: grant.level };
    await must(await api('/_ml/grants', { method: 'PUT', json }), 200);
  }
  return user!.email;
}

async function put(
  server: TestServer,
  folder: string,
  name: string,
  bytes: Buffer,
  fields: Record<string, string> = {},
) {
  const response = await upload(server, {
    file: { bytes, name },
    fields: { fileName: name, folder, useUniqueFileName: 'false', ...fields },
  });
  if (response.status !== 200) throw new Error(`fixture upload ${folder}/${name}: ${await response.text()}`);
}

/**
 * /alpha: red-dress.png (tags summer, red; price 120), blue-sky.jpg (tag sky), logo.png
 * (transparent); /alpha/nested: deep.png; /beta: empty; /docs: manual.pdf; /many: 130 PNGs;
 * /big: 10,000 catalog rows (seedBigFolder); /media: clip.mp4 (320×240, when ffmpeg is installed);
 * /scratch: where tests that write put things.
 */
async function seedFixture(server: TestServer): Promise<void> {
  const field = await server.api('/v1/customMetadataFields', {
    method: 'POST',
    json: { name: 'price', label: 'Price', schema: { type: 'Number' } },
  });
  if (field.status !== 201) throw new Error(`fixture field: ${await field.text()}`);
  await put(server, '/alpha', 'red-dress.png', await png(60, 40), {
    tags: 'summer,red',
    customMetadata: JSON.stringify({ price: 120 }),
    description: 'A red dress',
  });
  await put(server, '/alpha', 'blue-sky.jpg', await jpeg(80, 50), { tags: 'sky' });
  await put(server, '/alpha', 'logo.png', await png(32, 32, true));
  await put(server, '/alpha/nested', 'deep.png', await png(20, 20));
  await put(server, '/docs', 'manual.pdf', samplePdf('Manual', ['A test document.']), { tags: 'docs' });
  if (hasFfmpeg) await put(server, '/media', 'clip.mp4', await twoColourVideo());
  for (const folderName of ['beta', 'scratch']) {
    const folder = await server.api('/v1/folder', {
      method: 'POST',
      json: { folderName, parentFolderPath: '/' },
    });
    if (folder.status !== 201) throw new Error(`fixture folder: ${await folder.text()}`);
  }
  await seedEditing(server);
  await seedLifecycle(server);
  // Names at the server's limit (255 characters), for the layout tests.
  await put(server, `/edit/long/${longFolderName}`, `${longFileName}`, await png(20, 20));
  const small = await png(16, 16);
  for (let i = 0; i < manyCount; i++)
    await put(server, '/many', `item-${String(i).padStart(3, '0')}.png`, small);
}

/**
 * /lifecycle: used.png and used-doomed.png, used by the page "Summer sale"; trashed.png and
 * clash.png (deleted: in the trash), with another clash.png at its old path since.
 */
async function seedLifecycle(server: TestServer): Promise<void> {
  const ids: Record<string, string> = {};
  for (const [folder, name] of [
    ['/lifecycle', 'used.png'],
    ['/lifecycle/delete', 'used-doomed.png'],
    ['/lifecycle/trash', 'trashed.png'],
    ['/lifecycle/trash', 'clash.png'],
  ] as const) {
    const response = await upload(server, {
      file: { bytes: await png(20, 20), name },
      fields: { fileName: name, folder, useUniqueFileName: 'false' },
    });
    if (response.status !== 200) throw new Error(`fixture upload ${name}: ${await response.text()}`);
    ids[name] = ((await response.json()) as { fileId: string }).fileId;
  }
  const place = await server.api('/_ml/references', {
    method: 'PUT',
    json: {
      source: 'wordpress:https://site.example',
      key: 'post/7',
      title: 'Summer sale',
      url: 'https://site.example/summer-sale',
      fileIds: [ids['used.png'], ids['used-doomed.png']],
    },
  });
  if (place.status !== 200) throw new Error(`fixture references: ${await place.text()}`);
  for (const name of ['trashed.png', 'clash.png']) {
    await server.api(`/v1/files/${ids[name]}`, { method: 'DELETE' });
  }
  await put(server, '/lifecycle/trash', 'clash.png', await png(20, 20));
}

/**
 * /edit/<test>: one folder per editing test, so each changes only its own files. Fields rating
 * (Number 1 to 5), caption (Text, at most 40) and season (SingleSelect) for the metadata form.
 */
async function seedEditing(server: TestServer): Promise<void> {
  const fields = [
    { name: 'rating', label: 'Rating', schema: { type: 'Number', minValue: 1, maxValue: 5 } },
    { name: 'caption', label: 'Caption', schema: { type: 'Text', maxLength: 40 } },
    {
      name: 'season',
      label: 'Season',
      schema: { type: 'SingleSelect', selectOptions: ['spring', 'autumn'] },
    },
  ];
  for (const json of fields) {
    const field = await server.api('/v1/customMetadataFields', { method: 'POST', json });
    if (field.status !== 201) throw new Error(`fixture field: ${await field.text()}`);
  }
  const files: Array<[string, string, number, number, Record<string, string>?]> = [
    ['rename', 'old-name.png', 20, 20],
    ['rename', 'taken.png', 20, 20],
    ['alt', 'photo.png', 30, 20],
    ['meta', 'meta.png', 20, 20],
    ['stale', 'stale.png', 20, 20],
    ['require', 'no-alt.png', 20, 20],
    ['require', 'with-alt.png', 20, 20, { description: 'Has alt' }],
    ['dirty', 'first.png', 20, 20],
    ['dirty', 'second.png', 20, 20],
    ['readonly', 'locked.png', 20, 20],
    ['tags', 'tagged.png', 20, 20, { tags: 'autumn-sale' }],
    ['tags', 'suggester.png', 20, 20, { tags: 'suggested-tag' }],
    ['bulk', 'b1.png', 20, 20],
    ['bulk', 'b2.png', 20, 20],
    ['bulk', 'b3.png', 20, 20, { tags: 'old' }],
    ['drag', 'dragged.png', 20, 20],
    ['drag-target', 'resident.png', 20, 20],
    ['altdrag', 'copied.png', 20, 20],
    ['altdrag-target', 'resident.png', 20, 20],
    ['bulkfield', 'f1.png', 20, 20],
    ['bulkfield', 'f2.png', 20, 20],
    ['dialog', 'moved.png', 20, 20],
    ['dialog-target', 'resident.png', 20, 20],
    ['delete', 'doomed.png', 20, 20],
    ['share', 'shared.png', 20, 20],
    ['copy', 'twice.png', 20, 20],
    ['copy-target', 'other.png', 20, 20],
    ['frename/inner', 'x.png', 20, 20],
    ['fdelete/gone', 'a.png', 20, 20],
    ['fdelete/gone', 'b.png', 20, 20],
    ['versions', 'versioned.png', 30, 30],
    ['replace', 'replaced.png', 30, 30],
    [
      'keep',
      'licensed.png',
      30,
      30,
      {
        tags: 'licence-cc',
        customMetadata: JSON.stringify({ caption: 'By Ann' }),
        description: 'A harbour',
        customCoordinates: '5,5,10,10',
      },
    ],
    ['crop', 'square-me.png', 80, 50],
    ['crop', 'undo-me.png', 80, 50],
    ['crop', 'deliver-me.png', 80, 50],
    ['layers', 'card.png', 200, 100],
    ['layers', 'save-me.png', 200, 100],
    ['convert', 'convert-me.png', 80, 50],
    ['reformat', 'format-me.png', 80, 50],
    // Sources for the link-import test (names no other test searches for).
    ['link', 'linked-one.png', 20, 20],
    ['link', 'linked-two.png', 24, 24],
    ['deep/level-two/level-three/level-four/level-five/level-six', 'deep.png', 20, 20],
    ['menu/box', 'inside.png', 20, 20],
    ['menu/tree-gone', 'x.png', 20, 20],
    ['menu', 'menu-file.png', 20, 20],
    ['download', 'public.png', 20, 20],
    ['download', 'private.png', 20, 20, { isPrivateFile: 'true' }],
    // Collections (collections.test.ts): one folder per test.
    ['coll-menu', 'pick-a.png', 20, 20],
    ['coll-menu', 'pick-b.png', 20, 20],
    ['coll-keys', 'keyed.png', 20, 20],
    ['coll-drag', 'dragme.png', 20, 20],
    ['coll-view', 'one.png', 20, 20],
    ['coll-view', 'two.png', 20, 20],
    ['coll-view', 'three.png', 20, 20],
    ['coll-order', 'a.png', 20, 20],
    ['coll-order', 'b.png', 20, 20],
    ['coll-order', 'c.png', 20, 20],
  ];
  for (const [folder, name, width, height, fields] of files) {
    await put(server, `/edit/${folder}`, name, await png(width, height), fields);
  }
  // A blue square for the watermark test (the card beside it is (200, 40, 40)).
  const logo = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#0000ff' } })
    .png()
    .toBuffer();
  await put(server, '/edit/layers', 'logo.png', logo);
  // Red on the left half, blue on the right: a focus area on the right crops to blue.
  const halves = await sharp({ create: { width: 80, height: 40, channels: 3, background: '#ff0000' } })
    .composite([
      {
        input: await sharp({ create: { width: 40, height: 40, channels: 3, background: '#0000ff' } })
          .png()
          .toBuffer(),
        left: 40,
        top: 0,
      },
    ])
    .png()
    .toBuffer();
  await put(server, '/edit/focus', 'halves.png', halves);
  // A clip and a tone for the details panel's players.
  await put(server, '/edit/media', 'clip.webm', await videoClip());
  await put(server, '/edit/media', 'tone.wav', toneWav());
  await put(server, '/edit/media', 'secret-tone.wav', toneWav(), { isPrivateFile: 'true' });
  await put(server, '/edit/insert-focus', 'halves.png', halves, { customCoordinates: '40,0,40,40' });
  await put(server, '/edit/insert-focus', 'doc.pdf', Buffer.from('%PDF-1.4\n%%EOF\n'));
  // A second version, 60 × 40, so restoring version 1 changes the dimensions back to 30 × 30.
  await put(server, '/edit/versions', 'versioned.png', await png(60, 40));
}

/** Half a second of a 440 Hz tone: 8 kHz, 16-bit mono PCM in a WAV file. */
function toneWav(): Buffer {
  const rate = 8000;
  const samples = rate / 2;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++)
    wav.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return wav;
}

/** A one-second WebM (VP8) made by ffmpeg where there is one; otherwise a WebM header, enough to be filed as a video. */
async function videoClip(): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'ml-clip-'));
  const path = join(dir, 'clip.webm');
  try {
    await promisify(execFile)(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=64x48:rate=10',
        '-t',
        '1',
      ].concat(['-c:v', 'libvpx', path]),
      { timeout: 20_000 },
    );
    return await readFile(path);
  } catch {
    return Buffer.from(
      '1a45dfa39f4286810142f7810142f2810442f381084282847765626d42878104428581021853806701ffffffffffffff',
      'hex',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
