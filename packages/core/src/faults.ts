/**
 * Thrown inside a thread to end the run with a verdict. Model code raises these through the
 * thread API (`t.oops`, `t.warnOn`, `t.assert`, `t.gaveUp`), never by hand.
 */
export abstract class ThreadSignal extends Error {}

/** The model dereferenced something invalid (an unmapped khva, an out-of-bounds rev index): an oops. */
export class OopsSignal extends ThreadSignal {
  override readonly name = 'Oops';
}

/** A `WARN_ON` fired. */
export class WarnSignal extends ThreadSignal {
  override readonly name = 'Warn';
}

/** An inline assertion of the model failed: reported as a violation of that assertion. */
export class AssertSignal extends ThreadSignal {
  override readonly name = 'AssertionFailed';

  constructor(
    /** The assertion's name, reported as the broken invariant. */
    readonly invariant: string,
    message: string,
  ) {
    super(message);
  }
}

/** A bounded retry loop ran out: the thread stops, which is never a violation by itself. */
export class GaveUpSignal extends ThreadSignal {
  override readonly name = 'GaveUp';

  constructor(message: string) {
    // Thrown whenever a bounded loop runs out and caught by the run at once, which keeps only
    // the thread: a stack trace would never be read, and capturing it is most of a throw's cost.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/** The model used the core API wrongly (unlocking a lock it does not hold): a bug in the model. */
export class ModelMisuseError extends Error {
  override readonly name = 'ModelMisuse';
}

/**
 * The model is written wrongly in a way the engine sees while running it (an operation that is
 * not a generator, `yield` where `yield*` was meant, an invariant that returns neither a boolean
 * nor a message). Not a verdict: it ends the whole exploration, and the CLI says so (exit 2).
 */
export class ModelError extends Error {
  override readonly name = 'ModelError';
}

/**
 * An exploration that would cover nothing (no scenario to verify or hunt in): refused, because
 * "holds" over nothing would be a verdict about nothing.
 */
export class NothingCoveredError extends Error {
  override readonly name = 'NothingCoveredError';
}
