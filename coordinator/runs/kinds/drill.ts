// DR drill (DESIGN "Drill (test failover)", README "DR drill"): a copy of the zone booted
// at the DR site from a point-in-time clone of the replica, under its own zone name and
// network address, checked with the zone's health checks, reported, and taken apart —
// while production runs on and keeps replicating. What the plan never contains: a lease
// step (the production lease is neither taken nor its epoch raised), an SRDF control
// verb (a split would suspend production's replication; TimeFinder/Clone leaves the
// pairs alone), or a step naming a production zone or disk group on any host.
//
// The cleanup plan (`twinzone drill --cleanup`) is made from run_artifacts alone: the
// drill recorded each thing before making it, with the whole DrillSpec, so what is left
// after --keep or a crash at any point is taken apart in the reverse order of making.
import path from 'node:path';
import { TwinzoneError } from '../../../shared/errors/twinzone-error.js';
import { describeZoneNameProblem, zoneNameProblem } from '../../../shared/validate/zone-name.js';
import type { Inventory } from '../../inventory/inventory-schema.js';
import { ArtifactKind, type Artifact } from '../../store/artifact-store.js';
import { DRILL_ARTIFACT_KINDS } from '../drill-steps.js';
import type { DrillSpec } from '../drill-spec.js';
import { draft, numberSteps, RunKind, type RunPlan, type StepDraft } from '../run-plan.js';
import { StepName } from '../step-catalog.js';
import { findZone } from './move-targets.js';

export interface DrillOptions {
  site: string;
  /** The drill zone's name; default the inventory's drill.name, else <zone>-drill. */
  name?: string;
  /** Leave the drill running (twinzone drill --cleanup takes it apart later). */
  keep: boolean;
  /** The production lease holder, if any: whose accepted attach deltas the drill copy may be forced over. */
  holder: string | null;
  /** Drill artifacts of the zone still live in run_artifacts. */
  leftBehind: readonly Artifact[];
}

/** How long the drill copy gets to pass its checks (a loaded machine boots slowly). */
export const DRILL_CHECKS_TIMEOUT_MS = 120_000;

function refuse(message: string, fields: Record<string, string>, code: 'PRECONDITION_FAILED' | 'INVALID_ARGUMENT' = 'PRECONDITION_FAILED'): TwinzoneError {
  return new TwinzoneError(code, message, { fields });
}

export function drillArtifacts(artifacts: readonly Artifact[]): Artifact[] {
  return artifacts.filter((a) => DRILL_ARTIFACT_KINDS.includes(a.kind));
}

/** Everything the drill's steps need, from the inventory (refusing what cannot be drilled). */
export function drillSpecFor(inventory: Inventory, zoneName: string, o: Pick<DrillOptions, 'site' | 'name' | 'holder'>): DrillSpec {
  const zone = findZone(inventory, zoneName);
  if (!inventory.sites.some((s) => s.name === o.site)) {
    throw refuse(`site ${o.site} is not in the inventory; its sites are ${inventory.sites.map((s) => s.name).join(', ')}`, { field: 'site' }, 'INVALID_ARGUMENT');
  }
  if (!zone.drill) {
    throw refuse(
      `${zone.name} has no drill address in the inventory; add "drill: { address: ADDRESS/PREFIX }" (an address of the DR site's test network) to zone ${zone.name} in ${inventory.file}, then drill again`,
      { zone: zone.name, field: 'drill' },
    );
  }
  const siteOf = (host: string) => inventory.hosts.find((h) => h.name === host)?.site;
  const twin = zone.twins.find((t) => siteOf(t.host) === o.site && t.host !== o.holder);
  if (!twin) throw refuse(`${zone.name} has no twin in site ${o.site} to drill; its twins are ${zone.twins.map((t) => `${t.host} (${siteOf(t.host)})`).join(', ')}`, { zone: zone.name, field: 'site' }, 'INVALID_ARGUMENT');
  const group = inventory.storageGroups.find((g) => g.name === zone.storageGroup);
  if (!group || group.kind !== 'vxdg' || !group.replication || group.replication.r2Site !== o.site) {
    throw refuse(
      `${zone.name}'s storage group ${zone.storageGroup} is not a Veritas disk group replicated by SRDF to ${o.site}; a drill clones the SRDF replica (TimeFinder/Clone) at the DR site`,
      { zone: zone.name, group: zone.storageGroup },
    );
  }
  const drillZone = o.name || zone.drill.name || `${zone.name}-drill`;
  const problem = zoneNameProblem(drillZone);
  if (problem) throw refuse(describeZoneNameProblem(drillZone, problem), { field: 'name' }, 'INVALID_ARGUMENT');
  if (inventory.zones.some((z) => z.name === drillZone)) {
    throw refuse(`the drill zone name ${drillZone} is a configured zone; a drill runs under a name of its own (--name NAME)`, { field: 'name' }, 'INVALID_ARGUMENT');
  }
  const cloneGroup = `${group.name}_drill`;
  if (inventory.storageGroups.some((g) => g.name === cloneGroup)) {
    throw refuse(`the drill's disk group name ${cloneGroup} is a configured storage group; rename that group or the drill cannot import its clone`, { group: cloneGroup });
  }
  const ip = zone.drill.address.split('/')[0]!;
  const volumes = group.volumes.map((v) => ({ name: v.name, fstype: v.fstype, mountPoint: path.posix.join('/drill', drillZone, v.mountPoint) }));
  return {
    zone: zone.name,
    host: twin.host,
    site: o.site,
    drillZone,
    zonepath: path.posix.join(path.posix.dirname(zone.zonepath), drillZone),
    address: zone.drill.address,
    physical: zone.drill.interface ?? '',
    rdfGroup: group.replication.rdfGroup,
    diskGroup: group.name,
    cloneGroup,
    volumes,
    fsRemaps: group.volumes.map((v, i) => ({ from: v.mountPoint, to: volumes[i]!.mountPoint })),
    service: { ...zone.service, address: ip },
    // The zone's own checks, aimed at the copy: its address; zone state and zlogin name the drill zone.
    checks: zone.healthChecks.map((c) => (c.kind === 'tcp' ? { ...c, address: ip } : c)),
    checksTimeoutMs: DRILL_CHECKS_TIMEOUT_MS,
    deltasFrom: o.holder,
    protectedZones: inventory.zones.map((z) => z.name),
    protectedGroups: inventory.storageGroups.map((g) => g.name),
  };
}

