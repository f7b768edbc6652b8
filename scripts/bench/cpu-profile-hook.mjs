// Loaded with `node --import` (through NODE_OPTIONS, which refuses
// `--cpu-prof`): profiles the whole process with the inspector and writes a
// .cpuprofile file into $WEDGE_CPU_PROFILE_DIR when the process exits
// normally (process.exit, a SIGTERM handler that exits). The L2 benchmark
// uses it to profile member processes it starts through test/support.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.WEDGE_CPU_PROFILE_DIR;
if (dir !== undefined && dir !== '') {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // The in-thread inspector session answers synchronously, so the file is written before the process ends.
    session.post('Profiler.stop', (error, result) => {
      if (error === null && result !== undefined) writeFileSync(join(dir, `member-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
