import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import sharp from 'sharp';
import {
  defaultExternalAiConfig,
  type ExternalAiConfig,
  resolveExternalAiConfig,
} from '../../src/server/ai/external/config.js';
import { OpenAiImageGenerator } from '../../src/server/ai/external/openai-compatible.js';
import type { AiImage } from '../../src/server/ai/providers.js';
import { type FakeAiProviders, startFakeAiProviders } from '../helpers/fake-ai-providers.js';
import { upload } from '../helpers/fixtures.js';
import { addUser, grant, signIn } from '../helpers/people.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { bearer, sessionToken } from '../helpers/session.js';

function externalAi(fake: FakeAiProviders, sendPrivate = false): ExternalAiConfig {
  return {
    ...defaultExternalAiConfig,
    timeoutMs: 1500,
    aws: {
      region: 'eu-west-1',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
      endpoint: fake.url,
      sendPrivate,
    },
    google: { key: 'google-test-key', endpoint: fake.url, sendPrivate },
    openai: {
      url: `${fake.url}/v1`,
      key: 'sk-test',
      captionModel: 'vision-test',
      imageModel: 'dall-e-3',
      sendPrivate,
    },
  };
}

const image = async (width: number, height: number): Promise<AiImage> => ({
  bytes: await sharp({ create: { width, height, channels: 3, background: '#3060c0' } })
    .png()
    .toBuffer(),
  mime: 'image/png',
  width,
  height,
});

async function put(server: TestServer, fileName: string, fields: Record<string, string> = {}) {
  const bytes = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#2050a0' } })
    .png()
    .toBuffer();
  const response = await upload(server, {
    file: { bytes, name: fileName },
    fields: { fileName, useUniqueFileName: 'false', folder: '/ai', ...fields },
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body as { fileId: string };
}

/**
 * Signature Version 4 recomputed from the request as received (AWS's documented steps, written
 * here without the SDK): the canonical request, the string to sign, the derived key.
 */
function expectedSigV4(
  call: {
    method: string;
    url: string;
    headers: Record<string, string | string[] | undefined>;
    rawBody: string;
  },
  secret: string,
): string {
  const auth = String(call.headers.authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)![1]!;
  const scope = /Credential=[^/]+\/([^,]+)/.exec(auth)![1]!;
  const [date, region, service] = scope.split('/');
  const canonical = [
    call.method,
    call.url,
    '',
    ...signedHeaders.split(';').map((name) => `${name}:${String(call.headers[name]).trim()}`),
    '',
    signedHeaders,
    createHash('sha256').update(call.rawBody).digest('hex'),
  ].join('\n');
  const toSign = [
    'AWS4-HMAC-SHA256',
    String(call.headers['x-amz-date']),
    scope,
    createHash('sha256').update(canonical).digest('hex'),
  ].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), service!), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex');
}

