import { connections } from './connections.ts';
import { fanIn } from './fan-in.ts';
import { fanOut } from './fan-out.ts';
import { latency } from './latency.ts';
import { qos1 } from './qos1.ts';
import { retained } from './retained.ts';
import type { Scenario } from './scenario.ts';

/** In the order of the table. */
export const allScenarios: readonly Scenario[] = [fanIn, fanOut, qos1, latency, connections, retained];
