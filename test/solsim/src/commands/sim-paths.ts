// Files named on a simulated command line (zonecfg -f, export -f, zoneadm attach -n):
// a Solaris path means the simulated host's file when that exists under the host root;
// otherwise the path is taken as the test machine's own, because agents and tests write
// command files and manifests into ordinary temporary directories.
import fs from 'node:fs';
import path from 'node:path';
import { hostPath, type SimEnv } from '../env.js';

export function resolveReadPath(env: Pick<SimEnv, 'root'>, p: string): string {
  if (p.startsWith('/') && fs.existsSync(hostPath(env, p))) return hostPath(env, p);
  return p;
}

export function resolveWritePath(env: Pick<SimEnv, 'root'>, p: string): string {
  if (!p.startsWith('/')) return p;
  const inHost = hostPath(env, p);
  if (fs.existsSync(path.dirname(inHost)) && !fs.existsSync(path.dirname(p))) return inHost;
  return fs.existsSync(inHost) ? inHost : p;
}

export function errnoText(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'No such file or directory';
    case 'EACCES':
      return 'Permission denied';
    case 'EISDIR':
      return 'Is a directory';
    case 'ENOTDIR':
      return 'Not a directory';
    default:
      return (err as Error).message;
  }
}
