/** The IJG standard luminance quantization table (quality 50), in zig-zag order as DQT stores it. */
const standardLuminance = [
  16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40, 26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58,
  51, 61, 60, 57, 51, 56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87, 95, 98, 103, 104, 103,
  62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99,
];

/**
 * Estimates the quality (1–100) a JPEG was saved at from its luminance quantization table: the
 * table's scale against the IJG standard table, inverted as libjpeg's quality scaling defines it.
 * Answers undefined for anything that is not a baseline-style JPEG with an 8-bit table 0.
 */
export function estimateJpegQuality(bytes: Buffer): number | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1]!;
    const length = bytes.readUInt16BE(at + 2);
    if (marker === 0xda || marker === 0xd9) return undefined;
    if (marker === 0xdb) {
      let table = at + 4;
      const end = at + 2 + length;
      while (table < end) {
        const precision = bytes[table]! >> 4;
        const id = bytes[table]! & 0x0f;
        const size = precision === 0 ? 64 : 128;
        if (id === 0 && precision === 0 && table + 1 + 64 <= bytes.length) {
          const values = bytes.subarray(table + 1, table + 65);
          let scaleSum = 0;
          for (let i = 0; i < 64; i++) scaleSum += (values[i]! * 100) / standardLuminance[i]!;
          const scale = scaleSum / 64;
          const quality = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
          return Math.max(1, Math.min(100, Math.round(quality)));
        }
        table += 1 + size;
      }
    }
    at += 2 + length;
  }
  return undefined;
}
