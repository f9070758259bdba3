// The three environment variables that make a simulated command act as one host of a lab.
import path from 'node:path';

export interface SimEnv {
  /** This host's root directory: every absolute Solaris path is resolved under it. */
  readonly root: string;
  /** The lab directory every simulated host shares (SAN, replication, observer log). */
  readonly lab: string;
  /** The host name this command runs as. */
  readonly host: string;
}

export class SimEnvError extends Error {}

export function simEnvFrom(env: NodeJS.ProcessEnv = process.env): SimEnv {
  const missing = ['SOLSIM_ROOT', 'SOLSIM_LAB', 'SOLSIM_HOST'].filter((k) => !env[k]);
  if (missing.length > 0) {
    throw new SimEnvError(
      `solsim: ${missing.join(', ')} not set; run \`npm run lab -- env LABDIR HOST\` and eval its output`,
    );
  }
  return {
    root: path.resolve(env.SOLSIM_ROOT!),
    lab: path.resolve(env.SOLSIM_LAB!),
    host: env.SOLSIM_HOST!,
  };
}

/** Maps an absolute Solaris path (e.g. /zones/web01) to the real path under the host root. */
export function hostPath(env: Pick<SimEnv, 'root'>, solarisPath: string): string {
  if (!solarisPath.startsWith('/')) {
    throw new SimEnvError(`solsim: not an absolute path: ${solarisPath}`);
  }
  return path.join(env.root, path.posix.normalize(solarisPath));
}

/** The simulator's own bookkeeping for a host lives here, out of the way of Solaris paths. */
export function simStateDir(env: Pick<SimEnv, 'root'>): string {
  return path.join(env.root, 'etc', 'solsim');
}

/** Volatile ("kernel") state: wiped by a host crash. */
export function runtimeDir(env: Pick<SimEnv, 'root'>): string {
  return path.join(env.root, 'var', 'run', 'solsim');
}
