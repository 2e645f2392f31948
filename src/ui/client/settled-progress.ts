// Progress reported through a comlink proxy travels on the proxy's own message port, the call's result on the
// worker's: the browser does not order messages across ports, so a progress report sent just before the result can
// arrive after it. A view that sets "running" on each report would then overwrite "done" and spin for ever.

/** Wraps a progress listener so that reports arriving after `settle()` (the call's end) are dropped. */
export function progressUntilSettled<P>(listener: (progress: P) => void): {
  onProgress: (progress: P) => void;
  settle: () => void;
} {
  let settled = false;
  return {
    onProgress: (progress) => {
      if (!settled) listener(progress);
    },
    settle: () => {
      settled = true;
    },
  };
}
