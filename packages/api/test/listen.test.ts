// Proves how a server finds where to listen: the host and port of its own
// URL (IPv6 hosts unbracketed, a scheme's default port when none is named),
// or a `--listen HOST:PORT` argument, with anything else refused.
import { describe, expect, it } from 'vitest';
import { formatListenAddress, listenAddressOfUrl, parseListenAddress } from '../src/index.ts';

describe('listen addresses', () => {
  it("takes the host and port of the server's own URL", () => {
    expect(listenAddressOfUrl('http://10.77.0.11:7100')).toEqual({ host: '10.77.0.11', port: 7100 });
    expect(listenAddressOfUrl('http://[::1]:7101/')).toEqual({ host: '::1', port: 7101 });
    expect(listenAddressOfUrl('http://replica-2.example')).toEqual({ host: 'replica-2.example', port: 80 });
    expect(listenAddressOfUrl('https://replica-2.example')).toEqual({ host: 'replica-2.example', port: 443 });
  });

  it('parses HOST:PORT and [IPv6]:PORT, and refuses the rest', () => {
    expect(parseListenAddress('0.0.0.0:7100')).toEqual({ host: '0.0.0.0', port: 7100 });
    expect(parseListenAddress('[::]:7100')).toEqual({ host: '::', port: 7100 });
    expect(parseListenAddress('node-1.lan:0')).toEqual({ host: 'node-1.lan', port: 0 });
    for (const bad of ['7100', ':7100', 'host', 'host:', 'host:65536', 'host:-1', '::1:7100', 'a b:1', 'host:71000']) {
      expect(parseListenAddress(bad), bad).toBeNull();
    }
    expect(formatListenAddress({ host: '::1', port: 1 })).toBe('[::1]:1');
    expect(formatListenAddress({ host: '127.0.0.2', port: 2 })).toBe('127.0.0.2:2');
  });
});
