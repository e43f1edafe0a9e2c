const units: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4 };

/** Sizes as ImageKit writes them: a number of bytes, or with a binary unit (`500kb`, `1mb`, `2 GB`). */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb)?\s*$/i.exec(text);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * units[(match[2] ?? 'b').toLowerCase()]!);
}
