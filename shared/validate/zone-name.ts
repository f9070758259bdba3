// Solaris zone name rules (zonecfg HELP_SYNTAX, libzonecfg zonecfg_validate_zonename):
// [A-Za-z0-9][A-Za-z0-9_.-]*, at most 63 characters, not "global", not starting with SUNW.
// Validated once at the edge so nothing malformed reaches a command line.

const ZONE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const ZONE_NAME_MAX = 63;

export type ZoneNameProblem = 'empty' | 'too-long' | 'bad-characters' | 'reserved-global' | 'reserved-sunw';

export function zoneNameProblem(name: string): ZoneNameProblem | null {
  if (name.length === 0) return 'empty';
  if (name.length > ZONE_NAME_MAX) return 'too-long';
  if (!ZONE_NAME.test(name)) return 'bad-characters';
  if (name === 'global') return 'reserved-global';
  if (name.startsWith('SUNW')) return 'reserved-sunw';
  return null;
}

const EXPLANATIONS: Record<ZoneNameProblem, string> = {
  empty: 'a zone name cannot be empty',
  'too-long': `a zone name has at most ${ZONE_NAME_MAX} characters`,
  'bad-characters': 'a zone name starts with a letter or digit and contains only letters, digits, "_", "." and "-"',
  'reserved-global': '"global" is the global zone, not a zone twinzone can manage',
  'reserved-sunw': 'names starting with SUNW are reserved for Solaris templates',
};

export function describeZoneNameProblem(name: string, problem: ZoneNameProblem): string {
  return `invalid zone name ${JSON.stringify(name)}: ${EXPLANATIONS[problem]}`;
}
