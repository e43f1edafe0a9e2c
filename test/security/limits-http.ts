import { connect } from 'node:net';

/** What came back on a raw connection before it closed. */
export interface RawExchange {
  /** The status line's code, or undefined when the server closed without a word. */
  status: number | undefined;
  /** The whole response as text (headers and body). */
  text: string;
  /** The JSON body, when there was one. */
  body: { message?: string; reason?: string } | undefined;
}

/**
 * Sends `parts` on a bare TCP connection (each after `gapMs`), then waits for the server to answer
 * and close, or for `giveUpMs`; for requests no HTTP client would send (short bodies, slow headers).
 */
export function rawExchange(
  url: string,
  parts: Array<string | Buffer>,
  { gapMs = 0, giveUpMs = 20_000 }: { gapMs?: number; giveUpMs?: number } = {},
): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    let stopped = false;
    const finish = () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(giveUp);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      const json = text.slice(text.indexOf('\r\n\r\n') + 4);
      let body: RawExchange['body'];
      try {
        body = JSON.parse(json);
      } catch {
        body = undefined;
      }
      resolve({ status: status ? Number(status) : undefined, text, body });
    };
    const giveUp = setTimeout(() => {
      stopped = true;
      socket.destroy();
      reject(new Error(`no answer within ${giveUpMs} ms; received so far: ${JSON.stringify(text)}`));
    }, giveUpMs);
    socket.on('data', (chunk) => {
      text += chunk;
    });
    socket.on('close', finish);
    socket.on('error', () => finish());
    socket.on('connect', async () => {
      for (const part of parts) {
        if (stopped || socket.destroyed) return;
        socket.write(part);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

/** The head of a multipart upload POST whose Content-Length is `contentLength`. */
export function uploadHead(url: string, contentLength: number, headers: Record<string, string> = {}): string {
  const { host } = new URL(url);
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return (
    `POST /api/v1/files/upload HTTP/1.1\r\nHost: ${host}\r\n` +
    `Content-Type: multipart/form-data; boundary=limits\r\nContent-Length: ${contentLength}\r\n${extra}\r\n`
  );
}

/** A multipart file part's head, for `uploadHead`'s boundary. */
export const filePartHead =
  '--limits\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n';
