import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import { unzipSync } from 'fflate';
import sharp from 'sharp';
import { EntryNames, safeEntryName } from '../../src/server/library/zip.js';
import type { AuditPage } from '../../src/shared/audit.js';
import type { DownloadLink, Share } from '../../src/shared/shares.js';
import { png, upload } from '../helpers/fixtures.js';
import { addUser, grant, signIn } from '../helpers/people.js';
import { createScaleBackends, type ScaleBackends, testBackend } from '../helpers/scale.js';
import { scaleOptions, startTestServer, type TestServer } from '../helpers/server.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Each entry's CRC-32 as the ZIP's central directory records it, by name. */
function centralCrcs(zip: Buffer): Map<string, number> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = zip.readUInt32LE(end + 16);
  const crcs = new Map<string, number>();
  while (zip.readUInt32LE(at) === 0x02014b50) {
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    crcs.set(zip.toString('utf8', at + 46, at + 46 + nameLength), zip.readUInt32LE(at + 16));
    at += 46 + skip;
  }
  return crcs;
}

/** Uploads bytes under a name and folder; answers the file. */
async function put(
  server: TestServer,
  folder: string,
  fileName: string,
  fields: Record<string, string> = {},
  bytes?: Buffer,
): Promise<{ fileId: string; filePath: string; bytes: Buffer }> {
  const body = bytes ?? (await png(32 + fileName.length, 24));
  const response = await upload(server, {
    file: { bytes: body, name: fileName, type: 'image/png' },
    fields: { fileName, folder, useUniqueFileName: 'false', ...fields },
  });
  const json = await response.json();
  assert.equal(response.status, 200, JSON.stringify(json));
  return { ...(json as { fileId: string; filePath: string }), bytes: body };
}

async function share(server: TestServer, body: unknown, status = 201): Promise<Share> {
  const response = await server.api('/_ml/shares', { method: 'POST', json: body });
  const json = await response.json();
  assert.equal(response.status, status, JSON.stringify(json));
  return json as Share;
}

/** The path of a link's page, `/s/<token>`. */
const pathOf = (link: Share) => new URL(link.url!).pathname;

