// A process that owns a lab and then waits to be killed: the cleanup tests
// start it, read the line it prints ({"prefix":..,"pids":[..]}), and end it
// with a signal to see what its exit hooks, or stale cleanup, leave behind.
import { WedgeLab } from '../../apps/lab/src/index.ts';

const lab = await WedgeLab.start({ replicas: 4, accounts: 0 });
process.stdout.write(`${JSON.stringify({ prefix: lab.prefix, dir: lab.dir, pids: lab.replicas.map((node) => lab.pid(node.name)) })}\n`);
setInterval(() => undefined, 60_000);
