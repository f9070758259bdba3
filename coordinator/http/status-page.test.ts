import { describe, expect, it } from 'vitest';
import { ZoneState } from '../../shared/gen/twinzone/v1/common.js';
import type { HistoryRun } from '../../shared/gen/twinzone/v1/control.js';
import { escapeHtml, renderStatusPage } from './status-page.js';

const NOW = Date.UTC(2026, 11, 7, 9, 0, 0);

function run(over: Partial<HistoryRun>): HistoryRun {
  return { runId: 'run-1', kind: 'switchover', zone: 'db01', state: 'succeeded', requestedBy: 'operator', createdAtMs: NOW - 60_000, finishedAtMs: NOW - 30_000, reason: '', steps: [], hooks: [], ...over };
}

const page = (runs: HistoryRun[], hostile = '') =>
  renderStatusPage({
    nowMs: NOW,
    inventoryFile: `/etc/twinzone/inventory.yaml${hostile}`,
    status: {
      zones: [
        {
          zone: 'db01',
          liveHost: 'hostB',
          lease: { holder: 'hostB', epoch: 7, state: 'held', expiresInMs: 12_000 },
          twins: [{ host: 'hostA', role: 'primary', state: ZoneState.ZONE_STATE_INSTALLED }, { host: 'hostB', role: 'bc', state: ZoneState.ZONE_STATE_RUNNING }],
          activeRun: '',
          probes: [
            { host: 'hostB', check: 'zone-state', healthy: true, detail: 'db01 is running', streak: 12, atMs: NOW - 400, ageMs: 300, failureThreshold: 3 },
            { host: 'hostB', check: 'tcp', healthy: false, detail: 'connect 127.0.0.1:8031: ECONNREFUSED', streak: 3, atMs: NOW - 400, ageMs: 300, failureThreshold: 3 },
          ],
          frozen: false, frozenReason: '', frozenBy: '',
        },
        { zone: 'web01', liveHost: 'hostA,hostB', lease: { holder: 'hostA', epoch: 3, state: 'held', expiresInMs: -2_000 }, twins: [{ host: 'hostC', role: 'dr', state: ZoneState.ZONE_STATE_UNSPECIFIED }], activeRun: 'run-2', probes: [], frozen: false, frozenReason: '', frozenBy: '' },
      ],
      hosts: [
        { host: 'hostA', site: 'dc1', address: '10.0.0.1:7420', reachable: true, confirmedDown: false, lastRenewalAgeMs: 1_500, health: 'ok' },
        { host: 'hostC', site: 'dc2', address: '10.0.0.3:7420', reachable: false, confirmedDown: true, lastRenewalAgeMs: 0, health: 'dead' },
      ],
    },
    runs,
  });

describe('the status page', () => {
  it('shows zones with live twin and lease, hosts with health, running and recent runs with steps', () => {
    const html = page([
      run({ runId: 'run-2', zone: 'web01', state: 'running', finishedAtMs: 0, steps: [{ index: 0, attempt: 1, name: 'preflight', host: 'hostB', status: 'succeeded', epoch: 3, opId: 'o', startedAtMs: NOW - 50_000, finishedAtMs: NOW - 49_000, commands: [], error: undefined }] }),
      run({}),
    ]);
    expect(html).toContain('<td>db01</td><td class="ok">hostB</td><td>hostB (held)</td><td>7</td><td>in 12.0 s</td>');
    expect(html).toContain('hostA <small>primary, installed</small><br>hostB <small>bc, running</small>');
    expect(html).toContain('<td class="bad">hostA,hostB (two live twins!)</td>');
    expect(html).toContain('expired 2.0 s ago');
    expect(html).toContain('hostC <small>dr, unknown</small>');
    expect(html).toContain('<td>hostA</td><td>dc1</td><td>10.0.0.1:7420</td><td class="ok">serving</td><td class="ok">ok</td><td>1.5 s ago</td>');
    expect(html).toContain('<td class="bad">confirmed down</td><td class="bad">dead</td><td>-</td>');
    expect(html).toContain('<span class="ok" title="db01 is running">zone-state ok</span> <small>hostB, 300 ms ago</small><br><span class="bad" title="connect 127.0.0.1:8031: ECONNREFUSED">tcp FAILED 3/3</span>');
    expect(html).toContain('<td class="bad">confirmed down</td>');
    const running = html.slice(html.indexOf('<div id="running">'), html.indexOf('<div id="recent">'));
    expect(running).toContain('data-run="run-2"');
    expect(running).toContain('<td>preflight</td><td>hostB</td><td class="ok">succeeded</td><td>1.0 s</td>');
    expect(html.slice(html.indexOf('<div id="recent">'))).toContain('data-run="run-1"');
    expect(html).not.toMatch(/<script/i);
  });

  it('escapes everything that comes from files, agents or the journal', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe('&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;');
    const html = page(
      [run({ reason: '<script>alert(1)</script>', steps: [{ index: 0, attempt: 1, name: 'boot-zone', host: 'hostB', status: 'failed', epoch: 1, opId: 'o', startedAtMs: 0, finishedAtMs: 0, commands: [], error: { code: 'COMMAND_FAILED', message: 'zoneadm: <b>bad</b> "quote"', hint: '', fields: {}, commands: [] } }] })],
      '"><script>x</script>',
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>bad</b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('zoneadm: &lt;b&gt;bad&lt;/b&gt; &quot;quote&quot;');
  });

  it('says when there is nothing to show', () => {
    const html = renderStatusPage({ nowMs: NOW, inventoryFile: '/i.yaml', status: { zones: [], hosts: [] }, runs: [] });
    expect(html).toContain('<p id="zones" class="empty">no zones in the inventory</p>');
    expect(html).toContain('<div id="running"><p class="empty">none</p></div>');
  });
});