describe('external AI providers', () => {
  let fake: FakeAiProviders;
  let server: TestServer;
  let plain: TestServer;
  before(async () => {
    fake = await startFakeAiProviders();
    server = await startTestServer({ externalAi: externalAi(fake) });
    plain = await startTestServer();
  });
  after(async () => {
    await server.close();
    await plain.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.calls.length = 0;
    fake.fail = undefined;
  });

  const suggest = (
    on: TestServer,
    fileId: string,
    init: { json?: unknown; headers?: Record<string, string>; key?: string | null } = {},
  ) => on.api(`/_ml/files/${fileId}/alt-text-suggestion`, { method: 'POST', json: init.json ?? {}, ...init });

  it('answers which capabilities are configured: by default the local models’ alone', async () => {
    const local = await (await plain.api('/_ml/ai', { key: null })).json();
    assert.deepEqual(
      { ...local, taggingExtensions: [...local.taggingExtensions].sort() },
      {
        altText: false,
        generate: false,
        backgroundRemoval: true,
        similar: false,
        taggingExtensions: ['aws-auto-tagging', 'google-auto-tagging'],
      },
    );
    const some = await (await server.api('/_ml/ai', { key: null })).json();
    assert.equal(some.altText, true);
    assert.equal(some.generate, true);
    assert.deepEqual([...some.taggingExtensions].sort(), ['aws-auto-tagging', 'google-auto-tagging']);
  });

  it('refuses alt text and generation with a 400 where no provider is configured', async () => {
    const { fileId } = await put(plain, 'plain.png');
    const refused = await suggest(plain, fileId);
    const body = await refused.json();
    assert.equal(refused.status, 400);
    assert.equal(body.reason, 'AI_NOT_CONFIGURED');
    assert.match(body.message, /Alt text suggestion is not configured/);
    assert.match(body.help, /MEDIA_LIBRARY_AI_OPENAI_CAPTION_MODEL/);
    const generate = await plain.api('/_ml/generate', {
      method: 'POST',
      json: { prompt: 'a cat', folder: '/', fileName: 'cat.png' },
    });
    assert.equal(generate.status, 400);
    assert.equal((await generate.json()).reason, 'AI_NOT_CONFIGURED');
  });

  it('suggests alt text from the OpenAI-compatible API, sending a downscaled data URL with the Bearer key', async () => {
    const { fileId } = await put(server, 'published.png');
    const response = await suggest(server, fileId, { json: { language: 'de' } });
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.deepEqual(body, { altText: fake.altText }, 'quotes around the answer are dropped');
    assert.equal(fake.calls.length, 1);
    const [call] = fake.calls;
    assert.equal(call!.url, '/v1/chat/completions');
    assert.equal(call!.headers.authorization, 'Bearer sk-test');
    const sent = call!.body as {
      model: string;
      messages: { content: { type: string; text?: string; image_url?: { url: string } }[] }[];
    };
    assert.equal(sent.model, 'vision-test');
    const parts = sent.messages[0]!.content;
    assert.match(parts.find((p) => p.type === 'text')!.text!, /alt text.*"de"/s);
    const url = parts.find((p) => p.type === 'image_url')!.image_url!.url;
    assert.match(url, /^data:image\/jpeg;base64,/);
    const meta = await sharp(Buffer.from(url.split(',')[1]!, 'base64')).metadata();
    assert.deepEqual([meta.width, meta.height], [1024, 512], 'a 2000 px image is sent at 1024 px');
  });

  it('never sends a private or unpublished file to a provider that was not allowed private files', async () => {
    const secret = await put(server, 'secret.png', { isPrivateFile: 'true' });
    const draft = await put(server, 'draft.png', { isPublished: 'false' });
    for (const { fileId } of [secret, draft]) {
      const response = await suggest(server, fileId);
      const body = await response.json();
      assert.equal(response.status, 409, JSON.stringify(body));
      assert.equal(body.reason, 'PRIVATE_FILE_NOT_SENT');
      assert.match(body.help, /allow private files/);
    }
    assert.equal(fake.calls.length, 0, 'nothing reached the provider');

    const allowed = await startTestServer({ externalAi: externalAi(fake, true) });
    try {
      const own = await put(allowed, 'secret.png', { isPrivateFile: 'true' });
      const response = await suggest(allowed, own.fileId);
      assert.equal(response.status, 200);
      assert.equal(fake.calls.length, 1);
    } finally {
      await allowed.close();
    }
  });

  it('asks for write access on the file: a read-only session and a file outside the scope are refused', async () => {
    const { fileId } = await put(server, 'scoped.png');
    const readOnly = await sessionToken({ folder: '/ai/', access: 'read' });
    const refused = await suggest(server, fileId, { key: null, headers: bearer(readOnly) });
    assert.equal(refused.status, 403);
    const elsewhere = await sessionToken({ folder: '/other/', access: 'readwrite' });
    const hidden = await suggest(server, fileId, { key: null, headers: bearer(elsewhere) });
    assert.equal(hidden.status, 404);
    const writer = await sessionToken({ folder: '/ai/', access: 'readwrite' });
    const allowed = await suggest(server, fileId, { key: null, headers: bearer(writer) });
    assert.equal(allowed.status, 200);
    assert.equal(fake.calls.length, 1);
  });

  it('asks a DAM member for contribute: view may neither suggest alt text nor generate into the folder', async () => {
    const { fileId } = await put(server, 'team.png', { folder: '/team-ai' });
    for (const level of ['view', 'contribute'] as const) {
      const id = await addUser(server, { email: `${level}-ai@example.com`, role: 'member' });
      await grant(server, { type: 'user', id }, '/team-ai', level);
      const member = await signIn(server, `${level}-ai@example.com`);
      const suggested = await member.call(`/_ml/files/${fileId}/alt-text-suggestion`, {
        method: 'POST',
        json: {},
      });
      const generated = await member.call('/_ml/generate', {
        method: 'POST',
        json: { prompt: 'a team photo', folder: '/team-ai', fileName: `${level}.png` },
      });
      const expected = level === 'view' ? 403 : 200;
      assert.equal(suggested.status, expected, `${level}: ${await suggested.text()}`);
      assert.equal(generated.status, expected, `${level}: ${await generated.text()}`);
    }
    assert.equal(fake.calls.length, 2, 'only the contributor reached the provider');
  });

  it('answers a failing or silent provider with a 502 that says which, in time', async () => {
    const { fileId } = await put(server, 'failing.png');
    fake.fail = { status: 429, body: { error: { message: 'Rate limit reached', type: 'requests' } } };
    const failed = await suggest(server, fileId);
    const body = await failed.json();
    assert.equal(failed.status, 502);
    assert.equal(body.reason, 'AI_PROVIDER_FAILED');
    assert.match(body.message, /OpenAI-compatible API could not answer: HTTP 429, Rate limit reached/);
    assert.doesNotMatch(JSON.stringify(body), /sk-test/);
    fake.fail = 'hang';
    const started = Date.now();
    const silent = await suggest(server, fileId);
    assert.equal(silent.status, 502);
    assert.match((await silent.json()).message, /no answer within 1.5 s/);
    assert.ok(Date.now() - started < 5000);
  });

  it('generates an image and stores it like an upload, the prompt as its description', async () => {
    const prompt = 'A lighthouse at dusk, watercolour';
    const response = await server.api('/_ml/generate', {
      method: 'POST',
      json: { prompt, width: 512, height: 512, folder: '/generated', fileName: 'lighthouse' },
    });
    const file = await response.json();
    assert.equal(response.status, 200, JSON.stringify(file));
    assert.equal(file.name, 'lighthouse.png');
    assert.equal(file.filePath, '/generated/lighthouse.png');
    assert.equal(file.description, prompt);
    assert.deepEqual([file.width, file.height, file.mime], [512, 512, 'image/png']);
    assert.equal(fake.calls.length, 1);
    const [call] = fake.calls;
    assert.equal(call!.url, '/v1/images/generations');
    assert.equal(call!.headers.authorization, 'Bearer sk-test');
    assert.deepEqual(call!.body, {
      model: 'dall-e-3',
      prompt,
      n: 1,
      size: '512x512',
      response_format: 'b64_json',
    });
    const listed = await (await server.api('/v1/files?path=/generated')).json();
    assert.deepEqual(
      listed.map((f: { name: string }) => f.name),
      ['lighthouse.png'],
    );
    const again = await server.api('/_ml/generate', {
      method: 'POST',
      json: { prompt, folder: '/generated', fileName: 'lighthouse.png' },
    });
    assert.equal(again.status, 200);
    assert.notEqual((await again.json()).name, 'lighthouse.png', 'a second one gets a unique name');
    const audit = await (await server.api('/_ml/audit?action=file.upload')).json();
    assert.ok(JSON.stringify(audit).includes('/generated/lighthouse.png'), 'the upload is in the audit log');
  });

  it('leaves response_format out for the GPT image models, which always answer b64_json', async () => {
    const generator = new OpenAiImageGenerator(
      { url: `${fake.url}/v1`, imageModel: 'gpt-image-1', sendPrivate: false },
      { timeoutMs: 1500, maxResponseBytes: 1024 ** 2 },
    );
    const image = await generator.generate('a fox', { width: 1536, height: 1024 });
    assert.equal(image.mime, 'image/png');
    const [call] = fake.calls;
    assert.deepEqual(call!.body, { model: 'gpt-image-1', prompt: 'a fox', n: 1, size: '1536x1024' });
    assert.equal(call!.headers.authorization, undefined, 'no key, no Authorization header');
    const tiny = new OpenAiImageGenerator(
      { url: `${fake.url}/v1`, imageModel: 'gpt-image-1', sendPrivate: false },
      { timeoutMs: 1500, maxResponseBytes: 100 },
    );
    await assert.rejects(tiny.generate('a fox', {}), /larger than this server accepts/);
  });

  it('refuses generation outside the session scope and bad input before paying the provider', async () => {
    const token = await sessionToken({ folder: '/mine/', access: 'readwrite' });
    const outside = await server.api('/_ml/generate', {
      method: 'POST',
      key: null,
      headers: bearer(token),
      json: { prompt: 'a cat', folder: '/theirs/', fileName: 'cat.png' },
    });
    assert.equal(outside.status, 403);
    assert.equal((await outside.json()).reason, 'OUTSIDE_SESSION_SCOPE');
    for (const [json, message] of [
      [{ folder: '/', fileName: 'a.png' }, /prompt is required/],
      [{ prompt: 'x', folder: '/', fileName: 'a.png', width: 10 }, /width and height must be/],
      [{ prompt: 'x', fileName: 'a.png' }, /folder is required/],
    ] as const) {
      const response = await server.api('/_ml/generate', { method: 'POST', json });
      const body = await response.json();
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(body.message, message);
    }
    assert.equal(fake.calls.length, 0);
    const inside = await server.api('/_ml/generate', {
      method: 'POST',
      key: null,
      headers: bearer(token),
      json: { prompt: 'a cat', folder: '/mine/', fileName: 'cat.png' },
    });
    assert.equal(inside.status, 200);
  });

  it('tags with AWS Rekognition DetectLabels, signed with SigV4 for rekognition in the region', async () => {
    const tagger = server.server.context.ai.taggers['aws-auto-tagging']!;
    assert.equal(tagger.source, 'aws-auto-tagging');
    const labels = await tagger.tag(await image(400, 200), { maxTags: 2, minConfidence: 70 });
    assert.deepEqual(labels, [
      { name: 'Dog', confidence: 98.5, box: { x: 100, y: 20, width: 200, height: 100 } },
      { name: 'Animal', confidence: 97.25 },
    ]);
    const [call] = fake.calls;
    assert.equal(call!.method, 'POST');
    assert.equal(call!.url, '/');
    assert.equal(call!.headers['content-type'], 'application/x-amz-json-1.1');
    assert.equal(call!.headers['x-amz-target'], 'RekognitionService.DetectLabels');
    assert.match(String(call!.headers['x-amz-date']), /^\d{8}T\d{6}Z$/);
    assert.match(
      String(call!.headers.authorization),
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/rekognition\/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    const signature = /Signature=([0-9a-f]{64})$/.exec(String(call!.headers.authorization))![1];
    assert.equal(
      signature,
      expectedSigV4(call!, 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'),
      'the signature is right for the request as sent',
    );
    const sent = call!.body as { Image: { Bytes: string }; MaxLabels: number; MinConfidence: number };
    assert.equal(sent.MaxLabels, 2);
    assert.equal(sent.MinConfidence, 70);
    const decoded = await sharp(Buffer.from(sent.Image.Bytes, 'base64')).metadata();
    assert.equal(decoded.format, 'jpeg');
  });

  it('tags with Google Cloud Vision LABEL_DETECTION, with the API key and scores as 0-100', async () => {
    const tagger = server.server.context.ai.taggers['google-auto-tagging']!;
    const labels = await tagger.tag(await image(300, 300), { maxTags: 5, minConfidence: 60 });
    assert.deepEqual(labels, [
      { name: 'Dog', confidence: 97.12 },
      { name: 'Animal', confidence: 88 },
    ]);
    const [call] = fake.calls;
    const url = new URL(call!.url, fake.url);
    assert.equal(url.pathname, '/v1/images:annotate');
    assert.equal(url.searchParams.get('key'), 'google-test-key');
    const sent = call!.body as {
      requests: { image: { content: string }; features: { type: string; maxResults: number }[] }[];
    };
    assert.deepEqual(sent.requests[0]!.features, [{ type: 'LABEL_DETECTION', maxResults: 5 }]);
    assert.ok(sent.requests[0]!.image.content.length > 100);
    fake.fail = { status: 403, body: { error: { code: 403, message: 'API key not valid.' } } };
    await assert.rejects(
      tagger.tag(await image(10, 10), {}),
      /Google Cloud Vision could not answer: HTTP 403, API key not valid/,
    );
  });

  it('reads the providers from MEDIA_LIBRARY_AI_* and refuses half a configuration', () => {
    assert.deepEqual(resolveExternalAiConfig({}), defaultExternalAiConfig);
    const config = resolveExternalAiConfig({
      MEDIA_LIBRARY_AI_AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 'secret',
      MEDIA_LIBRARY_AI_GOOGLE_VISION_KEY: 'gkey',
      MEDIA_LIBRARY_AI_GOOGLE_VISION_SEND_PRIVATE: 'true',
      MEDIA_LIBRARY_AI_OPENAI_KEY: 'sk',
      MEDIA_LIBRARY_AI_OPENAI_CAPTION_MODEL: 'gpt-4o-mini',
    });
    assert.deepEqual(config.aws, {
      region: 'us-east-1',
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      sendPrivate: false,
    });
    assert.equal(config.google?.sendPrivate, true);
    assert.deepEqual(config.openai, {
      url: 'https://api.openai.com/v1',
      key: 'sk',
      captionModel: 'gpt-4o-mini',
      sendPrivate: false,
    });
    assert.throws(
      () => resolveExternalAiConfig({ MEDIA_LIBRARY_AI_AWS_REGION: 'us-east-1' }),
      /ACCESS_KEY_ID/,
    );
    assert.throws(
      () => resolveExternalAiConfig({ MEDIA_LIBRARY_AI_OPENAI_URL: 'http://llm:8080/v1' }),
      /CAPTION_MODEL/,
    );
    assert.throws(
      () =>
        resolveExternalAiConfig({
          MEDIA_LIBRARY_AI_GOOGLE_VISION_KEY: 'k',
          MEDIA_LIBRARY_AI_GOOGLE_VISION_SEND_PRIVATE: 'yes',
        }),
      /should be true or false/,
    );
  });
});
