import { Transform, type TransformCallback } from 'node:stream';
import { badRequest } from '../errors.js';

const invalidBase64 = () =>
  badRequest(
    'Your request contains invalid file parameter. Send the file as a binary part, a base64 string or an http(s) URL.',
    { reason: 'INVALID_PARAMETER' },
  );

/** Longest `data:<type>;base64,` prefix looked for. */
const maxPrefix = 256;

/**
 * Decodes base64 (standard or URL-safe, whitespace ignored, an optional `data:…;base64,` prefix)
 * as it streams, so a large `file` text field never sits in memory. `onText` is told of every
 * chunk of text received, and may throw to stop the stream.
 */
export class Base64Decoder extends Transform {
  #carry = '';
  #started = false;
  #padded = false;
  readonly #onText: (bytes: number) => void;

  constructor(onText: (bytes: number) => void = () => {}) {
    super();
    this.#onText = onText;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.#onText(chunk.length);
      this.#take(this.#carry + chunk.toString('latin1'), false);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.#take(this.#carry, true);
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  #take(received: string, last: boolean): void {
    let text = received;
    if (!this.#started) {
      const start = text.trimStart();
      if (/^data:/i.test(start)) {
        const comma = start.indexOf(',');
        if (comma === -1) {
          if (start.length > maxPrefix || last) throw invalidBase64();
          this.#carry = text;
          return;
        }
        if (!/;base64$/i.test(start.slice(0, comma))) throw invalidBase64();
        text = start.slice(comma + 1);
      } else if (start.length < 5 && !last) {
        // Too little yet to tell `data:` from base64.
        this.#carry = text;
        return;
      }
      this.#started = true;
    }
    text = text.replace(/\s+/g, '');
    // Padding ends the text: at most two `=`, nothing after them.
    if (/[^A-Za-z0-9+/_=-]|=[^=]|={3}/.test(text) || (this.#padded && text.length > 0)) throw invalidBase64();
    const whole = last ? text.length : text.length - (text.length % 4);
    this.#carry = text.slice(whole);
    if (text.includes('=') && this.#carry === '') this.#padded = true;
    if (whole > 0) this.push(Buffer.from(text.slice(0, whole), 'base64'));
  }
}
