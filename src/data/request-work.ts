/**
 * What one request may do and has done: its deadline, checked by resolvers, loaders and the store's long
 * scans (a timer cannot interrupt synchronous work, so the work itself must look at the clock), the text
 * matches it already computed (100 parents with the same text filter scan the index once), and counters of
 * the index work done, which tests read to prove the work is bounded.
 */

/** Thrown by RequestWork.check once the deadline has passed; the execution-timeout plugin answers TIMEOUT. */
export class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
}

/** Calls to tick() between two looks at the clock: performance.now() costs more than the calls it guards. */
const TICKS_PER_CHECK = 64;
/** A request that has run this long without a break lets the event loop turn before its next batch load. */
const YIELD_AFTER_MS = 10;

export class RequestWork {
  /** performance.now() after which the work stops; Infinity until the execution starts its clock. */
  private deadline = Number.POSITIVE_INFINITY;
  private ticksLeft = TICKS_PER_CHECK;
  /** Once true, every later check throws at once: the request is over, whatever still runs of it stops. */
  expired = false;
  /** Text-filter matches by query text: article slugs, computed once per request (see MemoryStore). */
  readonly textMatches = new Map<string, ReadonlySet<string>>();
  /**
   * Index work done by this request (for tests and diagnostics): text matches run, indexed words looked at as
   * possible prefix matches, words whose postings were scanned, and postings scanned.
   */
  readonly counts = { textScans: 0, termsExamined: 0, termsScanned: 0, postingsScanned: 0 };

  /** When the event loop last had a turn during this request's execution. */
  private lastBreak = performance.now();

  /** Starts the clock: the work must end within `ms` from now. */
  startDeadline(ms: number): void {
    this.lastBreak = performance.now();
    this.deadline = this.lastBreak + ms;
  }

  /** The batch loads scheduled since the last dispatch: they are dispatched together (see scheduleBatch). */
  private wave: (() => void)[] | null = null;

  /**
   * Where the request's DataLoaders dispatch their batches (DataLoader's batchScheduleFn). As DataLoader does by
   * default, every batch scheduled while the current promise jobs run is dispatched once they are done, all
   * together (a wave); but when the request has run YIELD_AFTER_MS without a break, the whole wave waits for the
   * event loop's next turn first (health checks, other requests). Deciding per wave, once its membership is
   * final, keeps the batches exactly as they would be without the break: a request makes the same data-access
   * calls however loaded the machine is.
   */
  scheduleBatch(dispatch: () => void): void {
    if (this.wave) {
      this.wave.push(dispatch);
      return;
    }
    const wave = [dispatch];
    this.wave = wave;
    const run = () => {
      for (const next of wave) next();
    };
    void Promise.resolve().then(() =>
      process.nextTick(() => {
        this.wave = null;
        if (performance.now() - this.lastBreak <= YIELD_AFTER_MS) return run();
        setImmediate(() => {
          this.lastBreak = performance.now();
          run();
        });
      }),
    );
  }

  /** Marks the request as over (its timer fired): the next check throws. */
  expire(): void {
    this.expired = true;
    this.ticksLeft = 0;
  }

  /** A cheap check for a small unit of work (a field, a loop step): looks at the clock every few calls. */
  tick(): void {
    if (--this.ticksLeft <= 0) this.check();
  }

  /** Throws DeadlineExceededError when the deadline has passed (call before or inside a long piece of work). */
  check(): void {
    this.ticksLeft = TICKS_PER_CHECK;
    if (this.expired || performance.now() > this.deadline) {
      this.expire();
      throw new DeadlineExceededError('the request ran past its deadline');
    }
  }
}
