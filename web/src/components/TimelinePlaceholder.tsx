/** Where activities will show once the activities capability lands. */
export function TimelinePlaceholder() {
  return (
    <section aria-labelledby="timeline-heading" className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-5">
      <h2 id="timeline-heading" className="text-sm font-semibold text-slate-900">
        Timeline
      </h2>
      <div className="mt-3 rounded-lg border border-dashed border-slate-300 px-4 py-6 text-center text-sm text-slate-500">
        Calls, emails and meetings will appear here.
      </div>
    </section>
  );
}
