// Proves how the L2 process reads where to listen: a member takes --port or
// --listen HOST:PORT (not both) besides its URL in --peers; a watchtower
// needs one of --url, --port and --listen; a bad --listen is refused with
// the flag named.
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/args.ts';

const CHANNEL = 'ab'.repeat(32);
const member = ['--genesis', 'g.json', '--channel', CHANNEL, '--key', 'k', '--peers', 'http://10.0.0.1:7201,http://10.0.0.2:7202', '--data', 'd'];
const tower = ['--watchtower', '--genesis', 'g.json', '--key', 'k', '--data', 'd'];

describe('l2-node arguments: where to listen', () => {
  it('a member takes --listen HOST:PORT, IPv6 in brackets', () => {
    expect(parseArgs([...member, '--listen', '0.0.0.0:7201'])).toMatchObject({ mode: 'member', listen: { host: '0.0.0.0', port: 7201 } });
    expect(parseArgs([...member, '--listen', '[::]:7201'])).toMatchObject({ listen: { host: '::', port: 7201 } });
    const plain = parseArgs(member);
    expect(typeof plain === 'object' && plain.listen === undefined && plain.port === undefined).toBe(true);
  });

  it('refuses a bad --listen and --port with --listen', () => {
    expect(parseArgs([...member, '--listen', '10.0.0.1'])).toMatch(/^--listen: expected HOST:PORT/);
    expect(parseArgs([...member, '--listen', '10.0.0.1:70000'])).toMatch(/^--listen: /);
    expect(parseArgs([...member, '--listen', '10.0.0.1:7201', '--port', '7201'])).toBe('--listen: give --port or --listen, not both');
  });

  it('a watchtower listens at --url, --port or --listen, and needs one of them', () => {
    expect(parseArgs([...tower, '--url', 'http://10.0.0.9:7300'])).toMatchObject({ mode: 'watchtower', url: 'http://10.0.0.9:7300' });
    expect(parseArgs([...tower, '--port', '7300'])).toMatchObject({ mode: 'watchtower', port: 7300 });
    expect(parseArgs([...tower, '--url', 'http://tower.example:80', '--listen', '0.0.0.0:7300'])).toMatchObject({ listen: { host: '0.0.0.0', port: 7300 } });
    expect(parseArgs(tower)).toBe('give --url, --port or --listen');
    expect(parseArgs([...tower, '--url', 'ftp://x'])).toMatch(/^--url: expected an http\(s\) URL/);
  });

  it('--url is a watchtower flag only', () => {
    expect(parseArgs([...member, '--url', 'http://10.0.0.1:7201'])).toMatch(/--url not allowed with a member/);
  });
});
