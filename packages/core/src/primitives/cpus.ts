import { ModelMisuseError } from '../faults.js';
import { SimObject, type ObjectWorld, type WeakHooks } from '../sim-object.js';
import { LazyStep, oneStep, yieldOf, type Access, type Step, type StepEffect, type StepSource, type Steps } from '../step.js';

/**
 * Where a CPU is: in the host with interrupts on or off, running a guest, or running an interrupt
 * handler (`in-irq`: hardirq context, interrupts off, between `irq_enter()` and `irq_exit()`).
 */
export type CpuState = 'host-irq-on' | 'host-irq-off' | 'in-guest' | 'in-irq';

/** Code an IPI runs on its target, atomically, when the target takes it. */
export type IpiHandler = (target: number) => void;

/** One sent IPI, to wait on. */
export interface IpiTicket {
  /** Every CPU the IPI was sent to. */
  readonly targets: readonly number[];
  /** Targets that have not taken it yet. */
  readonly pending: Set<number>;
}

/**
 * One CPU per thread. Interrupts and IPIs follow the kernel: an IPI is taken only where the target
 * has interrupts enabled; a CPU in a guest is kicked out (to host with interrupts off) and takes the
 * IPI when it re-enables interrupts; the sender can wait until every target has taken it
 * (`on_each_cpu(f, NULL, 1)`). A thread that has finished is an idle CPU with interrupts on.
 */
const IRQ_DISABLE = 0;
const IRQ_ENABLE = 1;
const ENTER_GUEST = 2;
const EXIT_GUEST = 3;
const IRQ_ENTER = 4;
const IRQ_EXIT = 5;
const CPU_LABELS = ['local_irq_disable()', 'local_irq_enable()', 'enter guest', 'exit guest', 'irq_enter()', 'irq_exit()'];

export class Cpu extends SimObject implements StepEffect, StepSource {
  /** The thread (CPU) this is. */
  declare readonly tid: number;
  declare readonly kind: string;
  /** Where the CPU is now. */
  declare state: CpuState;
  /** IPIs waiting for interrupts to be enabled. */
  private declare pendingIpis: Array<{ handler: IpiHandler | undefined; ticket: IpiTicket }> | null;
  /** Its six steps, made on first use (most runs never touch a CPU's interrupts). */
  private declare steps: IteratorYieldResult<Step>[] | null;

  constructor(world: ObjectWorld, tid: number) {
    super(world, cpuName(tid));
    // Assigned here rather than as class fields, whose initializer would be a separate call.
    this.tid = tid;
    this.kind = 'cpu';
    this.state = 'host-irq-on';
    this.pendingIpis = null;
    this.steps = null;
  }

  /** Back to how the world makes it, for a recycled world. @internal */
  reset(): this {
    this.state = 'host-irq-on';
    this.pendingIpis = null;
    return this;
  }

  private take(op: number): Steps {
    if (this.steps === null) {
      // The steps share the first one's footprint.
      const first = new LazyStep(this, IRQ_DISABLE);
      this.steps = [yieldOf(first), ...[IRQ_ENABLE, ENTER_GUEST, EXIT_GUEST, IRQ_ENTER, IRQ_EXIT].map((op) => yieldOf(new LazyStep(this, op, undefined, first)))];
    }
    return oneStep<void>(this.steps[op] as IteratorYieldResult<Step>, this, op);
  }

  /** @internal */
  stepLabel(op: number): string {
    return CPU_LABELS[op] as string;
  }

  /** @internal */
  stepAccesses(): readonly Access[] {
    return [{ obj: this, mode: 'write' }];
  }

  /** True while the CPU runs a guest. */
  get inGuest(): boolean {
    return this.state === 'in-guest';
  }

  /** Delivers or queues an IPI; called from the sender's step. */
  receive(handler: IpiHandler | undefined, ticket: IpiTicket): void {
    if (this.state === 'host-irq-on') {
      this.world.weak?.ipiTaken(this, this.tid);
      handler?.(this.tid);
      ticket.pending.delete(this.tid);
      return;
    }
    if (this.state === 'in-guest') this.state = 'host-irq-off'; // the kick: a guest exit
    (this.pendingIpis ??= []).push({ handler, ticket });
  }

  /** Turns interrupts on and takes every queued IPI. */
  enableInterrupts(): void {
    this.state = 'host-irq-on';
    const queued = this.pendingIpis;
    if (queued === null || queued.length === 0) return;
    this.pendingIpis = null;
    for (const { handler, ticket } of queued) {
      this.world.weak?.ipiTaken(this, this.tid);
      handler?.(this.tid);
      ticket.pending.delete(this.tid);
    }
  }

  /** One step: `local_irq_disable()` (and `hard_irq_disable()`). */
  irqDisable(): Steps {
    return this.take(IRQ_DISABLE);
  }

  /** One step: `local_irq_enable()`, taking queued IPIs. */
  irqEnable(): Steps {
    return this.take(IRQ_ENABLE);
  }

  /** One step: enter the guest (from the host with interrupts off). A pending IPI kicks it straight out. */
  enterGuest(): Steps {
    return this.take(ENTER_GUEST);
  }

  /** One step: leave the guest (a trap, or the kick already happened); interrupts stay off. */
  exitGuest(): Steps {
    return this.take(EXIT_GUEST);
  }

