import cliProgress from 'cli-progress';

export type Progress = { update: (done: number, total: number, label?: string) => void; stop: () => void };

/** A progress bar on stderr, so stdout stays clean for scripts; it draws only on a terminal. */
export function progressBar(task: string): Progress {
  const bar = new cliProgress.SingleBar(
    { format: `${task} [{bar}] {percentage}% | {value}/{total} rows | {label}`, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label = '') {
      if (!started) {
        bar.start(Math.max(total, 1), 0, { label });
        started = true;
      }
      bar.setTotal(Math.max(total, 1));
      bar.update(done, { label });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
