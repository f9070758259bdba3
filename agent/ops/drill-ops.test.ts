import { describe, expect, it } from 'vitest';
import { isTwinzoneError } from '../../shared/errors/twinzone-error.js';
import { assertDrillNames, type DrillRequest } from './drill-ops.js';

const request: DrillRequest = {
  verb: 'import-clone', zone: 'db01-drill', sourceZone: 'db01', rdfGroup: 'dbdg', diskGroup: 'dbdg', cloneGroup: 'dbdg_drill',
  volumes: [{ name: 'datavol', fstype: 'vxfs', mountPoint: '/drill/db01-drill/data/db01' }], zonepath: '/zones/db01-drill',
  address: '10.20.0.31/24', physical: '', fsRemaps: [], forceAttach: false, protectedZones: ['db01', 'web01'], protectedGroups: ['dbdg', 'webdg'],
};

function refusal(req: DrillRequest): string {
  try {
    assertDrillNames(req);
  } catch (err) {
    if (isTwinzoneError(err)) return `${err.code}: ${err.message}`;
    throw err;
  }
  return 'accepted';
}

describe('assertDrillNames (the agent never acts on production names)', () => {
  it('accepts a drill of its own names', () => {
    expect(refusal(request)).toBe('accepted');
  });
  it('refuses a drill zone that is the source or any protected zone', () => {
    expect(refusal({ ...request, zone: 'db01' })).toMatch(/^PRECONDITION_FAILED: drill zone db01 is a configured production zone/);
    expect(refusal({ ...request, zone: 'web01' })).toMatch(/^PRECONDITION_FAILED: drill zone web01/);
  });
  it('refuses a clone group that is the production group or any protected group', () => {
    expect(refusal({ ...request, cloneGroup: 'dbdg' })).toMatch(/^PRECONDITION_FAILED: drill disk group dbdg is a production disk group/);
    expect(refusal({ ...request, cloneGroup: 'webdg' })).toMatch(/^PRECONDITION_FAILED: drill disk group webdg/);
  });
  it('refuses names that could not reach an argv safely', () => {
    expect(refusal({ ...request, cloneGroup: '-x' })).toMatch(/^INVALID_ARGUMENT/);
    expect(refusal({ ...request, zonepath: 'zones/x' })).toMatch(/^INVALID_ARGUMENT/);
    expect(refusal({ ...request, zone: 'bad zone' })).toMatch(/^INVALID_ARGUMENT/);
  });
});
