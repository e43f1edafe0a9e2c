/** JSON answers of the token endpoint. Bodies never carry a key; errors are `{ message }`. */

export const noStore = { 'cache-control': 'no-store' } as const;

export function json(status: number, body: unknown, headers: HeadersInit = {}): Response {
  const merged = new Headers(headers);
  merged.set('content-type', 'application/json; charset=utf-8');
  for (const [name, value] of Object.entries(noStore)) merged.set(name, value);
  return new Response(JSON.stringify(body), { status, headers: merged });
}

/** A refusal the caller can act on, carried as a value until it becomes a response. */
export class EndpointError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }

  toResponse(): Response {
    return json(this.status, { message: this.message }, this.headers);
  }
}

export const methodNotAllowed = (allowed: readonly string[]) =>
  new EndpointError(405, `Use ${allowed.join(' or ')} here.`, { allow: allowed.join(', ') });

const maxBodyBytes = 64 * 1024;

/**
 * Reads a small JSON object body: empty means `{}`; anything but a JSON object is a 400.
 * Bodies over 64 KiB are refused (413) without being read to the end.
 */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const text = await readText(request, maxBodyBytes);
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EndpointError(400, 'The request body is not valid JSON. Send a JSON object, or no body.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new EndpointError(400, 'The request body must be a JSON object.');
  }
  return value as Record<string, unknown>;
}

/** The body as text, refusing more than `maxBytes`. */
export async function readText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new EndpointError(400, 'The request body is not UTF-8 text.');
  }
}

const tooLarge = (maxBytes: number) =>
  new EndpointError(413, `The request body is larger than the ${maxBytes} bytes this endpoint accepts.`);
