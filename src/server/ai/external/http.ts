import { ApiError } from '../../errors.js';

/** One call to an external provider: its name (for messages), the time it may take, the answer it may send. */
export interface ProviderCall {
  provider: string;
  timeoutMs: number;
  maxResponseBytes: number;
}

/** A provider failed or answered what we cannot use: 502, saying which and why, never its credentials. */
export function providerFailed(provider: string, why: string): ApiError {
  return new ApiError(502, `${provider} could not answer: ${why}`, {
    reason: 'AI_PROVIDER_FAILED',
    help: 'Try again in a moment; if it keeps failing, the server operator should check the provider settings (docs/ai-providers.md).',
  });
}

/**
 * POSTs to a provider and reads its JSON answer, aborting after `timeoutMs` and refusing an
 * answer over `maxResponseBytes` as it streams in (a provider cannot fill the server's memory).
 */
export async function postJson(
  call: ProviderCall,
  url: string,
  init: { headers: Record<string, string>; body: string },
): Promise<unknown> {
  const signal = AbortSignal.timeout(call.timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: init.headers, body: init.body, signal });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError' || signal.aborted;
    throw providerFailed(
      call.provider,
      timedOut ? `no answer within ${call.timeoutMs / 1000} s.` : 'it could not be reached.',
    );
  }
  const text = await readBounded(call, response);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    throw providerFailed(call.provider, `HTTP ${response.status}${errorDetail(body)}.`);
  }
  if (body === undefined) throw providerFailed(call.provider, 'its answer is not JSON.');
  return body;
}

/** The message a provider put in its error body, in the shapes AWS, Google and OpenAI use. */
function errorDetail(body: unknown): string {
  if (!body || typeof body !== 'object') return '';
  const record = body as Record<string, unknown>;
  const error = record.error as Record<string, unknown> | string | undefined;
  const message =
    (typeof error === 'object' && error && typeof error.message === 'string' && error.message) ||
    (typeof error === 'string' && error) ||
    (typeof record.message === 'string' && record.message) ||
    (typeof record.Message === 'string' && record.Message) ||
    '';
  return message ? `, ${message.slice(0, 300)}` : '';
}

async function readBounded(call: ProviderCall, response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > call.maxResponseBytes) {
    await response.body?.cancel();
    throw providerFailed(call.provider, 'its answer is larger than this server accepts.');
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body ?? []) {
      size += chunk.length;
      if (size > call.maxResponseBytes) {
        await response.body?.cancel().catch(() => undefined);
        throw providerFailed(call.provider, 'its answer is larger than this server accepts.');
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw providerFailed(call.provider, 'its answer broke off.');
  }
  return Buffer.concat(chunks).toString('utf8');
}
