// Private keys on disk: written mode 600 from the first byte (never chmod'ed down after
// a window in which others could read them), and refused when group or others can read
// or write them, as ssh does with its keys.
import fs from 'node:fs';
import { writeFileDurable } from '../fs/atomic-file.js';

export class KeyFileError extends Error {}

export function writePrivateKey(file: string, pem: string): void {
  writeFileDurable(file, pem, 0o600);
  // The umask cannot widen 600, but an existing file's mode survives rename only if it
  // is the same inode; be explicit.
  fs.chmodSync(file, 0o600);
}

/** The key's bytes, or a one-line reason why it must not be used. */
export function readPrivateKey(file: string): Buffer {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    throw new KeyFileError(`cannot read the private key ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const mode = st.mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new KeyFileError(`the private key ${file} is readable or writable by group or others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 600 ${file}`);
  }
  return fs.readFileSync(file);
}
