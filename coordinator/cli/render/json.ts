// The --json forms: one JSON document on stdout per command (runs: one JSON line per
// progress event, so a script can follow them), and errors as {error: {code, message,
// details}} on stdout too, so a script reads one stream.
import type { TwinzoneError } from '../../../shared/errors/twinzone-error.js';

export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

export function jsonLine(value: unknown): string {
  return JSON.stringify(value) + '\n';
}

export function errorJson(err: TwinzoneError): string {
  return jsonText({ error: { code: err.code, message: err.message, hint: err.hint, details: err.details } });
}
