// This module is browser compatible.

/**
 * One problem found in a webhooks configuration, named by its path.
 *
 * @example Reading the problems of a configuration
 * ```ts
 * import { ConfigError, parseConfig } from "@servo/webhooks";
 *
 * try {
 *   parseConfig("webhooks:\n  - url: ftp://example.com\n");
 * } catch (error) {
 *   if (error instanceof ConfigError) {
 *     for (const issue of error.issues) console.log(`${issue.path}: ${issue.message}`);
 *   }
 * }
 * ```
 */
export interface ConfigIssue {
  /** Where the problem is, as `webhooks[1].events[0]`; empty for the document itself. */
  readonly path: string;
  /** What is wrong and what to do about it. Never contains a secret. */
  readonly message: string;
  /** The 1-based YAML line of the problem, where it is known. */
  readonly line?: number;
  /** The 1-based YAML column of the problem, where it is known. */
  readonly column?: number;
}

/** Formats one issue as `path: message (line L, column C)`. */
function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined
    ? ""
    : ` (line ${issue.line}${issue.column === undefined ? "" : `, column ${issue.column}`})`;
  return issue.path === "" ? `${issue.message}${where}` : `${issue.path}: ${issue.message}${where}`;
}

/**
 * Thrown by {@linkcode parseConfig} and {@linkcode validateConfig} when a configuration is
 * invalid. It lists every problem found, each as `path: message`.
 *
 * @example Catching a configuration error
 * ```ts
 * import { ConfigError, validateConfig } from "@servo/webhooks";
 *
 * try {
 *   validateConfig({ webhooks: [{ events: "after:mesure", url: "https://example.com", secret: "s" }] });
 * } catch (error) {
 *   if (error instanceof ConfigError) console.log(error.message);
 * }
 * ```
 */
export class ConfigError extends Error {
  /** Every problem found: in document order from {@linkcode parseConfig}. */
  readonly issues: readonly ConfigIssue[];

  /**
   * Creates a configuration error from its issues.
   *
   * @param issues The problems found; at least one.
   */
  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map(formatIssue);
    super(
      lines.length === 1
        ? `Invalid webhooks configuration: ${lines[0]}`
        : `Invalid webhooks configuration (${lines.length} problems):\n  ${lines.join("\n  ")}`,
    );
    this.name = "ConfigError";
    this.issues = issues;
  }
}

/**
 * Options of {@linkcode EventCancelledError}.
 *
 * @example Saying who cancelled
 * ```ts
 * import { EventCancelledError, type EventCancelledErrorOptions } from "@servo/webhooks";
 *
 * const options: EventCancelledErrorOptions = { connector: "guard", event: "adjust" };
 * const error = new EventCancelledError("adjustments are frozen", options);
 * console.log(error.connector, error.event); // guard adjust
 * ```
 */
export interface EventCancelledErrorOptions {
  /** The connector whose before handler cancelled the event. */
  connector?: string;
  /** The webhook whose response cancelled the event, when a webhook did. */
  webhook?: string;
  /** The event that was cancelled, such as `measure`. */
  event?: string;
  /** The underlying cause, if any. */
  cause?: unknown;
}

/**
 * Cancels an event. Thrown by a before handler, it stops the dispatch: on and after handlers do
 * not run, and {@linkcode Servo.prototype.dispatch} rejects with this error, which then names the
 * connector (and webhook) that cancelled.
 *
 * @example Cancelling adjustments from a before handler
 * ```ts
 * import { EventCancelledError, Servo, servoEvents } from "@servo/webhooks";
 *
 * const servo = new Servo();
 * servo.addConnector("guard").before(servoEvents.adjust, () => {
 *   throw new EventCancelledError("adjustments are frozen");
 * });
 * ```
 */
export class EventCancelledError extends Error {
  /** Why the event was cancelled. */
  readonly reason: string;
  /** The connector that cancelled, once the servo has seen the error. */
  connector?: string;
  /** The webhook that cancelled, when the cancel came from a webhook response. */
  readonly webhook?: string;
  /** The cancelled event, once the servo has seen the error. */
  event?: string;

  /**
   * Creates a cancellation.
   *
   * @param reason Why the event is cancelled.
   * @param options Who cancelled, and the cause.
   */
  constructor(reason: string, options: EventCancelledErrorOptions = {}) {
    super(
      `Event cancelled${
        options.webhook === undefined ? "" : ` by webhook "${options.webhook}"`
      }: ${reason}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "EventCancelledError";
    this.reason = reason;
    if (options.connector !== undefined) this.connector = options.connector;
    if (options.webhook !== undefined) this.webhook = options.webhook;
    if (options.event !== undefined) this.event = options.event;
  }
}

/**
 * One problem found in event params or an event result.
 *
 * @example Listing the bad fields
 * ```ts
 * import { EventValidationError, servoEvents, type ValidationIssue } from "@servo/webhooks";
 *
 * try {
 *   servoEvents.measure.validateParams({ metrics: "throughput" });
 * } catch (error) {
 *   const issues: readonly ValidationIssue[] = error instanceof EventValidationError ? error.issues : [];
 *   for (const { path, message } of issues) console.log(`${path}: ${message}`);
 * }
 * ```
 */
export interface ValidationIssue {
  /** Where the problem is, as `control.duration`; empty for the value itself. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
}

/**
 * Thrown when event params or an event result do not match the event's schema. The message
 * names the event, the field and the problem.
 *
 * @example Params that do not match
 * ```ts
 * import { EventValidationError, Servo, servoEvents } from "@servo/webhooks";
 *
 * try {
 *   await new Servo().dispatch(servoEvents.measure, {
 *     // @ts-expect-error: metrics must be a list of names
 *     metrics: "throughput",
 *   });
 * } catch (error) {
 *   if (error instanceof EventValidationError) console.log(error.message);
 * }
 * ```
 */
export class EventValidationError extends TypeError {
  /** Every problem found. */
  readonly issues: readonly ValidationIssue[];

  /**
   * Creates a validation error.
   *
   * @param what What was being validated, as `params of event "measure"`.
   * @param issues The problems found.
   */
  constructor(what: string, issues: readonly ValidationIssue[]) {
    const lines = issues.map((i) => (i.path === "" ? i.message : `${i.path}: ${i.message}`));
    super(`Invalid ${what}: ${lines.join("; ")}`);
    this.name = "EventValidationError";
    this.issues = issues;
  }
}

/**
 * Thrown when a webhooks connector is used after {@linkcode WebhooksConnector.prototype.close}:
 * dispatching an event it subscribes to, or triggering a webhook.
 *
 * @example Dispatch after close is refused
 * ```ts
 * import { ConnectorClosedError } from "@servo/webhooks";
 *
 * const error = new ConnectorClosedError("webhooks");
 * console.log(error.message);
 * ```
 */
export class ConnectorClosedError extends Error {
  /**
   * Creates the error.
   *
   * @param connector The name of the closed connector.
   */
  constructor(connector: string) {
    super(`Cannot deliver webhooks: connector "${connector}" is closed; create a new one`);
    this.name = "ConnectorClosedError";
  }
}
