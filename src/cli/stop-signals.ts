// SIGTERM and SIGINT for `mcpq daemon`, caught from the command's first moment. Node's
// default answer (exit 143 at once) would orphan running jobs and skip the orderly
// stop, so no signal may reach the process before these handlers are in place: a
// signal that comes before there is a daemon to stop is remembered, and passed on to
// the handler as soon as one is attached.
export type StopHandler = (signal: NodeJS.Signals, count: number) => void;

export interface StopSignals {
  // How many stop signals came so far (0: none).
  readonly count: number;
  // Called for each stop signal from now on, and at once for any that came before.
  onStop(handler: StopHandler): void;
}

export function catchStopSignals(): StopSignals {
  const received: NodeJS.Signals[] = [];
  let handler: StopHandler | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    received.push(signal);
    handler?.(signal, received.length);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', () => undefined); // a closed terminal is not a reason to drop jobs
  return {
    get count() {
      return received.length;
    },
    onStop(next) {
      handler = next;
      received.forEach((signal, n) => next(signal, n + 1));
    },
  };
}
