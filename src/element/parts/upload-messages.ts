import type { Localizer } from '../i18n/localize.js';

/**
 * What `accept` allows, in words: `image/*` → "images", `application/pdf` → "PDFs", `.webp` or
 * `image/webp` → "WEBP files", joined with "or".
 */
export function acceptedKinds(l: Localizer, accept: readonly string[]): string {
  const words = accept.map((entry) => {
    const type = entry.trim().toLowerCase();
    if (type === 'image/*') return l.t('kindImages');
    if (type === 'video/*') return l.t('kindVideos');
    if (type === 'audio/*') return l.t('kindAudio');
    if (type === 'application/pdf' || type === '.pdf') return l.t('kindPdfs');
    const format = type.startsWith('.') ? type.slice(1) : (type.split('/')[1] ?? type);
    return l.t('kindFormat', { format: format.replace(/^x-/, '').toUpperCase() });
  });
  return new Intl.ListFormat(l.lang, { type: 'disjunction' }).format([...new Set(words)]);
}

const invalidFileName = /^Your request contains invalid fileName parameter\.\s*/;
const invalidFile = /^Your request contains invalid file parameter\.\s*/;

/**
 * A server's refusal of one file as a sentence about that file: ImageKit's "Your request contains
 * invalid file parameter. …" names an API parameter, not the file. Other messages pass as they are.
 */
export function plainUploadError(l: Localizer, name: string, message: string): string {
  if (invalidFileName.test(message))
    return l.t('uploadBadName', { name, why: message.replace(invalidFileName, '') });
  if (!invalidFile.test(message)) return message;
  const why = message.replace(invalidFile, '');
  return /size exceeds/i.test(why) ? l.t('uploadTooLarge', { name }) : l.t('uploadBadFile', { name, why });
}
