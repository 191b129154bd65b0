// Prints the functions with the most self time in a V8 CPU profile, e.g. one written by
// `npm run bench -- --profile DIR`:  npx tsx bench/profile-summary.ts [--top N] DIR/*.cpuprofile
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function summarize(path: string, top: number): string {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    const where = frame.url
      ? `${relative(process.cwd(), frame.url.replace('file://', ''))}:${frame.lineNumber + 1}`
      : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + delta);
    total += delta;
  });
  const rows = [...selfMicros.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = rows.map(([key, micros]) => `${((micros / total) * 100).toFixed(1).padStart(5)} %  ${key}`);
  return [`${path}: ${(total / 1e6).toFixed(1)} s sampled`, ...lines].join('\n');
}

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '25' } },
  allowPositionals: true,
});
if (positionals.length === 0) {
  process.stderr.write('usage: npx tsx bench/profile-summary.ts [--top N] FILE.cpuprofile...\n');
  process.exit(2);
}
for (const path of positionals) process.stdout.write(`${summarize(path, Number(values.top))}\n\n`);