const TAKE_APART: readonly StepName[] = [StepName.DrillHalt, StepName.DrillRemoveZone, StepName.DrillUnmount, StepName.DrillDeport, StepName.DrillTerminate];

function steps(d: DrillSpec, names: readonly StepName[]): StepDraft[] {
  // Epoch 'current' is only journalled: drill steps call the agent under the drill zone's own epoch 0.
  return names.map((name) => draft(d.zone, name, null, 'current', d as never));
}

export function planDrill(inventory: Inventory, zoneName: string, o: DrillOptions): RunPlan {
  const left = drillArtifacts(o.leftBehind);
  if (left.length > 0) {
    throw refuse(
      `a drill of ${zoneName} is already present (run ${left[0]!.runId}: ${left.map((a) => `${a.kind} ${a.name} on ${a.host}`).join(', ')}); remove it with twinzone drill --cleanup ${zoneName}`,
      { zone: zoneName },
    );
  }
  const d = drillSpecFor(inventory, zoneName, o);
  const make: StepName[] = [StepName.DrillPreflight, StepName.DrillClone, StepName.DrillImport, StepName.DrillMount, StepName.DrillCreateZone, StepName.DrillBoot, StepName.DrillChecks];
  return { kind: RunKind.Drill, zone: d.zone, source: null, target: d.host, steps: numberSteps(steps(d, o.keep ? make : [...make, ...TAKE_APART])) };
}

/** Which taking-apart steps a thing left behind needs. */
const UNDOES: Record<string, readonly StepName[]> = {
  [ArtifactKind.DrillZone]: [StepName.DrillHalt, StepName.DrillRemoveZone],
  [ArtifactKind.Mount]: [StepName.DrillUnmount],
  [ArtifactKind.Import]: [StepName.DrillDeport],
  [ArtifactKind.CloneSession]: [StepName.DrillTerminate],
};

/** The plan that takes apart what a drill of zoneName left behind (run_artifacts). */
export function planDrillCleanup(zoneName: string, leftBehind: readonly Artifact[]): RunPlan {
  const left = drillArtifacts(leftBehind);
  const d = left.map((a) => (a.details as { drill?: DrillSpec }).drill).find((x) => x !== undefined);
  if (!d) throw refuse(`no drill of ${zoneName} is left behind (nothing in run_artifacts); there is nothing to clean up`, { zone: zoneName });
  const needed = new Set(left.flatMap((a) => UNDOES[a.kind] ?? []));
  return { kind: RunKind.Drill, zone: d.zone, source: null, target: d.host, steps: numberSteps(steps(d, TAKE_APART.filter((s) => needed.has(s)))) };
}
