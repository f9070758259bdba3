// The application inside a simulated zone: started by zoneadm boot, it listens on the
// zone's service port so probes have something real to reach — on 127.0.0.1, or on the
// zone's own net address when that is a loopback one (127/8: a DR drill's copy runs
// beside production on the same machine under its own address) — and appends
// numbered, fsynced records to its data volume so that lost or duplicated data is
// countable (invariant I5). Each record line is "<seq> <host> <zone> <epochMs>".
//
// Writes go through the storage fencing check first: once another host has preempted
// this host's reservation key, the "disk" refuses writes and the application dies with
// an I/O error, as a real one would on a SCSI reservation conflict.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { simEnvFrom } from '../env.js';
import { observe } from '../observer.js';
import { storageOfPath, writeRefusal } from '../state/fencing.js';
import { readZoneConfig } from '../state/zone-config.js';
import { listenAddress, readAppConfig, recordFilePath } from './app-control.js';


export function lastRecordSeq(content: string): number {
  const lines = content.split('\n').filter((l) => l.trim() !== '');
  const last = lines[lines.length - 1];
  if (!last) return 0;
  const seq = Number(last.split(' ')[0]);
  return Number.isInteger(seq) ? seq : 0;
}

function main(): void {
  const [zone, zonepath] = process.argv.slice(2);
  if (!zone || !zonepath) {
    process.stderr.write('usage: zone-app ZONE ZONEPATH\n');
    process.exit(2);
  }
  const env = simEnvFrom();
  const config = readAppConfig(env, zonepath);
  if (!config) process.exit(0);
  const file = recordFilePath(env, zonepath, config);
  const say = (event: Parameters<typeof observe>[2]) => observe(env.lab, env.host, event);

  if (!fs.existsSync(path.dirname(file))) {
    say({ type: 'note', text: `app ${zone}: data directory ${config.dataDir} missing; not started` });
    process.exit(1);
  }
  let seq = fs.existsSync(file) ? lastRecordSeq(fs.readFileSync(file, 'utf8')) : 0;
  const storage = storageOfPath(env, path.dirname(file));
  // Which copy of the data this run writes: "site/group" on SAN storage.
  const dataId = storage ? `${storage.site}/${storage.group}` : `${env.host}:local`;
  say({ type: 'app.start', zone, port: config.port, dataFile: file, dataId, resumeSeq: seq });

  // Only GET / is the service; anything else is 404, so a probe of the wrong URL or
  // method fails as it would against a real application.
  const address = listenAddress(readZoneConfig(env, zone)?.net[0]?.address);
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || new URL(req.url ?? '/', 'http://localhost').pathname !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ zone, host: env.host, seq }) + '\n');
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    // Two live twins fight over the address; keep writing so the damage stays visible.
    say({ type: 'note', text: `app ${zone}: cannot listen on ${address}:${config.port}: ${err.code}` });
  });
  server.listen(config.port, address);

  const fd = fs.openSync(file, 'a');
  const stop = (reason: string, code: number) => {
    clearInterval(timer);
    say({ type: 'app.stop', zone, dataId, lastSeq: seq, reason });
    fs.closeSync(fd);
    server.close();
    process.exit(code);
  };
  const timer = setInterval(() => {
    const refusal = writeRefusal(env, file);
    if (refusal) {
      say({ type: 'write.refused', zone, group: storage?.group ?? '-', site: storage?.site ?? '-', reason: refusal });
      stop(`write failed: I/O error (${refusal})`, 5);
      return;
    }
    seq += 1;
    fs.writeSync(fd, `${seq} ${env.host} ${zone} ${Date.now()}\n`);
    fs.fsyncSync(fd);
  }, config.intervalMs);
  process.on('SIGTERM', () => stop('stopped', 0));
}

main();
