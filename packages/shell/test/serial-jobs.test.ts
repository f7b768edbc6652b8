// What the serial job runner guarantees: jobs run one at a time, in the order
// they were added (a job starts only after the previous one settled); at most
// `maxWaitingJobs` wait, the oldest waiting one (never the running one) giving
// way and being reported; a job that throws is reported with its error and
// the next one still runs; after stop no job starts and the running one is not
// reported done.
import { describe, expect, it } from 'vitest';
import { SerialJobs } from '../src/serial-jobs.ts';

/** A promise the test settles by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SerialJobs', () => {
  it('runs jobs in order, one at a time', async () => {
    const events: string[] = [];
    let running = 0;
    let most = 0;
    const jobs = new SerialJobs<number>({
      maxWaitingJobs: 100,
      run: async (job) => {
        running += 1;
        most = Math.max(most, running);
        events.push(`start ${job}`);
        // Jobs of different lengths: a later, shorter one must still wait.
        await new Promise((resolve) => setTimeout(resolve, (5 - job) * 3));
        events.push(`end ${job}`);
        running -= 1;
      },
      onError: (error) => {
        throw error;
      },
      onDone: (job) => events.push(`done ${job}`),
    });
    for (let job = 0; job < 5; job++) jobs.add(job);
    await jobs.idle();
    expect(most).toBe(1);
    expect(events).toEqual([0, 1, 2, 3, 4].flatMap((job) => [`start ${job}`, `end ${job}`, `done ${job}`]));
  });

  it('keeps at most maxWaitingJobs waiting, dropping the oldest waiting, never the running one', async () => {
    const gate = deferred();
    const ran: number[] = [];
    const dropped: number[] = [];
    const jobs = new SerialJobs<number>({
      maxWaitingJobs: 2,
      run: async (job) => {
        ran.push(job);
        if (job === 0) await gate.promise;
      },
      onError: (error) => {
        throw error;
      },
      onDropped: (job) => dropped.push(job),
    });
    for (let job = 0; job < 6; job++) jobs.add(job);
    await tick();
    expect(jobs.busy).toBe(true);
    expect(jobs.waiting).toBe(2);
    expect(dropped).toEqual([1, 2, 3]);
    expect(jobs.some((job) => job === 0)).toBe(true); // the running one counts
    expect(jobs.some((job) => job === 5)).toBe(true);
    expect(jobs.some((job) => job === 1)).toBe(false);
    gate.resolve();
    await jobs.idle();
    expect(ran).toEqual([0, 4, 5]);
  });

  it('reports a job that throws, with its error, and goes on with the next', async () => {
    const errors: [string, number][] = [];
    const done: number[] = [];
    const jobs = new SerialJobs<number>({
      maxWaitingJobs: 10,
      run: async (job) => {
        if (job === 1) throw new Error('L1 said no');
      },
      onError: (error, job) => errors.push([(error as Error).message, job]),
      onDone: (job) => done.push(job),
    });
    [0, 1, 2].forEach((job) => jobs.add(job));
    await jobs.idle();
    expect(errors).toEqual([['L1 said no', 1]]);
    expect(done).toEqual([0, 2]);
  });

  it('starts nothing after stop and does not report the interrupted job done', async () => {
    const gate = deferred();
    const ran: number[] = [];
    const done: number[] = [];
    const jobs = new SerialJobs<number>({
      maxWaitingJobs: 10,
      run: async (job) => {
        ran.push(job);
        await gate.promise;
      },
      onError: (error) => {
        throw error;
      },
      onDone: (job) => done.push(job),
    });
    [0, 1].forEach((job) => jobs.add(job));
    await tick();
    jobs.stop();
    jobs.add(2);
    gate.resolve();
    await jobs.idle();
    expect(ran).toEqual([0]);
    expect(done).toEqual([]);
  });

  it('runs a job added after it went idle', async () => {
    const ran: number[] = [];
    const jobs = new SerialJobs<number>({ maxWaitingJobs: 1, run: async (job) => void ran.push(job), onError: () => {} });
    jobs.add(1);
    await jobs.idle();
    jobs.add(2);
    await jobs.idle();
    expect(ran).toEqual([1, 2]);
  });

  it('keeps the bound also without an onDropped listener', async () => {
    const ran: number[] = [];
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const jobs = new SerialJobs<number>({
      maxWaitingJobs: 1,
      run: async (job) => {
        ran.push(job);
        await gate;
      },
      onError: () => {},
    });
    for (let job = 0; job < 5; job++) jobs.add(job); // the first runs; of the others only the newest waits
    release();
    await jobs.idle();
    expect(ran).toEqual([0, 4]);
  });
});