  /**
   * One step: `irq_enter()`, the start of an interrupt handler on this CPU (the thread plays the
   * handler: a timer callback, an IPI's function). Interrupts must be on, as a CPU takes an
   * interrupt only then; they stay off until `irqExit`. Locks taken meanwhile are taken in
   * interrupt context (lockdep's irq-safe usage).
   */
  irqEnter(): Steps {
    return this.take(IRQ_ENTER);
  }

  /** One step: `irq_exit()`, back from the handler with interrupts on, taking queued IPIs. */
  irqExit(): Steps {
    return this.take(IRQ_EXIT);
  }

  /** True while the CPU runs an interrupt handler. */
  get inInterrupt(): boolean {
    return this.state === 'in-irq';
  }

  /** @internal */
  stepEffect(op: number): undefined {
    switch (op) {
      case IRQ_DISABLE:
        this.own('local_irq_disable');
        if (this.state === 'in-guest') throw new ModelMisuseError(`${this.name}: local_irq_disable while in a guest`);
        if (this.state !== 'in-irq') this.state = 'host-irq-off'; // in a handler: local_irq_save() of flags already off
        return undefined;
      case IRQ_ENABLE:
        this.own('local_irq_enable');
        if (this.state === 'in-guest') throw new ModelMisuseError(`${this.name}: local_irq_enable while in a guest`);
        if (this.state !== 'in-irq') this.enableInterrupts(); // in a handler: local_irq_restore() of flags that were off
        return undefined;
      case IRQ_ENTER:
        this.own('irq_enter');
        if (this.state !== 'host-irq-on') throw new ModelMisuseError(`${this.name}: irq_enter with ${this.state === 'in-irq' ? 'an interrupt already running (nested interrupts are not modelled)' : `the CPU ${this.state} (an interrupt is taken only with interrupts on)`}`);
        this.state = 'in-irq';
        return undefined;
      case IRQ_EXIT:
        this.own('irq_exit');
        if (this.state !== 'in-irq') throw new ModelMisuseError(`${this.name}: irq_exit outside an interrupt handler`);
        this.enableInterrupts();
        return undefined;
      case ENTER_GUEST:
        this.own('enter guest');
        if (this.state !== 'host-irq-off') throw new ModelMisuseError(`${this.name}: guest entry needs interrupts off`);
        if (this.pendingIpis === null || this.pendingIpis.length === 0) this.state = 'in-guest';
        return undefined;
      default:
        this.own('exit guest');
        if (this.state === 'in-guest') this.state = 'host-irq-off';
        return undefined;
    }
  }

  private own(what: string): void {
    if (this.world.current !== this.tid) {
      throw new ModelMisuseError(`${what} on ${this.name} from CPU${this.world.current}`);
    }
  }

  describe(): string {
    return this.state;
  }
}

const CPU_NAMES: string[] = [];

/** `CPU<n>`, made once per n. */
function cpuName(tid: number): string {
  return (CPU_NAMES[tid] ??= `CPU${tid}`);
}

/** What IPI sending needs of the world: who runs now, and every thread's CPU (`World` has them). */
export interface CpusWorld {
  /** The thread whose step is running now. */
  readonly current: number;
  /** The run's weak memory, or null under sequential consistency. */
  readonly weak: WeakHooks | null;
  /** Ids of every thread of the run. */
  threadIds(): number[];
  /** The CPU of a thread. */
  cpu(tid: number): Cpu;
}

/** The set of CPUs of a run, with IPI sending. */
export class Cpus {
  constructor(private readonly world: CpusWorld) {}

  /** The CPU of a thread. */
  of(tid: number): Cpu {
    return this.world.cpu(tid);
  }

  /**
   * One step: send an IPI to `targets` (default: every other CPU), as `smp_call_function_many`.
   * Returns a ticket for `ipiWait`.
   */
  *sendIpi(handler?: IpiHandler, targets?: readonly number[]): Steps<IpiTicket> {
    const self = this.world.current;
    const to = (targets ?? this.world.threadIds()).filter((t) => t !== self);
    yield { label: `send IPI to ${to.map((t) => `CPU${t}`).join(',') || 'nobody'}`, accesses: to.map((t) => ({ obj: this.world.cpu(t), mode: 'write' as const })) };
    const ticket: IpiTicket = { targets: to, pending: new Set(to) };
    this.world.weak?.ipiSent(to.map((t) => this.world.cpu(t)));
    for (const t of to) this.world.cpu(t).receive(handler, ticket);
    return ticket;
  }

  /** One step, enabled once every target has taken the IPI. */
  *ipiWait(ticket: IpiTicket): Steps {
    const targets = ticket.targets;
    yield {
      label: `wait for IPI on ${targets.map((t) => `CPU${t}`).join(',') || 'nobody'}`,
      accesses: targets.map((t) => ({ obj: this.world.cpu(t), mode: 'read' as const })),
      enabled: () => ticket.pending.size === 0,
      waitsFor: () => [...ticket.pending],
    };
    this.world.weak?.ipiWaited(targets.map((t) => this.world.cpu(t)));
  }

  /** `on_each_cpu(handler, NULL, wait)`: send, and with `wait` block until all took it. Two steps. */
  *onEachCpu(handler?: IpiHandler, wait = true): Steps {
    const ticket = yield* this.sendIpi(handler);
    if (wait) yield* this.ipiWait(ticket);
  }
}
