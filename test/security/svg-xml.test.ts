// Issue 18 (smaller): an SVG whose text starts with an XML declaration is an SVG image (the type
// sniffer alone calls it application/xml), and is still served as SVG safely.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { upload } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const body =
  '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="red"/><script>alert(1)</script></svg>';

describe('an SVG with an XML prolog', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  async function put(name: string, text: string) {
    const response = await upload(server, {
      file: { bytes: text, name },
      fields: { fileName: name, useUniqueFileName: 'false' },
    });
    const file = await response.json();
    assert.equal(response.status, 200, JSON.stringify(file));
    return file as { mime: string; fileType: string; width: number; height: number; url: string };
  }

  it('is stored as image/svg+xml with its dimensions, whatever comes before the root element', async () => {
    for (const [name, prolog] of [
      ['declared.svg', '<?xml version="1.0" encoding="UTF-8"?>\n'],
      [
        'doctype.svg',
        '<?xml version="1.0"?><!-- made by hand --><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n',
      ],
      ['bom.svg', '\uFEFF<?xml version="1.0"?>'],
    ]) {
      const file = await put(name!, `${prolog}${body}`);
      assert.equal(file.mime, 'image/svg+xml', name);
      assert.equal(file.fileType, 'image', name);
      assert.deepEqual([file.width, file.height], [40, 20], name);
    }
  });

  it('is served with the SVG safety headers, and transforms', async () => {
    const file = await put('served.svg', `<?xml version="1.0"?>${body}`);
    const original = await fetch(file.url);
    assert.equal(original.headers.get('content-type'), 'image/svg+xml');
    assert.match(original.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(original.headers.get('content-disposition') ?? '', /^attachment/);
    await original.arrayBuffer();
    const thumb = await fetch(`${file.url.split('?')[0]}?tr=w-20`);
    assert.equal(thumb.status, 200);
    assert.equal(thumb.headers.get('content-type'), 'image/png');
    await thumb.arrayBuffer();
  });

  it('other XML stays XML', async () => {
    const file = await put('feed.xml', '<?xml version="1.0"?><rss version="2.0"><channel/></rss>');
    assert.equal(file.mime, 'application/xml');
    assert.equal(file.fileType, 'non-image');
  });
});