describe('share links', () => {
  let server: TestServer;
  let alpha: Array<{ fileId: string; filePath: string; bytes: Buffer }>;
  let secret: { fileId: string; filePath: string; bytes: Buffer };
  let sibling: { fileId: string; filePath: string; bytes: Buffer };
  let nested: { fileId: string; filePath: string; bytes: Buffer };

  before(async () => {
    server = await startTestServer({
      maxDownloadBytes: 200_000,
      shareLimits: {
        requests: { limit: 10_000, intervalMs: 60_000 },
        passwords: { limit: 4, intervalMs: 60_000 },
      },
    });
    alpha = [await put(server, '/client/alpha', 'one.png'), await put(server, '/client/alpha', 'two.png')];
    secret = await put(server, '/client/alpha', 'secret.png', { isPrivateFile: 'true' });
    nested = await put(server, '/client/alpha/raw', 'deep.png');
    sibling = await put(server, '/client/alpha-sibling', 'other.png');
  });
  after(() => server.close());

  it('answers a folder link with a URL whose token is random and not its id, and lists it', async () => {
    const link = await share(server, {
      target: { type: 'folder', path: '/client/alpha' },
      allowDownload: true,
      title: 'Spring shoot',
    });
    assert.match(link.url!, /^http:\/\/.+\/s\/[A-Za-z0-9_-]{32}$/);
    assert.ok(!link.url!.includes(link.id), 'the token is not derived from the id');
    assert.deepEqual(link.target, { type: 'folder', path: '/client/alpha' });
    assert.equal(link.hasPassword, false);
    assert.equal(link.expiresAt, null);
    assert.equal(link.createdBy.type, 'key');
    const listed = (await (await server.api('/_ml/shares?folder=/client/alpha')).json()) as Share[];
    assert.ok(
      listed.some((s) => s.id === link.id && s.url === undefined),
      'the list never repeats the token',
    );
  });

  it('shows the folder, its private files and its subfolders, and nothing outside it', async () => {
    const link = await share(server, {
      target: { type: 'folder', path: '/client/alpha' },
      allowDownload: true,
    });
    const page = await fetch(server.url + pathOf(link));
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-/);
    assert.equal(page.headers.get('cache-control'), 'private, no-store');
    const html = await page.text();
    for (const name of ['one.png', 'two.png', 'secret.png', 'raw']) assert.ok(html.includes(name), name);
    assert.ok(!html.includes('other.png'), 'no sibling folder file');
    assert.ok(!html.includes('/client/'), 'no library path');
    assert.match(html, /<meta property="og:title" content="alpha">/);
    assert.match(html, /<meta property="og:image" content="http:\/\/[^"]+\?size=og">/);

    // The private file is served through the link: preview and original.
    const preview = await fetch(`${server.url}${pathOf(link)}/f/${secret.fileId}?size=thumb`);
    assert.equal(preview.status, 200);
    assert.match(preview.headers.get('content-type')!, /^image\//);
    const original = await fetch(`${server.url}${pathOf(link)}/f/${secret.fileId}?download=1`);
    assert.equal(original.status, 200);
    assert.match(original.headers.get('content-disposition')!, /^attachment; filename="secret.png"/);
    assert.equal(sha256(new Uint8Array(await original.arrayBuffer())), sha256(secret.bytes));
    // Without the link it stays private.
    assert.equal((await fetch(server.url + secret.filePath)).status, 401);

    // The subfolder is navigable, and a subfolder's file is covered.
    const sub = await (await fetch(`${server.url}${pathOf(link)}?folder=raw`)).text();
    assert.ok(sub.includes('deep.png'));
    assert.equal((await fetch(`${server.url}${pathOf(link)}/f/${nested.fileId}?size=screen`)).status, 200);

    // Nothing above or beside it.
    assert.equal((await fetch(`${server.url}${pathOf(link)}/f/${sibling.fileId}?size=thumb`)).status, 404);
    assert.equal((await fetch(`${server.url}${pathOf(link)}/f/${sibling.fileId}`)).status, 404);
    assert.equal((await fetch(`${server.url}${pathOf(link)}/view/${sibling.fileId}`)).status, 404);
    for (const above of ['..', '../alpha-sibling', '..%2Falpha-sibling', '%2E%2E']) {
      const response = await fetch(`${server.url}${pathOf(link)}?folder=${above}`);
      assert.equal(response.status, 404, above);
      assert.ok(!(await response.text()).includes('other.png'));
    }
    assert.equal((await fetch(`${server.url}${pathOf(link)}/download.zip?folder=..`)).status, 404);
  });

  it('never reaches a sibling folder whose name starts with the shared one', async () => {
    const link = await share(server, {
      target: { type: 'folder', path: '/client/alpha-sibling' },
      allowDownload: true,
    });
    assert.equal((await fetch(`${server.url}${pathOf(link)}/f/${alpha[0]!.fileId}?size=thumb`)).status, 404);
    const html = await (await fetch(server.url + pathOf(link))).text();
    assert.ok(html.includes('other.png') && !html.includes('one.png'));
  });

  it('streams the folder as a ZIP whose entries hold the files’ bytes', async () => {
    const link = await share(server, {
      target: { type: 'folder', path: '/client/alpha' },
      allowDownload: true,
    });
    const response = await fetch(`${server.url}${pathOf(link)}/download.zip`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/zip');
    assert.match(response.headers.get('content-disposition')!, /filename="alpha.zip"/);
    const zip = Buffer.from(await response.arrayBuffer());
    const entries = unzipSync(new Uint8Array(zip));
    assert.deepEqual(Object.keys(entries).sort(), ['one.png', 'raw/deep.png', 'secret.png', 'two.png']);
    // The checksums an unzip tool verifies are right (Node's zlib.crc32 stands in for yazl's own).
    for (const [name, crc] of centralCrcs(zip)) assert.equal(crc, crc32(entries[name]!), name);
    assert.equal(sha256(entries['one.png']!), sha256(alpha[0]!.bytes));
    assert.equal(sha256(entries['two.png']!), sha256(alpha[1]!.bytes));
    assert.equal(sha256(entries['secret.png']!), sha256(secret.bytes));
    assert.equal(sha256(entries['raw/deep.png']!), sha256(nested.bytes));

    const sub = unzipSync(
      new Uint8Array(
        await (await fetch(`${server.url}${pathOf(link)}/download.zip?folder=raw`)).arrayBuffer(),
      ),
    );
    assert.deepEqual(Object.keys(sub), ['deep.png']);
  });

  it('honours allowDownload: previews only, no originals and no ZIP', async () => {
    const link = await share(server, {
      target: { type: 'folder', path: '/client/alpha' },
      allowDownload: false,
    });
    const html = await (await fetch(server.url + pathOf(link))).text();
    assert.ok(!html.includes('download.zip') && !html.includes('download=1'));
    assert.equal((await fetch(`${server.url}${pathOf(link)}/f/${alpha[0]!.fileId}?size=screen`)).status, 200);
    assert.equal((await fetch(`${server.url}${pathOf(link)}/f/${alpha[0]!.fileId}?download=1`)).status, 404);
    assert.equal((await fetch(`${server.url}${pathOf(link)}/f/${alpha[0]!.fileId}`)).status, 404);
    assert.equal((await fetch(`${server.url}${pathOf(link)}/download.zip`)).status, 404);
  });

  it('shares one file and nothing else', async () => {
    const link = await share(server, { target: { type: 'file', id: alpha[1]!.fileId }, allowDownload: true });
    const html = await (await fetch(server.url + pathOf(link))).text();
    assert.ok(html.includes('two.png') && !html.includes('one.png'));
    assert.equal((await fetch(`${server.url}${pathOf(link)}/f/${alpha[0]!.fileId}?size=thumb`)).status, 404);
    const zip = unzipSync(
      new Uint8Array(await (await fetch(`${server.url}${pathOf(link)}/download.zip`)).arrayBuffer()),
    );
    assert.deepEqual(Object.keys(zip), ['two.png']);
    assert.equal(sha256(zip['two.png']!), sha256(alpha[1]!.bytes));
  });

  it('asks for the password, counts wrong ones, and unlocks with a cookie for this link only', async () => {
    const link = await share(server, {
      target: { type: 'folder', path: '/client/alpha' },
      allowDownload: true,
      password: 'open sesame',
    });
    assert.equal(link.hasPassword, true);
    const locked = await fetch(server.url + pathOf(link));
    assert.equal(locked.status, 200);
    const form = await locked.text();
    assert.match(form, /<form class="unlock" method="post"/);
    assert.ok(!form.includes('one.png') && !form.includes('og:image'), 'nothing shown before the password');
    assert.equal((await fetch(`${server.url}${pathOf(link)}/f/${alpha[0]!.fileId}?size=thumb`)).status, 404);
    assert.equal((await fetch(`${server.url}${pathOf(link)}/download.zip`)).status, 404);

    const attempt = (password: string) =>
      fetch(server.url + pathOf(link), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ password }),
        redirect: 'manual',
      });
    const wrong = await attempt('not the password');
    assert.equal(wrong.status, 403);
    assert.match(await wrong.text(), /not right/);
    const right = await attempt('open sesame');
    assert.equal(right.status, 303);
    const setCookie = right.headers.get('set-cookie')!;
    assert.match(setCookie, new RegExp(`Path=${pathOf(link)}; HttpOnly; SameSite=Lax`));
    const cookie = setCookie.split(';')[0]!;
    const open = await (await fetch(server.url + pathOf(link), { headers: { cookie } })).text();
    assert.ok(open.includes('one.png'));
    assert.equal(
      (await fetch(`${server.url}${pathOf(link)}/f/${alpha[0]!.fileId}?size=thumb`, { headers: { cookie } }))
        .status,
      200,
    );

    // A new password ends every unlock.
    const changed = await server.api(`/_ml/shares/${link.id}`, {
      method: 'PATCH',
      json: { password: 'another secret' },
    });
    assert.equal(changed.status, 200, await changed.clone().text());
    assert.ok(
      !(await (await fetch(server.url + pathOf(link), { headers: { cookie } })).text()).includes('one.png'),
    );

    // A few attempts per address and link (4 here, 10 a quarter hour by default); then 429 whatever the password.
    for (let i = 0; i < 2; i++) assert.equal((await attempt('still wrong')).status, 403);
    assert.equal((await attempt('another secret')).status, 429);
  });

  it('is a 404 once expired, and at once once revoked, with audit entries for each change', async () => {
    const link = await share(server, {
      target: { type: 'folder', path: '/client/alpha' },
      allowDownload: true,
    });
    assert.equal((await fetch(server.url + pathOf(link))).status, 200);
    const soon = new Date(Date.now() + 60_000).toISOString();
    const patched = await server.api(`/_ml/shares/${link.id}`, {
      method: 'PATCH',
      json: { expiresAt: soon },
    });
    assert.equal(((await patched.json()) as Share).expiresAt, soon);
    await server
      .catalog()
      .updateTable('shares')
      .set({ expires_at: Date.now() - 1000 })
      .where('share_id', '=', link.id)
      .execute();
    const expired = await fetch(server.url + pathOf(link));
    assert.equal(expired.status, 404);
    assert.match(await expired.text(), /has expired, or was revoked/);
    assert.equal((await fetch(`${server.url}${pathOf(link)}/f/${alpha[0]!.fileId}?size=thumb`)).status, 404);

    const clear = await server.api(`/_ml/shares/${link.id}`, { method: 'PATCH', json: { expiresAt: null } });
    assert.equal(((await clear.json()) as Share).expiresAt, null);
    assert.equal((await fetch(server.url + pathOf(link))).status, 200);

    assert.equal((await server.api(`/_ml/shares/${link.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await fetch(server.url + pathOf(link))).status, 404);
    assert.equal((await fetch(`${server.url}${pathOf(link)}/download.zip`)).status, 404);
    assert.equal((await server.api(`/_ml/shares/${link.id}`, { method: 'DELETE' })).status, 404);

    const audit = (await (await server.api('/_ml/audit?limit=200')).json()) as AuditPage;
    const mine = audit.entries.filter((e) => e.target.id === link.id).map((e) => e.action);
    assert.deepEqual(mine, ['share.revoke', 'share.update', 'share.update', 'share.create']);
  });

  it('answers unknown and malformed tokens with the same 404 page, localised', async () => {
    const unknown = await fetch(`${server.url}/s/${'A'.repeat(32)}`, {
      headers: { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' },
    });
    assert.equal(unknown.status, 404);
    const html = await unknown.text();
    assert.match(html, /<html lang="de">/);
    assert.match(html, /Link nicht gefunden/);
  });

  it('speaks German to a German browser', async () => {
    const link = await share(server, {
      target: { type: 'folder', path: '/client/alpha' },
      allowDownload: true,
    });
    const html = await (
      await fetch(server.url + pathOf(link), { headers: { 'accept-language': 'de' } })
    ).text();
    assert.match(html, /Alle herunterladen \(ZIP\)/);
    assert.match(html, /4 Dateien|3 Dateien/);
  });

  it('escapes titles and names', async () => {
    const link = await share(server, {
      target: { type: 'folder', path: '/client/alpha' },
      allowDownload: true,
      title: '<script>alert(1)</script>"',
    });
    const html = await (await fetch(server.url + pathOf(link))).text();
    assert.ok(!html.includes('<script>alert(1)'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;&quot;'));
  });

  it('refuses bad input with a message', async () => {
    const refusal = async (body: unknown, status: number, pattern: RegExp) => {
      const response = await server.api('/_ml/shares', { method: 'POST', json: body });
      const json = (await response.json()) as { message: string; help: string };
      assert.equal(response.status, status, JSON.stringify(json));
      assert.match(json.message, pattern);
      assert.ok(json.help);
    };
    await refusal({ allowDownload: true }, 400, /target/);
    await refusal({ target: { type: 'folder' }, allowDownload: true }, 400, /folder target needs its path/);
    await refusal({ target: { type: 'file' }, allowDownload: true }, 400, /file target needs its id/);
    await refusal(
      { target: { type: 'album', id: 'x' }, allowDownload: true },
      400,
      /file, folder or collection/,
    );
    await refusal({ target: 'x', allowDownload: true }, 400, /target must be an object/);
    await refusal({ target: { type: 'file', id: 'nope' } }, 400, /allowDownload/);
    await refusal({ target: { type: 'file', id: 'nope' }, allowDownload: true }, 404, /file does not exist/);
    await refusal({ target: { type: 'folder', path: '/nowhere' }, allowDownload: true }, 404, /nowhere/);
    await refusal({ target: { type: 'collection', id: 'c1' }, allowDownload: true }, 404, /collection/);
    await refusal(
      {
        target: { type: 'folder', path: '/client/alpha' },
        allowDownload: true,
        expiresAt: '2001-01-01T00:00:00Z',
      },
      400,
      /past/,
    );
    await refusal(
      { target: { type: 'folder', path: '/client/alpha' }, allowDownload: true, expiresAt: 'tomorrow' },
      400,
      /ISO 8601/,
    );
    await refusal(
      { target: { type: 'folder', path: '/client/alpha' }, allowDownload: true, password: 'short' },
      400,
      /at least 8/,
    );
    await refusal({ target: { type: 'folder', path: '/client/../alpha' }, allowDownload: true }, 400, /\.\./);
  });

  it('lets a member share only what it manages, and list only its own links', async () => {
    const memberId = await addUser(server, { email: 'sharer@example.com', role: 'member' });
    await grant(server, { type: 'user', id: memberId }, '/client/alpha', 'manage');
    await grant(server, { type: 'user', id: memberId }, '/client/alpha-sibling', 'view');
    const member = await signIn(server, 'sharer@example.com');
    const create = (path: string) =>
      member.call('/_ml/shares', {
        method: 'POST',
        json: { target: { type: 'folder', path }, allowDownload: true },
      });
    const viewOnly = await create('/client/alpha-sibling');
    assert.equal(viewOnly.status, 403, await viewOnly.clone().text());
    const managed = await create('/client/alpha');
    assert.equal(managed.status, 201, await managed.clone().text());
    const made = (await managed.json()) as Share;
    assert.deepEqual(made.createdBy, { type: 'user', id: memberId, name: made.createdBy.name });
    const listed = (await (await member.call('/_ml/shares')).json()) as Share[];
    assert.deepEqual(
      listed.map((s) => s.id),
      [made.id],
    );
    // The key (an administrator) sees every link.
    const all = (await (await server.api('/_ml/shares')).json()) as Share[];
    assert.ok(all.length > 1 && all.some((s) => s.id === made.id));
  });

  it('shares a collection in its order, with files from several folders, and only by the whole library', async () => {
    const made = await server.api('/_ml/collections', { method: 'POST', json: { name: 'Press kit' } });
    assert.equal(made.status, 201, await made.clone().text());
    const { id } = (await made.json()) as { id: string };
    const added = await server.api(`/_ml/collections/${id}/items`, {
      method: 'POST',
      json: { fileIds: [sibling.fileId, alpha[1]!.fileId] },
    });
    assert.equal(added.status, 200, await added.clone().text());
    const link = await share(server, { target: { type: 'collection', id }, allowDownload: true });
    const page = await fetch(`${server.url}${pathOf(link)}`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Press kit/);
    // In the collection's order, across folders; nothing else of those folders.
    assert.ok(html.indexOf('other.png') < html.indexOf('two.png') && html.indexOf('other.png') > 0);
    assert.doesNotMatch(html, /one\.png|secret\.png/);
    const zip = unzipSync(
      new Uint8Array(await (await fetch(`${server.url}${pathOf(link)}/download.zip`)).arrayBuffer()),
    );
    assert.deepEqual(Object.keys(zip).sort(), ['other.png', 'two.png']);
    assert.equal(sha256(zip['other.png']!), sha256(sibling.bytes));
    // A member could publish files its grants never reach: collection links are refused to it.
    const memberId = await addUser(server, { email: 'collector@example.com', role: 'member' });
    await grant(server, { type: 'user', id: memberId }, '/client/alpha', 'manage');
    const member = await signIn(server, 'collector@example.com');
    const refused = await member.call('/_ml/shares', {
      method: 'POST',
      json: { target: { type: 'collection', id }, allowDownload: true },
    });
    assert.equal(refused.status, 403, await refused.clone().text());
    // Deleted, the collection's link is a 404.
    assert.equal((await server.api(`/_ml/collections/${id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await fetch(`${server.url}${pathOf(link)}`)).status, 404);
  });

  it('still delivers library files under /s/ whose path is no token', async () => {
    const file = await put(server, '/s', 'plain.png');
    const response = await fetch(server.url + file.filePath);
    assert.equal(response.status, 200);
    assert.equal(sha256(new Uint8Array(await response.arrayBuffer())), sha256(file.bytes));
  });

  it('serves an original as a download with ik-attachment=true', async () => {
    const response = await fetch(`${server.url}${alpha[0]!.filePath}?ik-attachment=true`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-disposition')!, /^attachment; filename="one.png"/);
  });
});

describe('downloads', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ maxDownloadBytes: 50_000 });
  });
  after(() => server.close());

  const ask = async (body: unknown, status = 200) => {
    const response = await server.api('/_ml/downloads', { method: 'POST', json: body });
    const json = await response.json();
    assert.equal(response.status, status, JSON.stringify(json));
    return json as DownloadLink & { message: string };
  };

  it('zips several files, giving same-named files unique entry names', async () => {
    const a = await put(server, '/dl/a', 'same.png');
    const b = await put(server, '/dl/b', 'same.png', {}, await png(50, 50));
    const link = await ask({ fileIds: [a.fileId, b.fileId] });
    assert.equal(link.files, 2);
    assert.equal(link.bytes, a.bytes.length + b.bytes.length);
    assert.ok(Date.parse(link.expiresAt) > Date.now());
    const response = await fetch(link.url);
    assert.equal(response.status, 200);
    const entries = unzipSync(new Uint8Array(await response.arrayBuffer()));
    assert.deepEqual(Object.keys(entries), ['same.png', 'same (2).png']);
    assert.equal(sha256(entries['same.png']!), sha256(a.bytes));
    assert.equal(sha256(entries['same (2).png']!), sha256(b.bytes));
  });

  it('zips a folder tree, and refuses a tampered or foreign URL', async () => {
    const top = await put(server, '/dl/tree', 'top.png');
    const below = await put(server, '/dl/tree/below', 'low.png');
    const link = await ask({ folder: '/dl/tree' });
    assert.equal(link.files, 2);
    const entries = unzipSync(new Uint8Array(await (await fetch(link.url)).arrayBuffer()));
    assert.equal(sha256(entries['top.png']!), sha256(top.bytes));
    assert.equal(sha256(entries['below/low.png']!), sha256(below.bytes));

    const url = new URL(link.url);
    const [payload, mac] = url.searchParams.get('t')!.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, d: '/' })).toString('base64url');
    url.searchParams.set('t', `${forged}.${mac}`);
    const refused = await fetch(url);
    assert.equal(refused.status, 404);
    assert.match(((await refused.json()) as { message: string }).message, /not valid/);
  });

  it('zips a collection in its order, however many files, only for the whole library', async () => {
    const first = await put(server, '/dl/col/x', 'first.png');
    const second = await put(server, '/dl/col/y', 'second.png', {}, await png(40, 40));
    const made = await server.api('/_ml/collections', { method: 'POST', json: { name: 'Kit' } });
    const { id } = (await made.json()) as { id: string };
    const added = await server.api(`/_ml/collections/${id}/items`, {
      method: 'POST',
      json: { fileIds: [second.fileId, first.fileId] },
    });
    assert.equal(added.status, 200, await added.clone().text());
    const link = await ask({ collection: id });
    assert.deepEqual([link.files, link.bytes], [2, first.bytes.length + second.bytes.length]);
    const response = await fetch(link.url);
    assert.match(response.headers.get('content-disposition')!, /filename="Kit\.zip"/);
    const entries = unzipSync(new Uint8Array(await response.arrayBuffer()));
    assert.deepEqual(Object.keys(entries), ['second.png', 'first.png']);
    assert.equal(sha256(entries['first.png']!), sha256(first.bytes));
    // A member may hold files of any folder in a collection, not see them all: refused, as links.
    const memberId = await addUser(server, { email: 'zipper@example.com', role: 'member' });
    await grant(server, { type: 'user', id: memberId }, '/dl/col/x', 'manage');
    const member = await signIn(server, 'zipper@example.com');
    const refused = await member.call('/_ml/downloads', { method: 'POST', json: { collection: id } });
    assert.equal(refused.status, 403, await refused.clone().text());
    await ask({ collection: 'missing' }, 404);
    await ask({ collection: id, folder: '/dl' }, 400);
  });

  it('refuses past the configured total size with a clear 413', async () => {
    const big = await put(
      server,
      '/dl/big',
      'big.png',
      {},
      await sharp(randomBytes(300 * 300 * 3), {
        raw: { width: 300, height: 300, channels: 3 },
      })
        .png()
        .toBuffer(),
    );
    const refused = await ask({ fileIds: [big.fileId] }, 413);
    assert.match(
      refused.message,
      /^This download would be \d+ MB, more than the 1 MB one ZIP may hold on this server/,
    );
    const folder = await ask({ folder: '/dl/big' }, 413);
    assert.match(folder.message, /one ZIP may hold/);
  });

  it('refuses bad input', async () => {
    await ask({}, 400);
    await ask({ fileIds: ['x'], folder: '/dl' }, 400);
    await ask({ fileIds: [] }, 400);
    await ask({ fileIds: ['missing'] }, 404);
    await ask({ folder: '/nowhere' }, 404);
    await ask({ fileIds: Array.from({ length: 251 }, (_, i) => `f${i}`) }, 400);
  });
});

