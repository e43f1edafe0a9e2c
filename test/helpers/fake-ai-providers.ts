import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/** One request a provider adapter sent, as the fake received it. */
export interface ReceivedCall {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** The body as sent, for checking a signature over it. */
  rawBody: string;
}

export interface FakeAiProviders {
  /** `http://127.0.0.1:<port>`: AWS Rekognition and Google Vision answer here; OpenAI under `/v1`. */
  url: string;
  calls: ReceivedCall[];
  /** The next answers' failure: a status and body, or a delay longer than the adapters wait. */
  fail: { status: number; body: unknown } | 'hang' | undefined;
  /** While set, answers wait for it: a job held pending until the test lets it go. */
  hold: Promise<void> | undefined;
  /** What the chat completions endpoint answers as the alt text. */
  altText: string;
  close(): Promise<void>;
}

/**
 * Fakes of the providers' HTTP APIs, in their documented shapes: Rekognition's DetectLabels
 * (JSON 1.1, `X-Amz-Target`), Cloud Vision's `/v1/images:annotate`, and an OpenAI-compatible
 * `/v1/chat/completions` and `/v1/images/generations` (b64_json). Every request is kept.
 */
export async function startFakeAiProviders(): Promise<FakeAiProviders> {
  const generated = await sharp({
    create: { width: 512, height: 512, channels: 3, background: { r: 30, g: 120, b: 200 } },
  })
    .png()
    .toBuffer();
  const fake: FakeAiProviders = {
    url: '',
    calls: [],
    fail: undefined,
    hold: undefined,
    altText: 'A blue square on a white background.',
    close: async () => undefined,
  };
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    fake.calls.push({
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      body,
      rawBody: text,
    });
    const answer = (status: number, json: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(json));
    };
    if (fake.fail === 'hang') return; // never answers: the adapter's timeout must end it
    if (fake.hold) await fake.hold;
    if (fake.fail) return answer(fake.fail.status, fake.fail.body);
    const path = (request.url ?? '').split('?')[0];
    if (request.headers['x-amz-target'] === 'RekognitionService.DetectLabels') {
      return answer(200, {
        Labels: [
          {
            Name: 'Dog',
            Confidence: 98.5,
            Instances: [{ BoundingBox: { Width: 0.5, Height: 0.5, Left: 0.25, Top: 0.1 }, Confidence: 98 }],
            Parents: [{ Name: 'Animal' }],
          },
          { Name: 'Animal', Confidence: 97.25, Instances: [], Parents: [] },
          { Name: 'Grass', Confidence: 61, Instances: [], Parents: [] },
        ],
        LabelModelVersion: '3.0',
      });
    }
    if (path === '/v1/images:annotate') {
      return answer(200, {
        responses: [
          {
            labelAnnotations: [
              { mid: '/m/0bt9lr', description: 'Dog', score: 0.9712, topicality: 0.9712 },
              { mid: '/m/0jbk', description: 'Animal', score: 0.88, topicality: 0.88 },
              { mid: '/m/08t9c_', description: 'Grass', score: 0.52, topicality: 0.52 },
            ],
          },
        ],
      });
    }
    if (path === '/v1/chat/completions') {
      return answer(200, {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        choices: [
          { index: 0, message: { role: 'assistant', content: `"${fake.altText}"` }, finish_reason: 'stop' },
        ],
      });
    }
    if (path === '/v1/images/generations') {
      return answer(200, { created: 1, data: [{ b64_json: generated.toString('base64') }] });
    }
    answer(404, { error: { message: `no such path ${path}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}
