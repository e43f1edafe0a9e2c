// Issue 18 (smaller): `file=<url>` uploads reach only global unicast addresses. Tested by how
// addresses are classified, never by sending traffic to those ranges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPublicAddress } from '../../src/server/library/url-fetch.js';

describe('the URL-upload address guard', () => {
  it('refuses special-purpose ranges, not only private ones', () => {
    for (const address of [
      '0.0.0.0',
      '10.1.2.3',
      '100.64.0.1', // carrier-grade NAT
      '127.0.0.1',
      '169.254.169.254', // cloud metadata
      '172.16.5.5',
      '192.0.0.8', // IETF protocol assignments
      '192.0.2.10', // TEST-NET-1
      '192.88.99.1', // 6to4 relay anycast
      '192.168.1.1',
      '198.18.0.1', // benchmarking
      '198.19.255.255',
      '198.51.100.7', // TEST-NET-2
      '203.0.113.9', // TEST-NET-3
      '224.0.0.1', // multicast
      '240.0.0.1', // reserved
      '255.255.255.255',
      '::',
      '::1',
      '::ffff:127.0.0.1', // IPv4-mapped loopback
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1', // NAT64 of 10.0.0.1
      '2001:db8::1', // documentation
      '2002:a00:1::', // 6to4 of 10.0.0.1
      '2001::1', // Teredo
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
      'not an address',
    ]) {
      assert.equal(isPublicAddress(address), false, address);
    }
  });

  it('allows global unicast addresses', () => {
    for (const address of ['8.8.8.8', '1.1.1.1', '93.184.215.14', '::ffff:8.8.8.8', '2606:4700:4700::1111']) {
      assert.equal(isPublicAddress(address), true, address);
    }
  });
});
