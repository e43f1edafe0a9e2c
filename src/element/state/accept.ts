import { mimeAccepted } from '../../shared/session-token.js';
import type { MediaFile } from '../../shared/wire.js';

/** A test for the `accept` attribute, as `<input type=file>` reads it: MIME types, `type/*`, `.ext`. */
export type AcceptTest = (file: MediaFile) => boolean;

export function acceptTest(accept: string | undefined): AcceptTest {
  const entries = (accept ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);
  if (entries.length === 0) return () => true;
  const mimes = entries.filter((e) => e.includes('/'));
  const extensions = entries.filter((e) => e.startsWith('.'));
  return (file) =>
    (mimes.length > 0 && mimeAccepted(mimes, file.mime)) ||
    extensions.some((ext) => file.name.toLowerCase().endsWith(ext));
}
