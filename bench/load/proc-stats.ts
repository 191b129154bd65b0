import { readFileSync } from 'node:fs';

// USER_HZ: the unit of /proc/<pid>/stat times; 100 on every Linux architecture Node supports.
const ticksPerSecond = 100;

/** User plus system CPU time of a whole process (all its threads), in seconds. */
export function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the line, 12th and 13th after the name.
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Resident set size in KiB (VmRSS of /proc/<pid>/status). */
export function readRssKib(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}
