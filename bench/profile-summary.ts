// The heaviest functions of a .cpuprofile by self time: `node dist/bench/profile-summary.js FILE [N]`.
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export function topSelfTime(file: string, n = 15): { fn: string; percent: number }[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const counts = new Map<string, number>();
  for (const id of profile.samples) {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${f.lineNumber + 1}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const total = profile.samples.length;
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, n).map(([fn, c]) => ({ fn, percent: Math.round((1000 * c) / total) / 10 }));
}

if (process.argv[1]?.endsWith('profile-summary.js')) {
  for (const { fn, percent } of topSelfTime(process.argv[2]!, Number(process.argv[3] ?? 15))) process.stdout.write(`${percent.toFixed(1).padStart(5)}%  ${fn}\n`);
}
