import { AddressPolicy } from '../../src/image/address-policy';

test.each([
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'linkLocal'],
  ['100.64.0.1', 'carrierGradeNat'],
  ['0.0.0.0', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['255.255.255.255', 'broadcast'],
  ['192.0.2.1', 'reserved'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['fe80::1', 'linkLocal'],
  ['fc00::1', 'uniqueLocal'],
  ['fd00:ec2::254', 'uniqueLocal'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:10.0.0.1', 'private'],
  ['::ffff:169.254.169.254', 'linkLocal'],
  ['64:ff9b::a00:1', 'private'],
  ['2002:a00:1::', '6to4'],
])('refuses %s (%s)', (address, range) => {
  expect(new AddressPolicy().refusal(address)).toMatch(new RegExp(`a ${range} address$`));
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
  expect(policy.refusal('fe80::1')).toMatch(/linkLocal/);
  expect(policy.refusal('not-an-address')).toMatch(/not an IP address/);
});
