import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  distanceFrom,
  hammingDistance,
  histogramDistance,
  signatureDistance,
} from '../../src/server/media/image-signature.js';

/** The bit count as a whole number, as the first implementation counted it. */
function bitsApart(a: string, b: string): number {
  return [...(BigInt(`0x${a}`) ^ BigInt(`0x${b}`)).toString(2)].filter((bit) => bit === '1').length;
}

const hex = (digits: number, random: () => number) =>
  Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join('');

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('image signature distances', () => {
  it('counts the bits two pHashes differ in, whatever the digits and their case', () => {
    assert.equal(hammingDistance('0000000000000000', 'ffffffffffffffff'), 64);
    assert.equal(hammingDistance('8000000000000001', '0000000000000000'), 2);
    assert.equal(hammingDistance('ABCDEF0123456789', 'abcdef0123456789'), 0);
    const random = seeded(26);
    for (let i = 0; i < 2000; i++) {
      const a = hex(16, random);
      const b = hex(16, random);
      assert.equal(hammingDistance(a, b), bitsApart(a, b), `${a} ${b}`);
    }
  });

  it('measures histograms as half their L1 distance, and ranks many from one target alike', () => {
    const zero = '00'.repeat(64);
    const red = `ff${'00'.repeat(63)}`;
    const blue = `${'00'.repeat(63)}ff`;
    assert.equal(histogramDistance(red, red), 0);
    assert.equal(histogramDistance(red, blue), 1);
    assert.equal(histogramDistance(zero, zero), 0);
    assert.equal(histogramDistance(`80${'00'.repeat(62)}80`, red), (0x7f + 0x80) / (0x100 + 0xff));
    const random = seeded(7);
    const target = { phash: hex(16, random), histogram: hex(128, random) };
    const from = distanceFrom(target);
    for (let i = 0; i < 500; i++) {
      const other = { phash: hex(16, random), histogram: i % 5 ? hex(128, random) : zero };
      const expected =
        0.75 * Math.min(1, bitsApart(target.phash, other.phash) / 32) +
        0.25 * histogramDistance(target.histogram, other.histogram);
      assert.equal(from(other), expected);
      assert.equal(signatureDistance(target, other), expected);
    }
  });
});
