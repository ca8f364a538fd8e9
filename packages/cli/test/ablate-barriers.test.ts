import { describe, expect, it } from 'vitest';
import { expectOneLineRefusal, spawnCli } from './spawn-cli.js';

// `ablate --memory lkmm --barriers` (issue 20 section 2) on the seqcount reader. Expected: every
// barrier of include/linux/seqlock.h is needed under the LKMM, each closing one message-passing
// shape (explanation.txt §13, MP+wmb+rmb), and none is needed under x86-TSO (smp_rmb/smp_wmb are
// compiler barriers on x86, arch/x86/include/asm/barrier.h). seqlock.h pairs each read-side
// smp_rmb with a write-side smp_wmb.

const json = (out: string): Record<string, any> => JSON.parse(out) as Record<string, any>;

describe.concurrent('ablate --barriers', () => {
  it('the seqcount reader needs all four barriers under lkmm, none under tso, and each pair', async () => {
    const r = await spawnCli(['ablate', 'seqcount-reader', '--memory', 'lkmm', '--barriers', '--json', '--no-timing'], { timeoutMs: 120_000 });
    expect(r.code, r.err).toBe(0);
    const j = json(r.out);
    expect(j.baseline.verdict).toBe('holds');
    expect(j.barriers.map((b: any) => [b.barrier, b.lkmm.verdict, b.tso.verdict])).toEqual([
      ['read_seqcount_begin:smp_rmb', 'needed', 'not needed'],
      ['read_seqcount_retry:smp_rmb', 'needed', 'not needed'],
      ['write_seqcount_begin:smp_wmb', 'needed', 'not needed'],
      ['write_seqcount_end:smp_wmb', 'needed', 'not needed'],
    ]);
    for (const b of j.barriers) {
      expect(b.lkmm.weakEdges).toBeGreaterThan(0);
      expect(b.lkmm.token).toMatch(/^kr1\./);
    }
    expect(j.pairs.map((p: any) => [p.barriers, p.lkmm.verdict])).toEqual([
      [['read_seqcount_begin:smp_rmb', 'write_seqcount_end:smp_wmb'], 'needed'],
      [['read_seqcount_retry:smp_rmb', 'write_seqcount_begin:smp_wmb'], 'needed'],
    ]);
  });
  it('--barriers without a weak memory model is refused', async () => {
    expectOneLineRefusal(await spawnCli(['ablate', 'seqcount-reader', '--barriers']), /--barriers needs --memory tso or lkmm/);
  });
  it('--memory lkmm without --barriers is refused', async () => {
    expectOneLineRefusal(await spawnCli(['ablate', 'seqcount-reader', '--memory', 'lkmm']), /add --barriers/);
  });
  it('a model without barriers says so', async () => {
    const r = await spawnCli(['ablate', 'lost-update', '--memory', 'lkmm', '--barriers']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/the model has no barrier toggles/);
  });
});
