import { describe, expect, it } from 'vitest';
import { fixture, spawnCli } from './spawn-cli.js';

// Issue 22 item 3 through the CLI: `--lock-order` on verify and hunt reports a lock-order cycle as
// a possible deadlock (exit 1) although no execution deadlocked; the consistent order, and every
// KVM model's upstream variant, report none.

const model = fixture('lock-order-inversion.ts');
const CHAINS =
  'possible deadlock: kvm->lock then kvm->mmu_lock in kvm_set_memory_region() on CPU0 (set-memory) ... kvm->mmu_lock then kvm->lock in kvm_mmu_invalidate() on CPU0 (invalidate)';

describe('--lock-order', () => {
  it('verify reports the inversion of the buggy variant, exit 1, while its verdict holds', async () => {
    const r = await spawnCli(['verify', '--model', model, '--variant', 'buggy', '--lock-order']);
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/^holds: fx-lock-order \(buggy\)/);
    expect(r.out).toContain(CHAINS);
  });

  it('verify --json carries the lockOrder section with both chains', async () => {
    const r = await spawnCli(['verify', '--model', model, '--variant', 'buggy', '--lock-order', '--json']);
    expect(r.code, r.err).toBe(1);
    const j = JSON.parse(r.out) as { verdict: string; lockOrder: { dependencies: unknown[]; possibleDeadlocks: Array<{ locks: string[]; message: string; chains: Array<{ held: string; taken: string; takenIn: string; cpu: number }> }> } };
    expect(j.verdict).toBe('holds');
    expect(j.lockOrder.dependencies).toHaveLength(2);
    expect(j.lockOrder.possibleDeadlocks).toHaveLength(1);
    expect(j.lockOrder.possibleDeadlocks[0]?.message).toBe(CHAINS);
    expect(j.lockOrder.possibleDeadlocks[0]?.chains.map((c) => `${c.held}>${c.taken} ${c.takenIn} CPU${c.cpu}`)).toEqual([
      'kvm->lock>kvm->mmu_lock kvm_set_memory_region CPU0',
      'kvm->mmu_lock>kvm->lock kvm_mmu_invalidate CPU0',
    ]);
  });

  it('the consistent order (upstream) reports no cycle and exits 0; without the flag nothing is recorded', async () => {
    const [fixed, unasked] = await Promise.all([
      spawnCli(['verify', '--model', model, '--lock-order']),
      spawnCli(['verify', '--model', model, '--variant', 'buggy', '--json']),
    ]);
    expect(fixed.code, fixed.err).toBe(0);
    expect(fixed.out).toContain('lock order: 1 dependency seen (a lock taken while another was held), no cycle');
    expect(fixed.out).not.toContain('possible deadlock');
    expect(unasked.code, unasked.err).toBe(0);
    expect(JSON.parse(unasked.out)).not.toHaveProperty('lockOrder');
  });

  it.each([['random'], ['pct'], ['fast-check']])('hunt --strategy %s reports it too', async (strategy) => {
    const r = await spawnCli(['hunt', '--model', model, '--variant', 'buggy', '--strategy', strategy, '--runs', '30', '--lock-order']);
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/^no race found in fx-lock-order \(buggy\)/);
    expect(r.out).toContain(CHAINS);
  });

  it("no KVM model's upstream variant has a lock-order cycle", async () => {
    const models = ['pfncache', 'hpt-resize', 'change-pte', 'memslot-gen', 'radix-nested'];
    const runs = await Promise.all(models.map((m) => spawnCli(['verify', m, '--lock-order', '--json', '--workers', '1'], { timeoutMs: 120_000 })));
    runs.forEach((r, i) => {
      expect(r.code, `${models[i]}: ${r.err}`).toBe(0);
      const j = JSON.parse(r.out) as { verdict: string; lockOrder: { possibleDeadlocks: unknown[] } };
      expect(j.verdict).toBe('holds');
      expect(j.lockOrder.possibleDeadlocks).toEqual([]);
    });
  }, 180_000);

  it("lockdep's irq rule: a lock taken with interrupts on and in an interrupt handler, though no run deadlocks", async () => {
    const irq = fixture('lock-order-irq.ts');
    const [buggy, json, fixed] = await Promise.all([
      spawnCli(['verify', '--model', irq, '--variant', 'buggy', '--lock-order']),
      spawnCli(['verify', '--model', irq, '--variant', 'buggy', '--lock-order', '--json']),
      spawnCli(['verify', '--model', irq, '--lock-order']),
    ]);
    expect(buggy.code, buggy.err).toBe(1);
    expect(buggy.out).toMatch(/^holds: fx-lock-irq \(buggy\)/);
    expect(buggy.out).toContain(
      'possible deadlock: gpc->lock (write) in hva_to_pfn_retry() on CPU0 (refresh) with interrupts enabled ... gpc->lock (read) in kvm_xen_set_evtchn_fast() on CPU1 (timer) in interrupt context',
    );
    const j = JSON.parse(json.out) as { lockOrder: { possibleDeadlocks: unknown[]; irqDeadlocks: Array<{ lock: string; irqsOn: { takenIn: string }; inIrq: { takenIn: string } }> } };
    expect(j.lockOrder.possibleDeadlocks).toEqual([]);
    expect(j.lockOrder.irqDeadlocks.map((d) => [d.lock, d.irqsOn.takenIn, d.inIrq.takenIn])).toEqual([['gpc->lock', 'hva_to_pfn_retry', 'kvm_xen_set_evtchn_fast']]);
    expect(fixed.code, fixed.err).toBe(0);
    expect(fixed.out).toContain('no cycle; 1 lock taken in interrupt context, none also with interrupts enabled');
  });
});
