// A HealthView a test sets by hand (coordinator/health/health-view.ts): host health, last
// renewals and check states as the test says, and changes delivered to subscribers when
// the test emits them. For the automation unit tests; lab tests use the real monitor.
import type { CheckState, HealthChange, HealthView, HostHealth } from '../../coordinator/health/health-view.js';

export class FakeHealthView implements HealthView {
  private readonly hosts = new Map<string, { health: HostHealth; lastRenewalAtMs: number | null }>();
  private readonly states = new Map<string, CheckState>();
  private readonly listeners = new Set<(c: HealthChange) => void>();

  setHost(host: string, health: HostHealth, lastRenewalAtMs: number | null = null): this {
    this.hosts.set(host, { health, lastRenewalAtMs });
    return this;
  }

  /** Sets one check's latest state (failed: healthy false with the streak at the threshold). */
  setCheck(state: Partial<CheckState> & Pick<CheckState, 'zone' | 'host' | 'check' | 'healthy'>): this {
    const full: CheckState = { detail: state.healthy ? 'ok' : 'connection refused', streak: 3, failureThreshold: 3, atMs: 0, receivedAtMs: 0, ...state };
    this.states.set(`${full.zone}/${full.host}/${full.check}`, full);
    return this;
  }

  clearChecks(zone: string): this {
    for (const k of [...this.states.keys()]) if (k.startsWith(`${zone}/`)) this.states.delete(k);
    return this;
  }

  emit(change: HealthChange): void {
    for (const l of this.listeners) l(change);
  }

  checks(zone: string): CheckState[] {
    return [...this.states.values()].filter((c) => c.zone === zone);
  }

  zoneHealthy(zone: string, host: string): boolean | undefined {
    const mine = this.checks(zone).filter((c) => c.host === host);
    if (mine.length === 0) return undefined;
    return mine.every((c) => c.healthy || c.streak < c.failureThreshold);
  }

  hostHealth(host: string): HostHealth {
    return this.hosts.get(host)?.health ?? 'unknown';
  }

  lastRenewalAtMs(host: string): number | null {
    return this.hosts.get(host)?.lastRenewalAtMs ?? null;
  }

  subscribe(listener: (change: HealthChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
