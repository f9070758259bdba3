import { describe, expect, it } from 'vitest';
import { isTwinzoneError } from '../../shared/errors/twinzone-error.js';
import {
  canRunTransition,
  canStepTransition,
  FINAL_RUN_STATES,
  FINAL_STEP_STATES,
  isFinalRunState,
  isRunState,
  isStepState,
  requireRunTransition,
  requireStepTransition,
  RUN_TRANSITIONS,
  RunState,
  STEP_TRANSITIONS,
  StepState,
} from './run-states.js';

function reachable<S extends string>(table: Readonly<Record<S, readonly S[]>>, from: S): Set<S> {
  const seen = new Set<S>([from]);
  const queue = [from];
  while (queue.length > 0) {
    for (const next of table[queue.shift()!]) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

describe('run states', () => {
  const all = Object.values(RunState);

  it('lists every state in the table, and only those', () => {
    expect(Object.keys(RUN_TRANSITIONS).sort()).toEqual([...all].sort());
    for (const targets of Object.values(RUN_TRANSITIONS)) for (const t of targets) expect(all).toContain(t);
  });

  it('the final states are exactly those with no way out (I4)', () => {
    expect([...FINAL_RUN_STATES].sort()).toEqual(all.filter((s) => RUN_TRANSITIONS[s].length === 0).sort());
    expect([...FINAL_RUN_STATES].sort()).toEqual(['failed', 'rollback_failed', 'rolled_back', 'succeeded']);
    for (const final of FINAL_RUN_STATES) for (const to of all) expect(canRunTransition(final, to), `${final} → ${to}`).toBe(false);
  });

  it('reaches every final state from pending, and a final state from every state', () => {
    const fromPending = reachable(RUN_TRANSITIONS, RunState.Pending);
    for (const final of FINAL_RUN_STATES) expect(fromPending.has(final), final).toBe(true);
    for (const s of all) expect([...reachable(RUN_TRANSITIONS, s)].some((r) => isFinalRunState(r)), s).toBe(true);
  });

  it('allows the sequencer paths of DESIGN and refuses shortcuts', () => {
    expect(canRunTransition('pending', 'running')).toBe(true);
    expect(canRunTransition('running', 'rolling_back')).toBe(true);
    expect(canRunTransition('rolling_back', 'rollback_failed')).toBe(true);
    expect(canRunTransition('running', 'blocked')).toBe(true);
    expect(canRunTransition('blocked', 'rolling_back')).toBe(true);
    expect(canRunTransition('pending', 'succeeded')).toBe(false);
    expect(canRunTransition('rolling_back', 'succeeded')).toBe(false);
    expect(canRunTransition('rolling_back', 'running')).toBe(false);
  });

  it('refuses an unlisted transition as a bug (INTERNAL)', () => {
    expect(() => requireRunTransition('r1', 'running', 'succeeded')).not.toThrow();
    let caught: unknown;
    try {
      requireRunTransition('r1', 'succeeded', 'running');
    } catch (err) {
      caught = err;
    }
    expect(isTwinzoneError(caught) && caught.code).toBe('INTERNAL');
  });

  it('recognises its strings (the store keeps plain strings)', () => {
    expect(isRunState('rolling_back')).toBe(true);
    expect(isRunState('done')).toBe(false);
  });
});

describe('step states', () => {
  const all = Object.values(StepState);

  it('lists every state, and the final ones have no way out', () => {
    expect(Object.keys(STEP_TRANSITIONS).sort()).toEqual([...all].sort());
    expect([...FINAL_STEP_STATES].sort()).toEqual(all.filter((s) => STEP_TRANSITIONS[s].length === 0).sort());
    for (const final of FINAL_STEP_STATES) for (const to of all) expect(canStepTransition(final, to)).toBe(false);
  });

  it('every final state is reachable from pending', () => {
    const fromPending = reachable(STEP_TRANSITIONS, StepState.Pending);
    for (const final of FINAL_STEP_STATES) expect(fromPending.has(final), final).toBe(true);
  });

  it('journals before acting: a step is started before it can succeed, fail or be undone', () => {
    expect(canStepTransition('pending', 'succeeded')).toBe(false);
    expect(canStepTransition('pending', 'undone')).toBe(false);
    expect(canStepTransition('started', 'undone')).toBe(false);
    expect(canStepTransition('pending', 'started')).toBe(true);
    expect(canStepTransition('succeeded', 'undone')).toBe(true);
    expect(canStepTransition('failed', 'started')).toBe(true);
    expect(() => requireStepTransition('op-1', 'undone', 'started')).toThrow(/may not go from undone to started/);
    expect(isStepState('undo_failed')).toBe(true);
  });
});
