/** The line a broker child prints on stdout once it accepts connections. */
export const readyPrefix = 'bench-broker-port=';

export function announceReady(port: number): void {
  process.stdout.write(`${readyPrefix}${port}\n`);
}

/** `process.exit` rather than the default signal death, so that `--cpu-prof` still writes its profile. */
export function exitOnTerminate(cleanup?: () => void): void {
  process.once('SIGTERM', () => {
    cleanup?.();
    process.exit(0);
  });
}
