// The resource tracker counts growth only from its baseline on: warm-up
// samples set the last value but neither the baseline nor the maximum; the
// ratio is the largest RSS after the baseline over the baseline's. And the
// data directory helpers read what is really on disk and on /proc.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResourceTracker, dataDirOf, directoryBytes, heapUsedMb } from '../src/resources.ts';

describe('resource tracker', () => {
  it('takes the baseline at the first sample from its time on, and the largest value after it', () => {
    const tracker = new ResourceTracker(1_000);
    tracker.add(0, [{ name: 'replica 0', kind: 'replica', rssMb: 500, diskBytes: 1024 * 1024 }]);
    tracker.add(1_000, [{ name: 'replica 0', kind: 'replica', rssMb: 100, diskBytes: 2 * 1024 * 1024 }]);
    tracker.add(2_000, [{ name: 'replica 0', kind: 'replica', rssMb: 115, diskBytes: null }]);
    tracker.add(3_000, [
      { name: 'replica 0', kind: 'replica', rssMb: 110, diskBytes: 3 * 1024 * 1024 },
      { name: 'member a', kind: 'member', rssMb: null, diskBytes: null },
    ]);
    const summary = tracker.summary();
    expect(summary.samples).toBe(4);
    expect(summary.processes['replica 0']).toEqual({
      kind: 'replica',
      baselineRssMb: 100,
      lastRssMb: 110,
      maxRssMbAfterBaseline: 115,
      rssRatio: 1.15,
      baselineDiskMb: 2,
      lastDiskMb: 3,
      baselineHeapUsedMb: null,
      lastHeapUsedMb: null,
      maxHeapUsedMbAfterBaseline: null,
    });
    expect(summary.processes['member a']).toMatchObject({ baselineRssMb: null, rssRatio: null });
  });

  it('reads the V8 heap in use from a process’s /metrics', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((request, response) => {
      if (request.url !== '/metrics') return void response.writeHead(404).end();
      response.end('# HELP nodejs_heap_size_used_bytes x\n# TYPE nodejs_heap_size_used_bytes gauge\nnodejs_heap_size_used_bytes{replica="0"} 52428800\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      expect(await heapUsedMb(url)).toBe(50);
      expect(await heapUsedMb(`${url}/nothing`)).toBeNull();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('sums the bytes of the files under a directory, and finds a process’s --data argument', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wedge-resources-'));
    try {
      mkdirSync(join(dir, 'inner'));
      writeFileSync(join(dir, 'a'), 'x'.repeat(100));
      writeFileSync(join(dir, 'inner', 'b'), 'y'.repeat(23));
      expect(directoryBytes(dir)).toBe(123);
      expect(directoryBytes(join(dir, 'gone'))).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // This test process has no --data argument.
    expect(dataDirOf(process.pid)).toBeNull();
  });
});
