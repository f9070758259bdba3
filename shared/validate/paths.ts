// Solaris paths arriving over the wire: absolute, normalised, of plain characters, and
// under one of the configured roots. Rejected before anything runs.
import path from 'node:path';
import { errors } from '../errors/twinzone-error.js';

const PATH_CHARS = /^[A-Za-z0-9._,+=@:/-]+$/;
export const PATH_MAX = 1024;

export function pathProblem(p: string): string | null {
  if (p === '') return 'is empty';
  if (p.length > PATH_MAX) return `is longer than ${PATH_MAX} characters`;
  if (!p.startsWith('/')) return 'is not absolute';
  if (!PATH_CHARS.test(p)) return 'contains characters other than letters, digits and . _ , + = @ : / -';
  if (p.split('/').some((part) => part === '..' || part === '.')) return 'contains "." or ".." components';
  if (path.posix.normalize(p) !== p || (p.length > 1 && p.endsWith('/'))) return 'is not normalised (repeated or trailing "/")';
  return null;
}

export function isUnder(p: string, root: string): boolean {
  return root === '/' || p === root || p.startsWith(root + '/');
}

/** Throws INVALID_ARGUMENT naming the field unless p is a clean absolute path under a root. */
export function requirePath(field: string, p: string, roots: readonly string[] = ['/']): string {
  const problem = pathProblem(p);
  if (problem) throw errors.invalidArgument(`${field} ${JSON.stringify(p)} ${problem}`, { field });
  if (!roots.some((root) => isUnder(p, root))) {
    throw errors.invalidArgument(`${field} ${p} is outside the allowed roots (${roots.join(', ')})`, { field });
  }
  return p;
}
