// What differs between the platforms the agent runs on, detected once at start-up from
// the operating system itself (never chosen by a test). On Solaris pax writes xustar
// with extended attributes (-@) and extended system attributes (-/); Debian's pax has
// neither, so the lab writes sv4cpio (which keeps FIFOs and device nodes) and accepts
// -p only when reading (reference 5.1, 5.2).
import os from 'node:os';

export interface PlatformProfile {
  os: 'sunos' | 'linux';
  paxWriteArgs: string[];
  paxReadArgs: string[];
}

export function platformProfileFor(osName: string): PlatformProfile {
  if (osName === 'sunos') {
    return { os: 'sunos', paxWriteArgs: ['-w', '-@', '-/', '-x', 'xustar'], paxReadArgs: ['-r', '-p', 'e', '-@', '-/'] };
  }
  return { os: 'linux', paxWriteArgs: ['-w', '-x', 'sv4cpio'], paxReadArgs: ['-r', '-p', 'e'] };
}

export function detectPlatformProfile(): PlatformProfile {
  return platformProfileFor(os.platform());
}
