// Writes each model's ablation table into its README, between <!-- ablation:start --> and
// <!-- ablation:end --> (added before "## Verified bound" the first time).
//   node scripts/ablation-tables.mjs   (after `pnpm build`)
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BOUND = 2;
const models = ['radix-nested', 'hpt-resize', 'change-pte', 'memslot-gen', 'pfncache'];
const bin = fileURLToPath(new URL('../dist/kvmrace.js', import.meta.url));

for (const name of models) {
  const r = spawnSync(process.execPath, [bin, '--no-timing', 'ablate', name, '--variant', 'all', '--preemptions', String(BOUND), '--json'], { encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`ablate ${name}: ${r.stderr}`);
  const a = JSON.parse(r.stdout);
  const lines = [
    '<!-- ablation:start -->',
    '## Ablation',
    '',
    `Every subset of the fix hunks, verified over the catalogue within ${BOUND} preemptions`,
    `(\`kvmrace ablate ${name} --preemptions ${BOUND}\`; regenerate with \`node packages/cli/scripts/ablation-tables.mjs\`).`,
    '',
    `| ${a.fixes.map((f) => `\`${f}\``).join(' | ')} | verdict | first failure | executions |`,
    `|${a.fixes.map(() => '---').join('|')}|---|---|---|`,
    ...a.rows.map((row) => `| ${a.fixes.map((f) => (row.fixes.includes(f) ? 'x' : '')).join(' | ')} | ${row.verdict} | ${row.failure ?? ''} | ${row.executions} |`),
    '',
    `Necessary hunks (in every subset that holds): ${a.necessary.length ? a.necessary.map((f) => `\`${f}\``).join(', ') : 'none alone'}.`,
    `Smallest subsets that hold: ${a.minimalSufficient.length ? a.minimalSufficient.map((s) => `{${s.map((f) => `\`${f}\``).join(', ')}}`).join(', ') : 'none'}.`,
    ...(a.rows.at(-1)?.verdict === 'violated' ? ['Every toggle on (`all`) fails here: a proposal\'s hunk races in some catalogue scenario (see above); the report shows that race as the proposal\'s finding, and `upstream` must hold over the whole catalogue.'] : []),
    '<!-- ablation:end -->',
  ].join('\n');
  const file = fileURLToPath(new URL(`../../${name}/README.md`, import.meta.url));
  let text = readFileSync(file, 'utf8');
  if (text.includes('<!-- ablation:start -->')) {
    text = text.replace(/<!-- ablation:start -->[\s\S]*?<!-- ablation:end -->/, lines);
  } else if (text.includes('## Verified bound')) {
    text = text.replace('## Verified bound', `${lines}\n\n## Verified bound`);
  } else {
    text = `${text.trimEnd()}\n\n${lines}\n`;
  }
  writeFileSync(file, text);
  console.log(`${name}: necessary ${a.necessary.join(', ') || 'none alone'}`);
}
