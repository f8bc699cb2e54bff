import { AddressPolicy } from '../../src/image/address-policy';

test.each([
  ['127.0.0.1', 'a loopback address (this machine)'],
  ['127.255.0.9', 'a loopback address (this machine)'],
  ['10.1.2.3', 'a private-network address'],
  ['172.16.0.1', 'a private-network address'],
  ['192.168.1.1', 'a private-network address'],
  ['169.254.169.254', 'a link-local address (where cloud metadata services answer)'],
  ['100.64.0.1', "a carrier-grade NAT address (inside a provider's network)"],
  ['0.0.0.0', 'the unspecified address (this machine)'],
  ['224.0.0.1', 'a multicast address'],
  ['255.255.255.255', 'the broadcast address'],
  ['192.0.2.1', 'a reserved address'],
  ['::1', 'a loopback address (this machine)'],
  ['::', 'the unspecified address (this machine)'],
  ['fe80::1', 'a link-local address (where cloud metadata services answer)'],
  ['fc00::1', 'a unique-local address (an IPv6 private network)'],
  ['fd00:ec2::254', 'a unique-local address (an IPv6 private network)'],
  ['::ffff:127.0.0.1', 'a loopback address (this machine)'],
  ['::ffff:10.0.0.1', 'a private-network address'],
  ['::ffff:169.254.169.254', 'a link-local address (where cloud metadata services answer)'],
  ['64:ff9b::a00:1', 'a private-network address'],
  ['2002:a00:1::', 'a 6to4 relay address'],
])('refuses %s: %s', (address, words) => {
  expect(new AddressPolicy().refusal(address)).toBe(`${address} is ${words}, and only public addresses are fetched`);
});

test.each(['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows the public address %s', (address) => {
  expect(new AddressPolicy().refusal(address)).toBeUndefined();
});

test('the allow-list opens host names, addresses and ranges, and nothing else', () => {
  const policy = new AddressPolicy(['images.intranet', '127.0.0.1', '10.20.0.0/16', 'fd00::/8']);
  expect(policy.allowsHost('IMAGES.intranet')).toBe(true);
  expect(policy.allowsHost('localhost')).toBe(false);
  expect(policy.refusal('127.0.0.1')).toBeUndefined();
  expect(policy.refusal('::ffff:127.0.0.1')).toBeUndefined();
  expect(policy.refusal('127.0.0.2')).toMatch(/loopback/);
  expect(policy.refusal('10.20.9.9')).toBeUndefined();
  expect(policy.refusal('10.21.0.1')).toMatch(/private/);
  expect(policy.refusal('fd12::1')).toBeUndefined();
  expect(policy.refusal('fe80::1')).toMatch(/link-local address/);
  expect(policy.refusal('not-an-address')).toMatch(/not an IP address/);
});

test.each([
  ['2001::1', 'a Teredo tunnel address'],
  ['2001:2::1', 'an address reserved for benchmarking'],
  ['192.52.193.1', 'an AMT relay address'],
  ['192.175.48.1', 'an AS112 address'],
  ['2001:10::1', 'a deprecated ORCHID address'],
  ['fec0::1', 'a deprecated site-local address (an old IPv6 private network)'],
  ['2620:4f:8000::1', 'an AS112 address'],
  ['2001:20::1', 'an ORCHIDv2 address'],
  ['100::1', 'a discard-only address'],
])('refuses the special-purpose %s: %s', (address, words) => {
  expect(new AddressPolicy().refusal(address)).toBe(`${address} is ${words}, and only public addresses are fetched`);
});

test('a single address on the allow-list opens that address alone, IPv4 or IPv6', () => {
  const policy = new AddressPolicy(['10.0.0.5', 'fd00::1']);
  expect(policy.refusal('10.0.0.5')).toBeUndefined();
  expect(policy.refusal('10.0.0.4')).toMatch(/private-network/);
  expect(policy.refusal('10.0.0.6')).toMatch(/private-network/);
  expect(policy.refusal('fd00::1')).toBeUndefined();
  expect(policy.refusal('fd00::2')).toMatch(/unique-local/);
  // Addresses and ranges are not host names: a name that spells one is not opened by it.
  expect(policy.allowsHost('10.0.0.5')).toBe(false);
});

test('an IPv4 range does not open IPv6 addresses that share its bits, nor the reverse', () => {
  const policy = new AddressPolicy(['10.0.0.0/8', 'fd00::/8']);
  expect(policy.refusal('2001:db8::a00:1')).toMatch(/reserved/);
  expect(policy.refusal('253.0.0.1')).not.toBeUndefined();
  expect(policy.refusal('fd00::1')).toBeUndefined();
  expect(policy.refusal('10.9.9.9')).toBeUndefined();
});

test('entries that are neither addresses nor ranges are host names, matched whole', () => {
  const policy = new AddressPolicy(['10.0.0.0/33', 'media.example']);
  expect(policy.allowsHost('10.0.0.0/33')).toBe(true);
  expect(policy.allowsHost('media.example.evil')).toBe(false);
  expect(policy.refusal('10.0.0.1')).toMatch(/private-network/);
});
