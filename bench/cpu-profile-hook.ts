// Preloaded into daemons started for profiling (NODE_OPTIONS="--import
// dist/bench/cpu-profile-hook.js"; node refuses --cpu-prof there): starts the V8 CPU
// profiler at once and writes BENCH_PROFILE_DIR/<pid>.cpuprofile on SIGUSR2, so a
// daemon is profiled over exactly the window the bench chooses.
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector';

const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start'));
  process.on('SIGUSR2', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) fs.writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