describe('ZIP entry names', () => {
  it('strip ../, absolute paths, drive letters and control characters', () => {
    assert.equal(safeEntryName('../../etc/passwd'), 'etc/passwd');
    assert.equal(safeEntryName('/abs/./x.png'), 'abs/x.png');
    assert.equal(safeEntryName('..\\..\\win.ini'), 'win.ini');
    assert.equal(safeEntryName('C:/x.png'), 'x.png');
    assert.equal(safeEntryName('a\u0000b\n.png'), 'ab.png');
    assert.equal(safeEntryName('../..'), 'file');
  });

  it('are made unique, case-insensitively, keeping the extension', () => {
    const names = new EntryNames();
    assert.deepEqual(
      ['a.png', 'A.png', 'a.png', '../a.png', 'dir/a.png', 'noext', 'noext'].map((n) => names.take(n)),
      ['a.png', 'A (2).png', 'a (3).png', 'a (4).png', 'dir/a.png', 'noext', 'noext (2)'],
    );
  });
});

describe('a revoke on one node holds at once on another', {
  skip: testBackend !== 'scale' && 'the scale path only (npm run test:scale)',
}, () => {
  let backends: ScaleBackends;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    backends = await createScaleBackends();
    a = await startTestServer(scaleOptions(backends));
    b = await startTestServer(scaleOptions(backends));
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await backends?.drop();
  });

  it('opens on B what A shared, and 404s on B once A revoked it', async () => {
    const file = await put(a, '/nodes', 'n.png');
    const link = await share(a, { target: { type: 'folder', path: '/nodes' }, allowDownload: true });
    const onB = `${b.url}${pathOf(link)}`;
    assert.equal((await fetch(onB)).status, 200);
    assert.equal((await fetch(`${onB}/f/${file.fileId}?size=thumb`)).status, 200);
    assert.equal((await a.api(`/_ml/shares/${link.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await fetch(onB)).status, 404);
    assert.equal((await fetch(`${onB}/f/${file.fileId}?download=1`)).status, 404);
  });
});

describe('share link rate limits', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      shareLimits: {
        requests: { limit: 3, intervalMs: 60_000 },
        passwords: { limit: 10, intervalMs: 60_000 },
      },
    });
  });
  after(() => server.close());

  it('answers 429 past the requests an address may make, links known or not', async () => {
    await put(server, '/limited', 'a.png');
    const link = await share(server, { target: { type: 'folder', path: '/limited' }, allowDownload: true });
    for (let i = 0; i < 3; i++) assert.equal((await fetch(server.url + pathOf(link))).status, 200);
    const refused = await fetch(server.url + pathOf(link));
    assert.equal(refused.status, 429);
    assert.match(await refused.text(), /Too many requests from your address/);
    assert.equal((await fetch(`${server.url}/s/${'B'.repeat(32)}/download.zip`)).status, 429);
  });
});
