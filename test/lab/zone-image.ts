// Lays out the files of a Solaris 8 zone root for the lab. Besides ordinary files it
// holds what makes archiving a zone non-trivial: a FIFO, a socket (which pax cannot
// archive: the "transient special files" of the runbook), a device node, set-id and
// sticky modes, foreign owners, old timestamps, hard and symbolic links.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface ZoneImageOptions {
  zone: string;
  /** Extra bytes in one large file, so archives have some weight (default 1 MiB). */
  largeFileBytes?: number;
}

const isRoot = process.getuid?.() === 0;

/** Deterministic filler so that two hosts' copies of an image are byte-identical. */
function filler(bytes: number, seed: number): Buffer {
  const buf = Buffer.alloc(bytes);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < bytes; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    buf[i] = x & 0xff;
  }
  return buf;
}

const OLD = new Date('2004-02-10T09:30:00Z');

/** Writes ROOT/REL (creating its directories) with MODE; returns the real path. */
export function writeTreeFile(root: string, rel: string, content: string | Buffer, mode = 0o644): string {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  fs.chmodSync(file, mode);
  return file;
}
const write = writeTreeFile;

export function buildZoneImage(rootDir: string, opts: ZoneImageOptions): void {
  fs.mkdirSync(rootDir, { recursive: true, mode: 0o755 });
  for (const dir of ['etc', 'sbin', 'usr/bin', 'usr/lib', 'opt/app/bin', 'var/adm', 'var/spool', 'var/run', 'export/home', 'dev', 'data']) {
    fs.mkdirSync(path.join(rootDir, dir), { recursive: true, mode: 0o755 });
  }
  write(rootDir, 'etc/release', '                       Solaris 8 2/04 s28s_hw4wos_05a SPARC\n           Copyright 2004 Sun Microsystems, Inc.  All Rights Reserved.\n');
  write(rootDir, 'etc/nodename', `${opts.zone}\n`);
  write(rootDir, 'etc/passwd', 'root:x:0:1:Super-User:/:/sbin/sh\nappuser:x:1001:1001:Application:/export/home/appuser:/bin/ksh\n');
  write(rootDir, 'etc/shadow', 'root:NP:6445::::::\nappuser:*LK*:::::::\n', 0o400);
  write(rootDir, 'etc/hosts', `127.0.0.1\tlocalhost\n::1\tlocalhost\n`);
  write(rootDir, 'etc/name with space.conf', 'operators do this\n');
  write(rootDir, 'usr/bin/ls', filler(40_000, 7), 0o555);
  write(rootDir, 'usr/bin/passwd', filler(20_000, 11), 0o4555); // set-uid root
  write(rootDir, 'usr/bin/write', filler(8_000, 13), 0o2555); // set-gid tty
  write(rootDir, 'opt/app/bin/server', '#!/bin/sh\nexec /opt/app/bin/appd "$@"\n', 0o755);
  write(rootDir, 'opt/app/lib/app.dat', filler(opts.largeFileBytes ?? 1 << 20, 17));
  write(rootDir, 'var/adm/messages', `Feb 10 09:30:00 ${opts.zone} genunix: [ID 540533 kern.notice] SunOS Release 5.8\n`);
  const locked = write(rootDir, 'var/adm/locked.dat', 'nobody may read this\n', 0o000);
  fs.utimesSync(path.join(rootDir, 'etc/release'), OLD, OLD);
  fs.utimesSync(path.join(rootDir, 'var/adm/messages'), OLD, OLD);
  fs.utimesSync(locked, OLD, OLD);

  // Sticky, world-writable temporary directories.
  for (const tmp of ['tmp', 'var/tmp']) {
    fs.mkdirSync(path.join(rootDir, tmp), { recursive: true });
    fs.chmodSync(path.join(rootDir, tmp), 0o1777);
  }
  fs.mkdirSync(path.join(rootDir, 'var/spool/private'), { recursive: true });
  fs.chmodSync(path.join(rootDir, 'var/spool/private'), 0o711);

  // Links.
  fs.linkSync(path.join(rootDir, 'usr/bin/ls'), path.join(rootDir, 'sbin/ls.hardlink'));
  fs.symlinkSync('../var/adm/messages', path.join(rootDir, 'etc/messages.link'));

  // A home directory owned by the application user (ownership needs root to set).
  const home = path.join(rootDir, 'export/home/appuser');
  fs.mkdirSync(home, { recursive: true });
  write(rootDir, 'export/home/appuser/.profile', 'PATH=/usr/bin:/opt/app/bin\nexport PATH\n', 0o600);
  fs.chmodSync(home, 0o750);
  if (isRoot) {
    fs.chownSync(home, 1001, 1001);
    fs.chownSync(path.join(home, '.profile'), 1001, 1001);
  }

  // Special files: a FIFO, a socket left behind by a dead daemon, a character device.
  execFileSync('mkfifo', ['-m', '0600', path.join(rootDir, 'var/spool/app.fifo')]);
  const sock = path.join(rootDir, 'var/run/app.sock');
  spawnSync(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(sock)}, () => process.kill(process.pid, 'SIGKILL'))`]);
  if (isRoot) execFileSync('mknod', ['-m', '0666', path.join(rootDir, 'dev/null'), 'c', '1', '3']);
}
