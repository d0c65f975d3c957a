// Benchmarks create databases, temp dirs and server processes; an interrupted run (Ctrl-C, a
// crash) must still drop and stop them, so every owner registers its undo here as well.
const pending = new Set<() => Promise<void>>();

/** Registers an undo step; call the returned function to run it now (once) and forget it. */
export function deferCleanup(undo: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  const run = () => {
    pending.delete(run);
    return (done ??= undo());
  };
  pending.add(run);
  return run;
}

/** Runs every undo step still pending (newest first), reporting but not stopping on failures. */
export async function cleanUpEverything(log: (line: string) => void): Promise<void> {
  for (const run of [...pending].reverse()) {
    await run().catch((error: unknown) => log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`));
  }
}
