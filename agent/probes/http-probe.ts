// HTTP GET with an expected status (0: any 2xx). Only http:// URLs: the probe runs in
// the global zone against the zone's own service address.
import http from 'node:http';
import type { ProbeResult } from './probe-result.js';

export function httpProbe(url: string, expectStatus: number, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ healthy: false, detail: `not a URL: ${url}`, durationMs: 0 });
      return;
    }
    if (target.protocol !== 'http:') {
      resolve({ healthy: false, detail: `only http:// URLs are probed, not ${target.protocol}`, durationMs: 0 });
      return;
    }
    const req = http.get(target, { timeout: timeoutMs }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      const healthy = expectStatus === 0 ? code >= 200 && code < 300 : code === expectStatus;
      resolve({ healthy, detail: `GET ${url}: ${code}${healthy ? '' : ` (expected ${expectStatus || '2xx'})`}`, durationMs: elapsed() });
    });
    req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ healthy: false, detail: `GET ${url}: ${err.code ?? err.message}`, durationMs: elapsed() }));
  });
}
